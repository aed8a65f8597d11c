// The file upload API of the tutorial "Flask API with JWT Authentication", on tokenwarden: log in
// with HTTP Basic for a token, open the upload page with `?token=`, upload a file with a
// description; the file is stored in the database (SQLite by default, MySQL/MariaDB with
// DATABASE_URL=mysql://...), listed and downloaded back. Users and sessions are tokenwarden's
// accounts and sessions; the files are the example's own tables on the same database.

import multipart from '@fastify/multipart'
import Fastify, { type FastifyInstance } from 'fastify'
import type { DestinationStream } from 'pino'
import type { Auth, Clock } from '../../src/index.js'
import { exampleLogger } from '../shared/logger.js'
import { mountAuth } from '../shared/mount.js'
import type { FileUploadConfig } from './config.js'
import { installUploadErrors } from './errors.js'
import { fileRoutes } from './routes.js'
import { DEMO_USER, seedUsers } from './seed.js'
import { FileStore } from './storage.js'

/** The query parameter of the token, as the tutorial's `request.args.get('token')`. */
export const QUERY_TOKEN = 'token'

/** Where tokenwarden's own auth routes are mounted: POST /auth/register, /auth/login, /auth/logout, GET /auth/me, ... */
export const AUTH_PREFIX = '/auth'

export interface FileUploadDeps {
  /** default: the system clock */
  clock?: Clock
  /** Where log lines go (tests read them). default: standard output */
  logStream?: DestinationStream
  /** Add the demo account when missing. default: outside production only */
  seed?: boolean
}

export interface FileUpload {
  app: FastifyInstance
  auth: Auth
  files: FileStore
}

/**
 * @example
 * const { app } = await buildFileUpload(fileUploadConfig())
 * await app.listen({ port: 3102 })
 */
export async function buildFileUpload(config: FileUploadConfig, deps: FileUploadDeps = {}): Promise<FileUpload> {
  const logger = exampleLogger({ ...config, queryStringName: QUERY_TOKEN })
  // @fastify/multipart logs its busboy options, request headers included, at trace level.
  const paths = [...(logger.redact as { paths: string[] }).paths, 'busboyOptions.headers.authorization', 'busboyOptions.headers.cookie']
  const app = Fastify({
    logger: { ...logger, redact: { paths, censor: '[REDACTED]' }, ...(deps.logStream === undefined ? {} : { stream: deps.logStream }) },
    // JSON and text bodies: this API takes none (the upload is multipart, and has its own limits).
    bodyLimit: 64 * 1024,
  })
  try {
    // First: the guards' refusals on the routes below come here (the mounted /auth routes have their own).
    installUploadErrors(app)
    await app.register(multipart)
    // tokenwarden's accounts and sessions (tokenwardenAuth): the guards verify with its key and
    // check each token's session, so a logout or a deleted account is refused at once; the
    // handlers take the services from app.tokenwarden.auth; /auth/register, /auth/logout and the
    // rest of the server's auth routes are mounted beside the tutorial's.
    const { auth, store } = await mountAuth(app, config, { clock: deps.clock }, { queryStringName: QUERY_TOKEN, routes: { auth: AUTH_PREFIX, admin: false, users: false } })
    const files = new FileStore(store.db, store.dialect)
    await files.migrate()
    if ((deps.seed ?? config.env !== 'production') && (await seedUsers(auth))) {
      app.log.info({ username: DEMO_USER.username }, 'added the demo account (its password is in examples/file-upload/README.md)')
    }
    await app.register(fileRoutes, { files, limits: config.upload })
    await app.ready()
    return { app, auth, files }
  } catch (err) {
    await app.close()
    throw err
  }
}
