// Smilecook's users and tokens (the Flask-RESTful app of "Authentification Services and
// Security using JWT") on tokenwarden's accounts and sessions: POST /users, POST /token,
// GET /users/:username (optional token: the owner also sees the email), GET /me, POST /refresh
// (a non-fresh access token), POST /revoke (ends the session: the access and the refresh token).
// Token errors are keyed `message`, as the seed's JWT_ERROR_MESSAGE_KEY = 'message' has them.

import Fastify, { type FastifyInstance } from 'fastify'
import type { Auth, Clock, KyselyStore } from '../../src/index.js'
import type { ExampleConfig } from '../shared/config.js'
import { installErrors } from '../shared/errors.js'
import { fjeMessage } from '../shared/flask-jwt-extended.js'
import { exampleLogger } from '../shared/logger.js'
import { mountAuth } from '../shared/mount.js'
import { Friends } from './friends.js'
import { meResources } from './me.js'
import { tokenResources } from './token.js'
import { usersResources } from './users.js'

/** JWT_ERROR_MESSAGE_KEY = 'message' in the seed's config.py. */
export const JWT_ERROR_MESSAGE_KEY = 'message'

export interface SmilecookDeps {
  /** default: the system clock */
  clock?: Clock
}

export interface Smilecook {
  app: FastifyInstance
  auth: Auth
  store: KyselyStore
}

/**
 * @example
 * const { app } = await buildSmilecook(exampleConfig({ name: 'smilecook', port: 3104 }))
 * await app.listen({ port: 3104 })
 */
export async function buildSmilecook(config: ExampleConfig, deps: SmilecookDeps = {}): Promise<Smilecook> {
  const app = Fastify({ logger: exampleLogger(config), bodyLimit: 64 * 1024 })
  try {
    // Before the plugin: the guards' refusals come here, keyed `message` in Flask-JWT-Extended's words.
    installErrors(app, { messageKey: JWT_ERROR_MESSAGE_KEY, message: fjeMessage })
    // JSON bodies only: anything else is 415 UNSUPPORTED_MEDIA_TYPE.
    app.removeContentTypeParser('text/plain')
    // jwt.init_app(app): tokenwarden's accounts and sessions on the database, no tokenwarden routes.
    const { auth, store } = await mountAuth(app, config, { clock: deps.clock })
    const friends = await Friends.open(store)
    await app.register(usersResources, { friends })
    await app.register(meResources, { friends })
    await app.register(tokenResources)
    await app.ready()
    return { app, auth, store }
  } catch (err) {
    await app.close()
    throw err
  }
}
