// The database and multi-instance settings: where the data lives, how many connections, how
// fast instances learn each other's changes, and whether to wait for the database at start.

import { join } from 'node:path'
import { ConfigError, duration, integer, text, type Env } from './config-env.js'
import { FEED_DEFAULTS } from './events/feed.js'

/** The database defaults, written once: createStore (poolMax) and tokenwardenAuth (databaseWait) refer to them. */
export const DATABASE_DEFAULTS = Object.freeze({ poolMax: 10, waitSeconds: 0 })

export interface DatabaseConfig {
  /** DATABASE_URL: sqlite:PATH, postgres://..., mysql://... or mariadb://... default: sqlite:<DATA_DIR>/tokenwarden.db */
  databaseUrl: string
  /** DATABASE_POOL_MAX: connections per instance (PostgreSQL, MySQL). default: DATABASE_DEFAULTS.poolMax */
  databasePoolMax: number
  /** DATABASE_WAIT, seconds: keep retrying an unreachable database at start this long (with backoff); 0 fails at once. default: DATABASE_DEFAULTS.waitSeconds */
  databaseWait: number
  /** REDIS_URL (redis:// or rediss://): wake-up signal between instances and the shared per-IP limit. default: unset */
  redisUrl: string | undefined
  /** INVALIDATION_POLL_MS: how often each instance reads the auth-event log without a wake-up. default: FEED_DEFAULTS.pollMs */
  invalidationPollMs: number
  /**
   * INVALIDATION_MAX_LAG_MS: the bound. An instance whose last read of the log started longer
   * ago than this stops trusting its memory and checks sessions against the database. default: FEED_DEFAULTS.maxLagMs
   */
  invalidationMaxLagMs: number
}

export function parseDatabaseConfig(env: Env, dataDir: string): DatabaseConfig {
  const redisUrl = text(env, 'REDIS_URL')
  if (redisUrl !== undefined && !/^rediss?:\/\//i.test(redisUrl)) {
    throw new ConfigError('REDIS_URL', `unsupported scheme "${redisUrl.split(':')[0]}:" (supported: redis://, rediss://)`)
  }
  const invalidationPollMs = integer(env, 'INVALIDATION_POLL_MS', FEED_DEFAULTS.pollMs, 10, 60_000)
  const invalidationMaxLagMs = integer(env, 'INVALIDATION_MAX_LAG_MS', FEED_DEFAULTS.maxLagMs, 20, 600_000)
  if (invalidationMaxLagMs <= invalidationPollMs) {
    throw new ConfigError('INVALIDATION_MAX_LAG_MS', `must be greater than INVALIDATION_POLL_MS (${invalidationPollMs})`)
  }
  return {
    databaseUrl: text(env, 'DATABASE_URL') ?? `sqlite:${join(dataDir, 'tokenwarden.db')}`,
    databasePoolMax: integer(env, 'DATABASE_POOL_MAX', DATABASE_DEFAULTS.poolMax, 1, 1000),
    databaseWait: duration(env, 'DATABASE_WAIT', DATABASE_DEFAULTS.waitSeconds, true),
    redisUrl,
    invalidationPollMs,
    invalidationMaxLagMs,
  }
}
