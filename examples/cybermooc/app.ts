// The cybermooc Flask course's API (parts 5 to 7: JWT login, then roles) on tokenwarden:
// signup and login by username, a route for any logged-in user, one for admins and one for the
// `user` role. Users, password hashes and sessions are tokenwarden's; the Flask app's users,
// with their flask-bcrypt hashes, come over with `tokenwarden users import` and log in with
// their old passwords. The token goes in `Authorization` bare, as the tutorial's client sent it.

import Fastify, { type FastifyInstance } from 'fastify'
import type { Auth, Clock, KyselyStore } from '../../src/index.js'
import { exampleConfig, loadEnv, type ExampleConfig } from '../shared/config.js'
import { installErrors } from '../shared/errors.js'
import { exampleLogger } from '../shared/logger.js'
import { mountAuth } from '../shared/mount.js'
import { helloRoutes } from './hello.js'
import { tutorialMessage } from './messages.js'
import { userRoutes } from './users.js'

export const NAME = 'cybermooc'
export const PORT = 3105

/** The tutorial's blueprint: `Blueprint('api_v1', __name__, url_prefix='/api/v1')`. */
export const PREFIX = '/api/v1'

/**
 * The example's defaults, under the environment: the tutorial's bare token in `Authorization`
 * and its token lifetime (`generate_jwt(claims, expiration = 172800)`, 48 hours).
 */
export const ENV_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({ JWT_HEADER_TYPE: '', ACCESS_TOKEN_TTL: '48h' })

/**
 * The environment the example runs with: ENV_DEFAULTS, under `env` (`.env` under the real
 * environment), with the tutorial's SECRET_KEY as the signing secret (JWT_SECRET when unset).
 */
export function cybermoocEnv(env: Record<string, string | undefined> = loadEnv()): Record<string, string | undefined> {
  return { ...ENV_DEFAULTS, ...env, JWT_SECRET: env.SECRET_KEY || env.JWT_SECRET }
}

export function cybermoocConfig(env: Record<string, string | undefined> = loadEnv(), cwd?: string): ExampleConfig {
  return exampleConfig({ name: NAME, port: PORT }, cybermoocEnv(env), cwd)
}

export interface Cybermooc {
  app: FastifyInstance
  auth: Auth
  store: KyselyStore
}

/**
 * @example
 * const { app } = await buildCybermooc(cybermoocConfig())
 * await app.listen({ port: PORT })
 */
export async function buildCybermooc(config: ExampleConfig, deps: { clock?: Clock } = {}): Promise<Cybermooc> {
  const app = Fastify({ logger: exampleLogger(config), bodyLimit: 64 * 1024 })
  try {
    // JSON bodies only, as the tutorial's request.get_json(): anything else is a 415.
    app.removeContentTypeParser('text/plain')
    // The tutorial's errors said `{"error": "..."}`: the same key, plus the code.
    installErrors(app, { messageKey: 'error', message: tutorialMessage })
    // tokenwarden's accounts and sessions, none of its routes; the bare token unless JWT_HEADER_TYPE says otherwise.
    const { auth, store } = await mountAuth(app, config, deps)
    await app.register(helloRoutes, { prefix: PREFIX })
    await app.register(userRoutes, { prefix: PREFIX })
    await app.ready()
    return { app, auth, store }
  } catch (err) {
    await app.close()
    throw err
  }
}
