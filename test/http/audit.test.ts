// The audit log over HTTP: GET /admin/audit (admins only; filters by user id or email, event and
// time range; paged with a total; bad filters are 400 VALIDATION_FAILED) and GET /auth/me/activity
// (the caller's own events, naming no other account). The routes pass the request's IP and user
// agent, and the acting admin, into the rows.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { totpCode } from '../../src/core/mfa/totp.js'
import { bearer, json, logIn, signUp, signUpAdmin, testApp } from '../helpers.js'

interface Row {
  id: string
  at: string
  event: string
  outcome: string
  reason: string | null
  actor_id: string | null
  subject_id: string | null
  session_id: string | null
  ip: string | null
  user_agent: string | null
  detail: Record<string, unknown> | null
}
interface Activity extends Omit<Row, 'actor_id' | 'subject_id'> {
  actor: string
}

const UA = { 'user-agent': 'audit-browser/2.0' }

async function setup() {
  const t = await testApp({ LOGIN_MAX_FAILURES: '2' })
  const admin = await signUpAdmin(t.app, t.auth)
  const ada = await signUp(t.app, { username: 'ada' })
  const adaId = String(ada.user.id)
  const audit = async (query = '') => {
    const res = await t.app.inject({ url: `/admin/audit${query}`, headers: bearer(admin.tokens.access_token) })
    assert.equal(res.statusCode, 200, res.body)
    return json<{ records: Row[]; total: number; limit: number; offset: number }>(res)
  }
  return { ...t, admin, ada, adaId, audit }
}

test('no token is 401; a token without the admin role is 403 ROLE_REQUIRED', async () => {
  const { app, ada } = await setup()
  assert.equal(json((await app.inject({ url: '/admin/audit' }))).code, 'TOKEN_MISSING')
  const plain = await app.inject({ url: '/admin/audit', headers: bearer(ada.tokens.access_token) })
  assert.equal(plain.statusCode, 403)
  assert.equal(json(plain).code, 'ROLE_REQUIRED')
  assert.equal((await app.inject({ url: '/auth/me/activity' })).statusCode, 401)
  await app.close()
})

test('a session of HTTP calls is recorded with the client, the acting admin, and the outcome', async () => {
  const { app, admin, ada, adaId, audit } = await setup()
  const bad = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: 'not the password' }, headers: UA })
  assert.equal(bad.statusCode, 401)
  const tokens = await logIn(app, 'ada@example.com', ada.password, UA)
  const h = { ...bearer(tokens.access_token), ...UA }
  assert.equal((await app.inject({ method: 'POST', url: '/auth/logout?scope=others', headers: h })).statusCode, 204)
  const patched = await app.inject({ method: 'PATCH', url: `/admin/users/${adaId}`, payload: { roles: ['user', 'editor'] }, headers: { ...bearer(admin.tokens.access_token), ...UA } })
  assert.equal(patched.statusCode, 200)
  assert.equal((await app.inject({ method: 'DELETE', url: `/admin/users/${adaId}/sessions`, headers: bearer(admin.tokens.access_token) })).statusCode, 200)

  const { records, total } = await audit(`?user=${adaId}`)
  assert.deepEqual(records.map((r) => `${r.event}:${r.outcome}${r.reason === null ? '' : `:${r.reason}`}`), [
    'sessions_revoked:success:admin_revoked',
    'user_updated:success',
    'logout:success:others',
    'login:success',
    'login:failure:invalid_credentials',
    'login:success',
    'register:success',
  ])
  assert.equal(total, 7)
  const [ended, updated, logout, login, refused] = records
  assert.deepEqual([updated!.actor_id, updated!.subject_id, updated!.user_agent, updated!.detail], [admin.id, adaId, 'audit-browser/2.0', { roles: ['user', 'editor'], previous_roles: ['user'] }])
  assert.equal(ended!.actor_id, admin.id)
  assert.deepEqual([logout!.actor_id, logout!.session_id, logout!.user_agent], [adaId, login!.session_id, 'audit-browser/2.0'])
  assert.equal(login!.ip, '127.0.0.1')
  assert.deepEqual([refused!.actor_id, refused!.subject_id], [null, adaId])
  await app.close()
})

test('filters: user by email, event, time range; paging with a total; bad filters are 400 VALIDATION_FAILED naming the field', async () => {
  const { app, clock, adaId, audit } = await setup()
  const start = new Date(clock.now()).toISOString()
  clock.advance(60_000)
  const bob = await signUp(app, { email: 'bob@example.com' })
  clock.advance(60_000)
  const middle = new Date(clock.now()).toISOString()
  await logIn(app, 'bob@example.com', bob.password)

  assert.deepEqual((await audit('?user=bob@example.com')).records.map((r) => r.event), ['login', 'login', 'register'])
  assert.deepEqual(await audit('?user=gone@example.com'), { records: [], total: 0, limit: 50, offset: 0 })
  const logins = await audit('?event=login')
  assert.equal(logins.total, 4, 'root, ada, bob twice')
  assert.ok(logins.records.every((r) => r.event === 'login'))
  assert.deepEqual((await audit(`?from=${encodeURIComponent(middle)}`)).records.map((r) => r.subject_id), [String(bob.user.id)])
  assert.deepEqual((await audit(`?to=${encodeURIComponent(start)}&from=2000-01-01`)).records.length, 0)
  assert.ok((await audit(`?to=${encodeURIComponent(middle)}&user=${adaId}`)).total === 2)
  const page1 = await audit('?limit=2')
  const page2 = await audit('?limit=2&offset=2')
  assert.equal(page1.total, page2.total)
  assert.equal(page1.records.length, 2)
  assert.ok(page1.records.every((r) => !page2.records.some((x) => x.id === r.id)))
  assert.ok(page1.records[1]!.at >= page2.records[0]!.at, 'newest first across pages')

  for (const [query, field] of [['?event=logged_in', 'event'], ['?from=yesterday', 'from'], ['?to=2026-02-30T25:00:00Z', 'to'], ['?limit=0', 'limit'], ['?limit=500', 'limit']] as const) {
    const res = await app.inject({ url: `/admin/audit${query}`, headers: bearer((await logIn(app, 'root@example.com', 'admin password 1')).access_token) })
    assert.equal(res.statusCode, 400, query)
    assert.equal(json(res).code, 'VALIDATION_FAILED', query)
    assert.match(JSON.stringify(json(res)), new RegExp(field), query)
  }
  await app.close()
})

test('GET /auth/me/activity: the caller\'s own events, newest first; an admin\'s change says "admin" without their id or session; another user\'s events never appear', async () => {
  const { app, admin, ada, adaId } = await setup()
  const bob = await signUp(app, { email: 'bob@example.com' })
  await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'bob@example.com', password: 'wrong password' } })
  await app.inject({ method: 'PATCH', url: `/admin/users/${adaId}`, payload: { roles: ['user', 'editor'] }, headers: bearer(admin.tokens.access_token) })
  const res = await app.inject({ url: '/auth/me/activity', headers: bearer(ada.tokens.access_token) })
  assert.equal(res.statusCode, 200)
  const body = json<{ events: Activity[]; total: number }>(res)
  assert.deepEqual(body.events.map((e) => [e.event, e.actor]), [['user_updated', 'admin'], ['login', 'self'], ['register', 'self']])
  assert.equal(body.total, 3)
  assert.equal(body.events[0]!.session_id, null, 'not the admin\'s session')
  assert.ok(!res.body.includes(admin.id), 'no admin id')
  assert.ok(!res.body.includes(String(bob.user.id)), 'nothing of bob')
  assert.ok(!('actor_id' in body.events[0]!) && !('subject_id' in body.events[0]!))
  const bobs = json<{ events: Activity[] }>(await app.inject({ url: '/auth/me/activity?limit=1', headers: bearer(bob.tokens.access_token) }))
  assert.deepEqual(bobs.events.map((e) => [e.event, e.outcome, e.actor]), [['login', 'failure', 'nobody']])
  await app.close()
})

test('no row holds a password, token or email address after a full flow over HTTP', async () => {
  const { app, admin, ada, adaId, clock } = await setup()
  const secrets = [ada.password, 'root@example.com', 'ada@example.com', 'admin password 1', 'not the password', 'a new good passphrase', ada.tokens.access_token, ada.tokens.refresh_token, admin.tokens.access_token]
  await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: 'not the password' } })
  const fresh = await logIn(app, 'ada@example.com', ada.password)
  secrets.push(fresh.access_token, fresh.refresh_token)
  const refreshed = json<{ access_token: string; refresh_token: string }>(await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: fresh.refresh_token } }))
  secrets.push(refreshed.access_token, refreshed.refresh_token)
  // The spent refresh token again, past the retry interval: reuse.
  clock.advance(11_000)
  assert.equal((await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: fresh.refresh_token } })).statusCode, 401)
  const h = bearer(ada.tokens.access_token)
  assert.equal((await app.inject({ method: 'PUT', url: '/auth/me/password', headers: h, payload: { current_password: ada.password, new_password: 'a new good passphrase' } })).statusCode, 204)
  await app.inject({ method: 'PATCH', url: `/admin/users/${adaId}`, payload: { disabled: true }, headers: bearer(admin.tokens.access_token) })
  await app.inject({ method: 'DELETE', url: `/admin/users/${adaId}`, headers: bearer(admin.tokens.access_token) })
  const all = await app.inject({ url: '/admin/audit?limit=200', headers: bearer(admin.tokens.access_token) })
  const events = json<{ records: Row[] }>(all).records.map((r) => r.event)
  for (const e of ['refresh_reused', 'password_changed', 'user_updated', 'user_deleted']) assert.ok(events.includes(e), e)
  for (const s of secrets) assert.ok(!all.body.includes(s), `a row holds ${s.slice(0, 8)}...`)
  await app.close()
})

test('two-factor routes record their events: enrolled by the user (with their client), reset by the admin naming them', async () => {
  const { app, admin, adaId, audit, clock } = await setup()
  const fresh = await logIn(app, 'ada@example.com', 'correct horse battery', UA)
  const h = { ...bearer(fresh.access_token), ...UA }
  const { secret } = json<{ secret: string }>(await app.inject({ method: 'POST', url: '/auth/mfa/totp', headers: h }))
  assert.equal((await app.inject({ method: 'POST', url: '/auth/mfa/totp/confirm', headers: h, payload: { code: totpCode(secret, clock.now()) } })).statusCode, 200)
  assert.equal((await app.inject({ method: 'DELETE', url: `/admin/users/${adaId}/mfa`, headers: bearer(admin.tokens.access_token) })).statusCode, 200)
  const rows = (await audit(`?user=${adaId}`)).records
  const enrolled = rows.find((r) => r.event === 'mfa_enrolled')!
  assert.deepEqual([enrolled.actor_id, enrolled.user_agent], [adaId, 'audit-browser/2.0'])
  const reset = rows.find((r) => r.event === 'mfa_reset')!
  assert.deepEqual([reset.actor_id, reset.subject_id], [admin.id, adaId])
  await app.close()
})
