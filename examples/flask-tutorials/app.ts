// The four Flask tutorials of "User Authentication in Flask App Using JWT" as one Fastify app,
// each under a prefix of its own (their routes collide: three of them have a `/login`):
// /t1 (session home page, `?token=`), /t2 (HTTP Basic login, `?token=`), /t3
// (Flask-JWT-Extended login and /protected), /t4 (automatic user loading, /who_am_i). Users,
// passwords and sessions are tokenwarden's accounts and sessions; the tutorial's hard-coded
// passwords become argon2id-hashed accounts, and every token expires.

import Fastify, { type FastifyInstance } from 'fastify'
import type { Auth, Clock, KyselyStore } from '../../src/index.js'
import type { ExampleConfig } from '../shared/config.js'
import { installErrors } from '../shared/errors.js'
import { exampleLogger } from '../shared/logger.js'
import { mountAuth } from '../shared/mount.js'
import { Profiles } from './profiles.js'
import { seedUsers } from './seed.js'
import { tutorial1 } from './tutorial1.js'
import { tutorial2 } from './tutorial2.js'
import { tutorial3 } from './tutorial3.js'
import { tutorial4 } from './tutorial4.js'

/** Where each tutorial's routes live. */
export const PREFIXES = Object.freeze({ tutorial1: '/t1', tutorial2: '/t2', tutorial3: '/t3', tutorial4: '/t4' })

/** The name of the query parameter tutorials 1 and 2 read the token from (`?token=`). */
export const QUERY_TOKEN = 'token'

export interface FlaskTutorialsDeps {
  /** default: the system clock */
  clock?: Clock
  /** Add the tutorial's users when missing. default: outside production only */
  seed?: boolean
}

export interface FlaskTutorials {
  app: FastifyInstance
  auth: Auth
  store: KyselyStore
}

/**
 * @example
 * const { app } = await buildFlaskTutorials(exampleConfig({ name: 'flask-tutorials', port: 3103 }))
 * await app.listen({ port: 3103 })
 */
export async function buildFlaskTutorials(config: ExampleConfig, deps: FlaskTutorialsDeps = {}): Promise<FlaskTutorials> {
  const app = Fastify({ logger: exampleLogger({ ...config, queryStringName: QUERY_TOKEN }), bodyLimit: 64 * 1024 })
  try {
    // Before the plugin: the guards' refusals come here (each tutorial words its own, below).
    installErrors(app)
    // JSON bodies only (and tutorial 1's form): anything else is 415 UNSUPPORTED_MEDIA_TYPE.
    app.removeContentTypeParser('text/plain')
    // JWTManager(app): tokenwarden's accounts and sessions on the database, no tokenwarden routes.
    const { auth, store } = await mountAuth(app, config, { clock: deps.clock }, {
      // Tutorials 1 and 2 read the token from ?token=.
      queryStringName: QUERY_TOKEN,
      // Tutorial 1's home page remembers the login in a cookie (HttpOnly; Secure in production).
      // It is read on GET / only, so no CSRF echo is asked for.
      cookies: { ...config.cookies, csrfProtect: false },
    })
    const profiles = await Profiles.open(store)
    if (deps.seed ?? config.env !== 'production') await seedUsers(auth, profiles)
    await app.register(tutorial1, { prefix: PREFIXES.tutorial1 })
    await app.register(tutorial2, { prefix: PREFIXES.tutorial2 })
    await app.register(tutorial3, { prefix: PREFIXES.tutorial3 })
    await app.register(tutorial4, { prefix: PREFIXES.tutorial4, profiles })
    await app.ready()
    return { app, auth, store }
  } catch (err) {
    await app.close()
    throw err
  }
}
