// The "Protect your own API" example, driven with inject: login, guarded routes, optional,
// fresh, refresh, roles, additional claims, logout (of the access and the refresh token),
// cookies with CSRF, Flask-style {"msg": ...} errors, and expiry under a frozen clock.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildNotesApi } from '../../examples/protect-your-api/app.js'
import { ManualClock } from '../../src/core/clock.js'

const SECRET = 'example-secret-that-is-at-least-32-bytes'
const SEED = { users: { ada: 'correct horse battery', root: 'admin password 1' }, admins: ['root'] }

async function start(clock = new ManualClock(Date.UTC(2026, 0, 1))) {
  const { app } = await buildNotesApi({ secret: SECRET, clock, secureCookies: false }, SEED)
  return { app, clock }
}

async function login(app: FastifyInstance, username: string, password: string) {
  const res = await app.inject({ method: 'POST', url: '/login', payload: { username, password } })
  assert.equal(res.statusCode, 200, res.body)
  return res.json() as { access_token: string; refresh_token: string }
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` })

test('login, write and read notes; the identity comes from the token', async () => {
  const { app } = await start()
  const { access_token } = await login(app, 'ada', 'correct horse battery')
  const created = await app.inject({ method: 'POST', url: '/notes', headers: auth(access_token), payload: { text: 'buy milk' } })
  assert.equal(created.statusCode, 201)
  const list = await app.inject({ url: '/notes', headers: auth(access_token) })
  assert.equal(list.json().user, 'ada', 'the username rides in the token (additional claims)')
  assert.deepEqual(list.json().notes.map((n: { text: string }) => n.text), ['buy milk'])
  const other = await login(app, 'root', 'admin password 1')
  assert.deepEqual((await app.inject({ url: '/notes', headers: auth(other.access_token) })).json().notes, [])
  await app.close()
})

test('errors look like Flask-JWT-Extended: {"msg": ...}, plus our code', async () => {
  const { app } = await start()
  const res = await app.inject({ url: '/notes' })
  assert.equal(res.statusCode, 401)
  assert.equal(res.json().code, 'TOKEN_MISSING')
  assert.equal(res.json().msg, 'No token was presented')
  assert.equal((await app.inject({ method: 'POST', url: '/login', payload: { username: 'ada', password: 'wrong' } })).statusCode, 401)
  await app.close()
})

test('optional, fresh, refresh and roles', async () => {
  const { app } = await start()
  assert.deepEqual((await app.inject({ url: '/hello' })).json(), { hello: 'stranger' })
  const ada = await login(app, 'ada', 'correct horse battery')
  assert.deepEqual((await app.inject({ url: '/hello', headers: auth(ada.access_token) })).json(), { hello: 'ada' })
  const note = (await app.inject({ method: 'POST', url: '/notes', headers: auth(ada.access_token), payload: { text: 'x' } })).json() as { id: string }

  const refreshed = await app.inject({ method: 'POST', url: '/refresh', headers: auth(ada.refresh_token) })
  const stale = (refreshed.json() as { access_token: string }).access_token
  const notFresh = await app.inject({ method: 'DELETE', url: `/notes/${note.id}`, headers: auth(stale) })
  assert.equal(notFresh.json().code, 'TOKEN_NOT_FRESH')
  assert.equal((await app.inject({ method: 'DELETE', url: `/notes/${note.id}`, headers: auth(ada.access_token) })).statusCode, 204)
  assert.equal((await app.inject({ method: 'POST', url: '/refresh', headers: auth(ada.access_token) })).json().code, 'TOKEN_TYPE_INVALID')

  assert.equal((await app.inject({ url: '/admin/stats', headers: auth(ada.access_token) })).json().code, 'ROLE_REQUIRED')
  const root = await login(app, 'root', 'admin password 1')
  assert.deepEqual((await app.inject({ url: '/admin/stats', headers: auth(root.access_token) })).json(), { users: 2, notes: 0 })
  await app.close()
})

test('logout revokes the login: its access token, its refresh token and what it refreshed; expiry under the clock', async () => {
  const { app, clock } = await start()
  const a = await login(app, 'ada', 'correct horse battery')
  const refreshed = await app.inject({ method: 'POST', url: '/refresh', headers: auth(a.refresh_token) })
  assert.equal(refreshed.statusCode, 200)
  const other = await login(app, 'ada', 'correct horse battery') // another device
  assert.equal((await app.inject({ method: 'POST', url: '/logout', headers: auth(a.access_token) })).statusCode, 200)
  assert.equal((await app.inject({ url: '/notes', headers: auth(a.access_token) })).json().code, 'TOKEN_REVOKED')
  const again = await app.inject({ method: 'POST', url: '/refresh', headers: auth(a.refresh_token) })
  assert.equal(again.statusCode, 401)
  assert.equal(again.json().code, 'TOKEN_REVOKED')
  assert.equal((await app.inject({ url: '/notes', headers: auth(refreshed.json().access_token) })).json().code, 'TOKEN_REVOKED')
  assert.equal((await app.inject({ url: '/notes', headers: auth(other.access_token) })).statusCode, 200, 'other logins stay')
  assert.equal((await app.inject({ method: 'POST', url: '/refresh', headers: auth(other.refresh_token) })).statusCode, 200)
  const b = await login(app, 'ada', 'correct horse battery')
  clock.advance(15 * 60_000)
  assert.equal((await app.inject({ url: '/notes', headers: auth(b.access_token) })).json().code, 'TOKEN_EXPIRED')
  assert.equal((await app.inject({ method: 'POST', url: '/refresh', headers: auth(b.refresh_token) })).statusCode, 200)
  await app.close()
})

test('cookies: HttpOnly token cookies, CSRF echo required on writes', async () => {
  const { app } = await start()
  const res = await app.inject({ method: 'POST', url: '/login?cookies=true', payload: { username: 'ada', password: 'correct horse battery' } })
  const jar = Object.fromEntries(res.cookies.map((c) => [c.name, c.value]))
  assert.ok(res.cookies.find((c) => c.name === 'access_token_cookie')?.httpOnly)
  const cookies = { access_token_cookie: jar.access_token_cookie!, csrf_access_token: jar.csrf_access_token! }
  assert.equal((await app.inject({ url: '/notes', cookies })).statusCode, 200)
  const noEcho = await app.inject({ method: 'POST', url: '/notes', cookies, payload: { text: 'x' } })
  assert.equal(noEcho.json().code, 'CSRF_FAILED')
  const ok = await app.inject({ method: 'POST', url: '/notes', cookies, headers: { 'x-csrf-token': jar.csrf_access_token! }, payload: { text: 'x' } })
  assert.equal(ok.statusCode, 201)
  const refreshed = await app.inject({
    method: 'POST',
    url: '/refresh',
    cookies: { refresh_token_cookie: jar.refresh_token_cookie! },
    headers: { 'x-csrf-token': jar.csrf_refresh_token! },
  })
  assert.ok(refreshed.cookies.some((c) => c.name === 'access_token_cookie' && c.value !== jar.access_token_cookie))
  await app.close()
})
