// Two servers over one database share the login throttle: failures on one throttle the other
// (429 LOGIN_THROTTLED, the same Retry-After), for existing and unknown accounts alike, and a
// success on either resets the streak for both. A custom store keeps the in-memory throttle.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { ManualClock } from '../../src/core/clock.js'
import { MemoryStore } from '../../src/store/memory.js'
import { json, signUp, testApp } from '../helpers.js'

function login(app: FastifyInstance, email: string, password = 'wrong password') {
  return app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } })
}

async function twoServers(t: { after(fn: () => Promise<void>): void }, deps: { store?: () => MemoryStore } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tw-shared-'))
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000)
  const env = { DATABASE_URL: `sqlite:${join(dir, 'tw.db')}` }
  const a = await testApp(env, { clock, store: deps.store?.() })
  const b = await testApp(env, { clock, store: deps.store?.() })
  t.after(async () => {
    await a.app.close()
    await b.app.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { a: a.app, b: b.app, clock }
}

test('failures on one server throttle the other, for known and unknown accounts', async (t) => {
  const { a, b, clock } = await twoServers(t)
  const { password } = await signUp(a)
  for (const [i, app] of [a, b, a, b, a].entries()) {
    assert.equal(json(await login(app, 'ada@example.com')).code, 'INVALID_CREDENTIALS', `known, attempt ${i + 1}`)
    assert.equal(json(await login(app, 'nobody@example.com')).code, 'INVALID_CREDENTIALS', `unknown, attempt ${i + 1}`)
  }
  for (const app of [b, a]) {
    for (const email of ['ada@example.com', 'nobody@example.com']) {
      const res = await login(app, email)
      assert.equal(res.statusCode, 429)
      assert.equal(json(res).code, 'LOGIN_THROTTLED')
      assert.equal(res.headers['retry-after'], '60')
    }
  }
  assert.equal(json(await login(b, 'ada@example.com', password)).code, 'LOGIN_THROTTLED', 'the right password waits too')
  clock.advance(60_000)
  assert.equal((await login(b, 'ada@example.com', password)).statusCode, 200)
  for (let i = 0; i < 4; i++) assert.equal(json(await login(a, 'ada@example.com')).code, 'INVALID_CREDENTIALS', 'the success on b reset the streak on a')
})

test('a custom store keeps the per-process throttle: the servers count apart', async (t) => {
  const { a, b } = await twoServers(t, { store: () => new MemoryStore() })
  for (let i = 0; i < 5; i++) assert.equal(json(await login(a, 'ada@example.com')).code, 'INVALID_CREDENTIALS')
  assert.equal(json(await login(a, 'ada@example.com')).code, 'LOGIN_THROTTLED')
  assert.equal(json(await login(b, 'ada@example.com')).code, 'INVALID_CREDENTIALS')
})
