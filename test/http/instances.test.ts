// Two servers over one SQLite file (the simplest multi-process setup, here in one process):
// changes made on one reach the other through the event log within the bound, and a server
// whose database is gone answers 503 on protected routes, never 200 and never 500.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { bearer, json, signUp, signUpAdmin, testApp, type TestApp } from '../helpers.js'
import { contextOf } from '../../src/core/auth.js'

const dirs: string[] = []
const apps: TestApp[] = []
after(async () => {
  for (const t of apps) await t.app.close()
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

async function pair(env: Record<string, string> = {}): Promise<[TestApp, TestApp]> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-instances-'))
  dirs.push(dir)
  const settings = { DATABASE_URL: `sqlite:${join(dir, 'tw.db')}`, INVALIDATION_POLL_MS: '20', INVALIDATION_MAX_LAG_MS: '1000', ...env }
  const a = await testApp(settings)
  const b = await testApp(settings)
  apps.push(a, b)
  return [a, b]
}

/** Polls until `check` answers the wanted status; returns the milliseconds it took. */
async function until(check: () => Promise<number>, status: number, limitMs = 2000): Promise<number> {
  const start = Date.now()
  for (;;) {
    if ((await check()) === status) return Date.now() - start
    if (Date.now() - start > limitMs) throw new Error(`still not ${status} after ${limitMs} ms`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

test('logout on A: A refuses at once, B within the bound (poll 20 ms)', async (t) => {
  const [a, b] = await pair()
  const { tokens } = await signUp(a.app)
  const me = (x: TestApp) => x.app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })
  assert.equal((await me(b)).statusCode, 200)
  assert.equal((await a.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token) })).statusCode, 204)
  assert.equal((await me(a)).statusCode, 401)
  const ms = await until(async () => (await me(b)).statusCode, 401, 1000)
  t.diagnostic(`B refused ${ms} ms after the logout on A`)
  const refresh = await b.app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(tokens.refresh_token) })
  assert.equal(refresh.statusCode, 401)
  assert.equal(json(refresh).code, 'TOKEN_REVOKED')
})

test('admin disables a user on B: A refuses the user\'s token and GET /auth/me shows the change', async () => {
  const [a, b] = await pair()
  const admin = await signUpAdmin(b.app, b.auth)
  const { tokens, user } = await signUp(a.app)
  assert.equal((await a.app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })).statusCode, 200)
  const patch = await b.app.inject({ method: 'PATCH', url: `/admin/users/${String(user.id)}`, headers: bearer(admin.tokens.access_token), payload: { disabled: true } })
  assert.equal(patch.statusCode, 200)
  await until(async () => (await a.app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })).statusCode, 401, 1000)
})

test('a renamed user shows the new name on the other instance at once, not after the 30 s cache', async () => {
  const [a, b] = await pair()
  const { tokens } = await signUp(a.app)
  const name = async (x: TestApp) => json(await x.app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })).username
  assert.equal(await name(b), null) // cached on B now
  const patched = await a.app.inject({ method: 'PATCH', url: '/auth/me', headers: bearer(tokens.access_token), payload: { username: 'ada' } })
  assert.equal(patched.statusCode, 200)
  const start = Date.now()
  while ((await name(b)) !== 'ada') {
    assert.ok(Date.now() - start < 1000, 'B still shows the old name after 1 s')
    await new Promise((r) => setTimeout(r, 5))
  }
})

test('the database gone: protected routes answer 503 SERVICE_UNAVAILABLE once past the bound; /health stays 200, /health/ready 503', async () => {
  const t = await testApp({ INVALIDATION_POLL_MS: '20', INVALIDATION_MAX_LAG_MS: '100' })
  apps.push(t)
  const { tokens } = await signUp(t.app)
  // Ready once the feed is current (a loaded machine can put a first poll past the 100 ms bound).
  await until(async () => (await t.app.inject({ url: '/health/ready' })).statusCode, 200, 2000)
  // Every read now fails as a lost PostgreSQL connection does (pg gives this error no code).
  const down = async (): Promise<never> => Promise.reject(new Error('Connection terminated unexpectedly'))
  const store = contextOf(t.auth).store as unknown as Record<string, unknown> & { events: Record<string, unknown> }
  Object.assign(store.events, { read: down, head: down })
  Object.assign(store, { findSession: down, findUserById: down, findUserByEmail: down })
  await new Promise((r) => setTimeout(r, 250))
  const me = await t.app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })
  assert.equal(me.statusCode, 503)
  assert.equal(json(me).code, 'SERVICE_UNAVAILABLE')
  assert.equal(me.headers['retry-after'], '1')
  assert.doesNotMatch(me.body, /Connection terminated/)
  assert.equal((await t.app.inject({ url: '/health' })).statusCode, 200)
  const ready = await t.app.inject({ url: '/health/ready' })
  assert.equal(ready.statusCode, 503)
  assert.deepEqual(json(ready).checks, { database: 'unavailable', invalidation: 'behind' })
  const login = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: 'correct horse battery' } })
  assert.equal(login.statusCode, 503)
  assert.equal(json(login).code, 'SERVICE_UNAVAILABLE')
})

test('GET /auth/me for a live session whose account row is gone or disabled is a 401, not a 404', async () => {
  const t = await testApp()
  apps.push(t)
  const { tokens, user } = await signUp(t.app)
  const me = () => t.app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })
  assert.equal((await me()).statusCode, 200)
  // As another instance's change looks before its revocation event arrives: the row changed
  // (written through the store, not the session flows), the session is still held live.
  const store = contextOf(t.auth).store
  await store.updateUser(String(user.id), { disabled: true, updatedAt: new Date().toISOString() })
  const disabled = await me()
  assert.equal(disabled.statusCode, 401)
  assert.equal(json(disabled).code, 'TOKEN_REVOKED')
  assert.equal((await store.deleteUser(String(user.id))), true)
  const gone = await me()
  assert.equal(gone.statusCode, 401)
  assert.equal(json(gone).code, 'TOKEN_USER_NOT_FOUND')
})
