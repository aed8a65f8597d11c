// The tutorial's routes (app.py and authentication.py), each with its guard, plus the list and
// download routes it lacked. The token travels as the tutorial's `?token=` (the page and its
// form, download links), or as `Authorization: Bearer` from an API client.

import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { basicCredentials } from '../../src/fastify.js'
import { AuthError, isAuthError } from '../../src/index.js'
import { sendError } from '../shared/errors.js'
import { UploadError } from './errors.js'
import { attachment, tokenPageHeaders, uploadPage } from './page.js'
import { DescriptionTaken, type FileStore, type StoredFile } from './storage.js'
import { checkDeclaredLength, receiveUpload, type UploadLimits } from './upload.js'

export interface FileRoutesOptions {
  files: FileStore
  limits: UploadLimits
}

/** `?token=` (the tutorial's `request.args.get('token')`); then `Authorization: Bearer`. */
const QUERY_THEN_HEADER = ['query_string', 'headers'] as const

/** A file as the list shows it (snake_case keys, as Marshmallow's schema dumped the model). */
function listed(f: StoredFile) {
  return { id: f.id, description: f.description, filename: f.filename, content_type: f.contentType, size: f.size, sha256: f.sha256, created_at: f.createdAt }
}

export async function fileRoutes(app: FastifyInstance, { files, limits }: FileRoutesOptions): Promise<void> {
  const tw = app.tokenwarden
  const { accounts } = tw.auth
  const userOf = (request: FastifyRequest) => request.identity!

  // authentication.py's login(): `request.authorization`, checked against a tokenwarden account
  // (argon2id) instead of `auth.password == 'password'`; the token is the session's access token.
  app.get('/login', async (request, reply) => {
    try {
      const credentials = basicCredentials(request)
      if (credentials === undefined) throw new AuthError('INVALID_CREDENTIALS')
      const { accessToken } = await accounts.login(credentials, { userAgent: request.headers['user-agent'], ip: request.ip })
      // A token is a credential: no cache keeps it (RFC 6749 §5.1).
      return reply.header('cache-control', 'no-store').send({ token: accessToken })
    } catch (err) {
      if (!isAuthError(err) || (err.code !== 'INVALID_CREDENTIALS' && err.code !== 'VALIDATION_FAILED')) throw err
      // The tutorial's make_response('Unable to verify'), 403, as the 401 with a Basic challenge
      // that lets a browser or Postman ask for the credentials (RFC 7235 §3.1).
      reply.header('www-authenticate', 'Basic realm="File Upload", charset="UTF-8"')
      return sendError(reply, new AuthError('INVALID_CREDENTIALS'), undefined, 'Unable to verify')
    }
  })

  // @app.route('/') @check_for_token: the upload page, which carries the token to the form.
  app.get('/', { onRequest: tw.guard({ locations: ['query_string'] }) }, async (request, reply) => {
    const token = tw.locate(request, { locations: ['query_string'] })!.token
    return tokenPageHeaders(reply).send(uploadPage(token, await files.list(userOf(request)), limits.maxFileBytes))
  })

  // @app.route('/upload', methods=['POST']): now behind the same check as the page.
  app.post('/upload', {
    onRequest: tw.guard({ locations: QUERY_THEN_HEADER }),
    // Before Fastify parses a body: another content type is refused here (not parsed as JSON or
    // text first), and so is a declared length no acceptable form can have.
    preParsing: async (request) => {
      if (!request.headers['content-type']?.toLowerCase().startsWith('multipart/form-data')) throw new UploadError('UNSUPPORTED_MEDIA_TYPE')
      checkDeclaredLength(request, limits)
    },
  }, async (request, reply) => {
    const upload = await receiveUpload(request, limits)
    try {
      await files.save({ ...upload, userId: userOf(request), parts: upload.parts() })
    } catch (err) {
      if (err instanceof DescriptionTaken) throw new UploadError('DESCRIPTION_TAKEN')
      throw err
    } finally {
      await upload.discard()
    }
    // The tutorial's answer, word for word; as text/plain, so a file name is never read as HTML.
    return reply.type('text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').send(`file ${upload.filename} uploaded successfully`)
  })

  // The user's files (the tutorial had the Marshmallow schema for it, but no route).
  app.get('/files', { onRequest: tw.guard({ locations: QUERY_THEN_HEADER }) }, async (request, reply) => {
    return reply.header('cache-control', 'no-store').send((await files.list(userOf(request))).map(listed))
  })

  // One file's bytes, as an attachment under the name it was uploaded with.
  app.get<{ Params: { id: string } }>('/files/:id', { onRequest: tw.guard({ locations: QUERY_THEN_HEADER }) }, async (request, reply) => {
    const id = /^\d{1,10}$/.test(request.params.id) ? Number(request.params.id) : NaN
    const file = await files.find(userOf(request), id)
    if (file === undefined) throw new UploadError('FILE_NOT_FOUND')
    return reply
      .headers({
        'content-type': 'application/octet-stream',
        'content-length': String(file.size),
        'content-disposition': attachment(file.filename),
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        etag: `"${file.sha256}"`,
      })
      .send(Readable.from(files.read(file.id)))
  })
}
