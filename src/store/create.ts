// createStore(config): the one place a store is built from DATABASE_URL. The server, the CLI
// and the tests all call it; the dialect (and so the driver it imports) follows the scheme.

import { CamelCasePlugin, Kysely } from 'kysely'
import { DATABASE_DEFAULTS } from '../core/config-database.js'
import { dialectFor } from './kysely/dialects/index.js'
import type { Listener } from './kysely/dialects/types.js'
import type { Database } from './kysely/schema.js'
import { KyselyStore } from './kysely/store.js'

export interface StoreOptions {
  /** DATABASE_URL: sqlite:PATH, sqlite::memory:, postgres://..., mysql://... (or mariadb://...). */
  databaseUrl: string
  /** DATABASE_POOL_MAX: connections per instance (PostgreSQL, MySQL). default: DATABASE_DEFAULTS.poolMax (10) */
  poolMax?: number
}

/**
 * @example
 * const store = await createStore({ databaseUrl: 'postgres://app@db/auth' })
 * await store.migrate()
 */
export async function createStore(options: StoreOptions): Promise<KyselyStore> {
  const dialect = dialectFor(options.databaseUrl)
  const poolMax = options.poolMax ?? DATABASE_DEFAULTS.poolMax
  if (!Number.isInteger(poolMax) || poolMax < 1) throw new TypeError('poolMax must be a whole number >= 1')
  const kysely = new Kysely<Database>({ dialect: await dialect.create(options.databaseUrl, { poolMax }), plugins: [new CamelCasePlugin()] })
  return new KyselyStore(kysely, dialect)
}

/**
 * The dialect's own wake-up channel for the event feed (PostgreSQL LISTEN), when it has one.
 *
 * @example
 * const listener = await listenForEvents(config.databaseUrl, () => feed.wake(), (err) => log.warn({ err }))
 */
export async function listenForEvents(databaseUrl: string, onWake: () => void, onError: (err: unknown) => void): Promise<Listener | undefined> {
  return dialectFor(databaseUrl).listen?.(databaseUrl, onWake, onError)
}
