// parseConfig: defaults written where declared, durations, and ConfigError naming the variable
// at fault, without ever echoing the JWT secret.

import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { ConfigError, parseConfig, parseDuration } from '../../src/core/config.js'

const CWD = '/srv/app'

/** The ConfigError parseConfig throws for `env`. */
function configError(env: Record<string, string>): ConfigError {
  try {
    parseConfig(env, CWD)
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`)
    return err
  }
  assert.fail(`parseConfig accepted ${JSON.stringify(Object.keys(env))}`)
}

test('defaults', () => {
  const c = parseConfig({}, CWD)
  assert.equal(c.port, 3000)
  assert.equal(c.host, '127.0.0.1')
  assert.equal(c.dataDir, join(CWD, 'data'))
  assert.equal(c.databaseUrl, `sqlite:${join(CWD, 'data', 'tokenwarden.db')}`)
  assert.equal(c.accessTtl, 900)
  assert.equal(c.refreshTtl, 30 * 24 * 3600)
  assert.equal(c.refreshReuseInterval, 10)
  assert.equal(c.leeway, 0)
  assert.equal(c.jwtSecret, undefined)
  assert.equal(c.env, 'development')
  assert.equal(c.logLevel, 'info')
  assert.equal(c.trustProxy, false)
  assert.deepEqual({ ...c.argon2 }, { memoryCost: 19456, timeCost: 2, parallelism: 1 })
  assert.ok(Object.isFrozen(c))
  assert.equal(parseConfig({ NODE_ENV: 'test' }, CWD).logLevel, 'silent')
})

test('DATABASE_URL follows DATA_DIR, relative to cwd or absolute', () => {
  assert.equal(parseConfig({ DATA_DIR: 'state' }, CWD).databaseUrl, `sqlite:${join(CWD, 'state', 'tokenwarden.db')}`)
  assert.equal(parseConfig({ DATA_DIR: '/var/lib/tw' }, CWD).databaseUrl, 'sqlite:/var/lib/tw/tokenwarden.db')
  assert.equal(parseConfig({ DATABASE_URL: 'sqlite::memory:', DATA_DIR: '/x' }, CWD).databaseUrl, 'sqlite::memory:')
})

test('durations: 15m -> 900, plain seconds, hours, days', () => {
  assert.equal(parseConfig({ ACCESS_TOKEN_TTL: '15m' }, CWD).accessTtl, 900)
  assert.equal(parseConfig({ ACCESS_TOKEN_TTL: '600' }, CWD).accessTtl, 600)
  assert.equal(parseConfig({ ACCESS_TOKEN_TTL: '1h' }, CWD).accessTtl, 3600)
  assert.equal(parseConfig({ REFRESH_TOKEN_TTL: '7d' }, CWD).refreshTtl, 7 * 86400)
  assert.equal(parseDuration('2w'), 14 * 86400)
  assert.equal(parseDuration('45s'), 45)
  assert.equal(parseDuration('-5'), undefined)
  assert.equal(parseDuration('1.5h'), undefined)
  assert.equal(parseDuration('10y'), undefined)
})

test('PORT=abc -> ConfigError naming PORT', () => {
  assert.equal(configError({ PORT: 'abc' }).variable, 'PORT')
  assert.equal(configError({ PORT: '70000' }).variable, 'PORT')
  assert.equal(configError({ PORT: '-1' }).variable, 'PORT')
  assert.equal(parseConfig({ PORT: '0' }, CWD).port, 0)
})

test('ACCESS_TOKEN_TTL=-5 -> ConfigError naming ACCESS_TOKEN_TTL', () => {
  assert.equal(configError({ ACCESS_TOKEN_TTL: '-5' }).variable, 'ACCESS_TOKEN_TTL')
  assert.equal(configError({ ACCESS_TOKEN_TTL: '0' }).variable, 'ACCESS_TOKEN_TTL')
  assert.equal(configError({ ACCESS_TOKEN_TTL: 'soon' }).variable, 'ACCESS_TOKEN_TTL')
  assert.equal(configError({ ACCESS_TOKEN_TTL: '2d', REFRESH_TOKEN_TTL: '1d' }).variable, 'REFRESH_TOKEN_TTL')
})

test('other bad values name their variable', () => {
  assert.equal(configError({ NODE_ENV: 'staging' }).variable, 'NODE_ENV')
  assert.equal(configError({ LOG_LEVEL: 'loud' }).variable, 'LOG_LEVEL')
  assert.equal(configError({ TRUST_PROXY: 'maybe' }).variable, 'TRUST_PROXY')
  assert.equal(configError({ ARGON2_MEMORY_COST: '1' }).variable, 'ARGON2_MEMORY_COST')
  assert.equal(configError({ REFRESH_REUSE_INTERVAL: 'x' }).variable, 'REFRESH_REUSE_INTERVAL')
})

test('NODE_ENV=production without JWT_SECRET -> ConfigError(JWT_SECRET)', () => {
  const err = configError({ NODE_ENV: 'production' })
  assert.equal(err.variable, 'JWT_SECRET')
  assert.equal(configError({ NODE_ENV: 'production', JWT_SECRET: '' }).variable, 'JWT_SECRET')
})

test('a 31-byte JWT_SECRET -> ConfigError(JWT_SECRET) whose message never contains the secret', () => {
  const secret = 'S3cr3t-valu3-0f-31-bytes-xyzzy!'
  assert.equal(Buffer.byteLength(secret), 31)
  for (const NODE_ENV of ['production', 'development']) {
    const err = configError({ NODE_ENV, JWT_SECRET: secret })
    assert.equal(err.variable, 'JWT_SECRET')
    assert.ok(!err.message.includes(secret), 'message does not echo the secret')
    assert.ok(!String(err.stack).includes(secret), 'stack does not echo the secret')
  }
  const ok = parseConfig({ NODE_ENV: 'production', JWT_SECRET: secret + '!' }, CWD)
  assert.equal(ok.jwtSecret, secret + '!')
})
