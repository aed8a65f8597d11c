// The first admin from ADMIN_EMAIL/ADMIN_PASSWORD: created once with roles user+admin, and an
// existing account is never touched. Also the parsing of this environment variables.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigError, parseConfig } from '../../../src/core/config.js'
import { coreAuth } from '../../helpers.js'

test('creates the admin when absent, then leaves it alone', async () => {
  const { auth } = coreAuth()
  const first = await auth.admin.ensureAdmin({ email: 'Root@Example.com', password: 'admin password 1' })
  assert.equal(first.created, true)
  assert.deepEqual(first.user.roles, ['user', 'admin'])
  assert.equal(first.user.email, 'root@example.com')
  const second = await auth.admin.ensureAdmin({ email: 'root@example.com', password: 'a different password' })
  assert.equal(second.created, false)
  assert.equal(second.user.id, first.user.id)
  // The original password still works; the new one was not applied.
  await auth.accounts.login({ email: 'root@example.com', password: 'admin password 1' })
})

test('an existing plain account with that email is not promoted', async () => {
  const { auth } = coreAuth()
  await auth.accounts.register({ email: 'root@example.com', password: 'user password 1' })
  const result = await auth.admin.ensureAdmin({ email: 'root@example.com', password: 'admin password 1' })
  assert.equal(result.created, false)
  assert.deepEqual(result.user.roles, ['user'])
})

test('two instances starting together create one admin', async () => {
  const { auth, store } = coreAuth()
  const results = await Promise.all([auth.admin.ensureAdmin({ email: 'root@example.com', password: 'admin password 1' }), auth.admin.ensureAdmin({ email: 'root@example.com', password: 'admin password 1' })])
  assert.equal(results.filter((r) => r.created).length, 1)
  assert.equal((await store.listUsers({ limit: 10, offset: 0 })).total, 1)
})

test('ADMIN_EMAIL and ADMIN_PASSWORD are validated together, and the password is never echoed', () => {
  const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) }
  const error = (env: Record<string, string>) => {
    try {
      parseConfig({ ...base, ...env })
    } catch (err) {
      assert.ok(err instanceof ConfigError)
      return err
    }
    assert.fail('expected a ConfigError')
  }
  assert.equal(error({ ADMIN_EMAIL: 'root@example.com' }).variable, 'ADMIN_PASSWORD')
  assert.equal(error({ ADMIN_PASSWORD: 'admin password 1' }).variable, 'ADMIN_EMAIL')
  assert.equal(error({ ADMIN_EMAIL: 'not an email', ADMIN_PASSWORD: 'admin password 1' }).variable, 'ADMIN_EMAIL')
  const weak = error({ ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'seven7!' })
  assert.equal(weak.variable, 'ADMIN_PASSWORD')
  assert.ok(!weak.message.includes('seven7!'))
  const ok = parseConfig({ ...base, ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'admin password 1' })
  assert.equal(ok.adminEmail, 'root@example.com')
  assert.equal(parseConfig(base).adminEmail, undefined)
})

test('LOGIN_MAX_FAILURES, RATE_LIMIT_MAX and RATE_LIMIT_WINDOW parse with their defaults and bounds', () => {
  const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32) }
  const d = parseConfig(base)
  assert.deepEqual([d.loginMaxFailures, d.rateLimitMax, d.rateLimitWindow], [5, 1000, 60])
  const c = parseConfig({ ...base, LOGIN_MAX_FAILURES: '0', RATE_LIMIT_MAX: '0', RATE_LIMIT_WINDOW: '5m' })
  assert.deepEqual([c.loginMaxFailures, c.rateLimitMax, c.rateLimitWindow], [0, 0, 300])
  for (const [name, value] of [['LOGIN_MAX_FAILURES', '-1'], ['LOGIN_MAX_FAILURES', 'five'], ['RATE_LIMIT_MAX', '1.5'], ['RATE_LIMIT_WINDOW', '0'], ['RATE_LIMIT_WINDOW', 'soon']]) {
    assert.throws(() => parseConfig({ ...base, [name!]: value! }), (err: unknown) => err instanceof ConfigError && err.variable === name)
  }
})
