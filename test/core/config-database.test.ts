// DATABASE_*, REDIS_URL and INVALIDATION_* settings: defaults, and errors naming the variable.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigError, parseConfig } from '../../src/core/config.js'

const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) }

function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig({ ...base, ...env }, '/srv/app')
  } catch (err) {
    if (err instanceof ConfigError) return err
    throw err
  }
  throw new Error('expected a ConfigError')
}

test('defaults: SQLite in DATA_DIR, 10 connections, no wait, no Redis, 250 ms poll, 1000 ms bound', () => {
  const c = parseConfig(base, '/srv/app')
  assert.equal(c.databaseUrl, 'sqlite:/srv/app/data/tokenwarden.db')
  assert.equal(c.databasePoolMax, 10)
  assert.equal(c.databaseWait, 0)
  assert.equal(c.redisUrl, undefined)
  assert.equal(c.invalidationPollMs, 250)
  assert.equal(c.invalidationMaxLagMs, 1000)
})

test('values are read', () => {
  const c = parseConfig({ ...base, DATABASE_URL: 'postgres://app@db/auth', DATABASE_POOL_MAX: '25', DATABASE_WAIT: '30s', REDIS_URL: 'redis://127.0.0.1:6379', INVALIDATION_POLL_MS: '100', INVALIDATION_MAX_LAG_MS: '500' })
  assert.equal(c.databaseUrl, 'postgres://app@db/auth')
  assert.equal(c.databasePoolMax, 25)
  assert.equal(c.databaseWait, 30)
  assert.equal(c.redisUrl, 'redis://127.0.0.1:6379')
  assert.equal(c.invalidationPollMs, 100)
  assert.equal(c.invalidationMaxLagMs, 500)
})

test('bad values name their variable', () => {
  assert.equal(configError({ REDIS_URL: 'memcached://x' }).variable, 'REDIS_URL')
  assert.equal(configError({ DATABASE_POOL_MAX: '0' }).variable, 'DATABASE_POOL_MAX')
  assert.equal(configError({ INVALIDATION_POLL_MS: 'fast' }).variable, 'INVALIDATION_POLL_MS')
  assert.equal(configError({ INVALIDATION_POLL_MS: '500', INVALIDATION_MAX_LAG_MS: '500' }).variable, 'INVALIDATION_MAX_LAG_MS')
  assert.equal(configError({ DATABASE_WAIT: 'forever' }).variable, 'DATABASE_WAIT')
})

test('a REDIS_URL error does not echo the URL (it may carry a password)', () => {
  const err = configError({ REDIS_URL: 'memcached://user:hunter2@cache' })
  assert.doesNotMatch(err.message, /hunter2/)
})
