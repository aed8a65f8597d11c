// The paralympics REST API of the tutorial "Implement PyJWT for the paralympics REST API",
// on tokenwarden: regions and events from a shipped dataset, readable by anyone; writing them
// takes a token from /api/login. Users and sessions are tokenwarden's accounts and sessions.
// As in the tutorial's client, the token goes in `Authorization` bare, with no scheme
// (Flask-JWT-Extended's JWT_HEADER_TYPE=''); JWT_HEADER_TYPE=Bearer asks for `Bearer <token>`.

import Fastify, { type FastifyInstance } from 'fastify'
import type { Auth, Clock, KyselyStore } from '../../src/index.js'
import { exampleConfig, loadEnv, type ExampleConfig } from '../shared/config.js'
import { installErrors } from '../shared/errors.js'
import { exampleLogger } from '../shared/logger.js'
import { mountAuth } from '../shared/mount.js'
import { ParalympicsData } from './db.js'
import { eventRoutes } from './routes/events.js'
import { regionRoutes } from './routes/regions.js'
import { userRoutes } from './routes/users.js'

export const NAME = 'paralympics'
export const PORT = 3101

/** Where the tutorial's blueprint put its routes (`Blueprint("api", __name__, url_prefix="/api")`). */
export const PREFIX = '/api'

/**
 * The example's defaults, under the environment: the tutorial's bare token and its 5-minute
 * token lifetime (`timedelta(minutes=5)`).
 */
export const ENV_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({ JWT_HEADER_TYPE: '', ACCESS_TOKEN_TTL: '5m' })

/** The configuration from `env` (default: `.env` under the environment) over ENV_DEFAULTS. */
export function paralympicsConfig(env: Record<string, string | undefined> = loadEnv(), cwd?: string): ExampleConfig {
  return exampleConfig({ name: NAME, port: PORT }, { ...ENV_DEFAULTS, ...env }, cwd)
}

export interface Paralympics {
  app: FastifyInstance
  auth: Auth
  store: KyselyStore
  data: ParalympicsData
}

/**
 * @example
 * const { app } = await buildParalympics(paralympicsConfig())
 * await app.listen({ port: PORT })
 */
export async function buildParalympics(config: ExampleConfig, deps: { clock?: Clock } = {}): Promise<Paralympics> {
  const app = Fastify({ logger: exampleLogger(config), bodyLimit: 64 * 1024 })
  try {
    // JSON bodies only, as the tutorial's request.get_json(): anything else is a 415.
    app.removeContentTypeParser('text/plain')
    installErrors(app)
    // tokenwarden's accounts and sessions, none of its routes; the bare token unless JWT_HEADER_TYPE says otherwise.
    const { auth, store } = await mountAuth(app, config, deps)
    const data = new ParalympicsData(store)
    await data.prepare()
    await app.register(regionRoutes, { prefix: PREFIX, data })
    await app.register(eventRoutes, { prefix: PREFIX, data })
    await app.register(userRoutes, { prefix: PREFIX })
    await app.ready()
    return { app, auth, store, data }
  } catch (err) {
    await app.close()
    throw err
  }
}
