// Smilecook's users and tokens (the Flask-RESTful app of "Authentification Services and
// Security using JWT") on tokenwarden's accounts and sessions: POST /users, POST /token,
// GET /users/:username (optional token: the owner also sees the email), GET /me, POST /refresh
// (a non-fresh access token), POST /revoke (ends the session: the access and the refresh token).
// Token errors are keyed `message`, as the seed's JWT_ERROR_MESSAGE_KEY = 'message' has them.

import Fastify, { type FastifyInstance } from 'fastify'
import type { Auth, Clock, KyselyStore } from '../../src/index.js'
import { tokenwarden } from '../../src/fastify.js'
import { guardOptions, openAuth } from '../shared/auth.js'
import type { ExampleConfig } from '../shared/config.js'
import { installErrors } from '../shared/errors.js'
import { fjeMessage } from '../shared/flask-jwt-extended.js'
import { exampleLogger } from '../shared/logger.js'
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
  const opened = await openAuth(config, { clock: deps.clock })
  const { auth, store } = opened
  const app = Fastify({ logger: exampleLogger(config), bodyLimit: 64 * 1024 })
  app.addHook('onClose', async () => opened.close())
  try {
    const friends = await Friends.open(store)
    installErrors(app, { messageKey: JWT_ERROR_MESSAGE_KEY, message: fjeMessage })
    // JSON bodies only (and tutorial 1's form): anything else is 415 UNSUPPORTED_MEDIA_TYPE.
    app.removeContentTypeParser('text/plain')
    await app.register(tokenwarden, { ...guardOptions(auth) })
    await app.register(usersResources, { auth, friends })
    await app.register(meResources, { auth, friends })
    await app.register(tokenResources, { auth })
    await app.ready()
  } catch (err) {
    await app.close()
    throw err
  }
  return { app, auth, store }
}
