// The admin API over HTTP: who may call it (401 without a token, 403 ROLE_REQUIRED without the
// role), listing with pagination and search, reading, changing roles and disabled (revoking at
// once), deleting, and a user's sessions; plus the ADMIN_EMAIL bootstrap.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bearer, json, logIn, signUp, signUpAdmin, testApp, type Tokens } from '../helpers.js'

interface AdminUser {
  id: string
  email: string
  username: string | null
  roles: string[]
  disabled: boolean
  created_at: string
  updated_at: string
}

async function setup() {
  const t = await testApp()
  const admin = await signUpAdmin(t.app, t.auth)
  const ada = await signUp(t.app, { username: 'ada' })
  return { ...t, admin, ada, adaId: String(ada.user.id), h: bearer(admin.tokens.access_token) }
}

test('no token is 401; a plain user is 403 ROLE_REQUIRED with insufficient_scope', async () => {
  const { app, ada, adaId } = await setup()
  const routes: Array<[string, string]> = [
    ['GET', '/admin/users'],
    ['GET', `/admin/users/${adaId}`],
    ['PATCH', `/admin/users/${adaId}`],
    ['DELETE', `/admin/users/${adaId}`],
    ['GET', `/admin/users/${adaId}/sessions`],
    ['DELETE', `/admin/users/${adaId}/sessions`],
    ['DELETE', `/admin/users/${adaId}/sessions/some-session`],
  ]
  for (const [method, url] of routes) {
    const anon = await app.inject({ method: method as 'GET', url, payload: method === 'PATCH' ? {} : undefined })
    assert.equal(anon.statusCode, 401, `${method} ${url}`)
    assert.equal(json(anon).code, 'TOKEN_MISSING')
    const plain = await app.inject({ method: method as 'GET', url, headers: bearer(ada.tokens.access_token), payload: method === 'PATCH' ? { disabled: true } : undefined })
    assert.equal(plain.statusCode, 403, `${method} ${url}`)
    assert.equal(json(plain).code, 'ROLE_REQUIRED')
    assert.match(String(plain.headers['www-authenticate']), /insufficient_scope/)
  }
  // Nothing happened to ada.
  assert.equal((await app.inject({ url: '/auth/me', headers: bearer(ada.tokens.access_token) })).statusCode, 200)
  await app.close()
})

test('GET /admin/users paginates (limit/offset and page/per_page) and searches', async () => {
  const { app, h, clock } = await setup()
  for (let i = 0; i < 5; i++) {
    clock.advance(1000)
    await signUp(app, { email: `member${i}@corp.example`, username: `mem${i}` })
  }
  const all = json<{ users: AdminUser[]; total: number; limit: number; offset: number }>(await app.inject({ url: '/admin/users', headers: h }))
  assert.equal(all.total, 7)
  assert.equal(all.users.length, 7)
  assert.equal(all.limit, 20)
  assert.ok(all.users.every((u) => !('password_hash' in u) && !('passwordHash' in u)))
  const page = json<{ users: AdminUser[]; total: number; offset: number }>(await app.inject({ url: '/admin/users?limit=2&offset=2', headers: h }))
  assert.deepEqual(page.users.map((u) => u.username), ['mem0', 'mem1'])
  assert.equal(page.total, 7)
  const page3 = json<{ users: AdminUser[]; page: number; per_page: number }>(await app.inject({ url: '/admin/users?page=3&per_page=2', headers: h }))
  assert.deepEqual(page3.users.map((u) => u.username), ['mem2', 'mem3'])
  assert.equal(page3.page, 3)
  const search = json<{ users: AdminUser[]; total: number }>(await app.inject({ url: '/admin/users?q=CORP.example', headers: h }))
  assert.equal(search.total, 5)
  const byName = json<{ users: AdminUser[]; total: number }>(await app.inject({ url: '/admin/users?q=mem3', headers: h }))
  assert.deepEqual(byName.users.map((u) => u.email), ['member3@corp.example'])
  const like = json<{ total: number }>(await app.inject({ url: '/admin/users?q=%25', headers: h }))
  assert.equal(like.total, 0, 'a % in q is a literal, not a wildcard')
  for (const bad of ['limit=0', 'limit=101', 'offset=-1', 'page=0', 'limit=abc']) {
    const res = await app.inject({ url: `/admin/users?${bad}`, headers: h })
    assert.equal(res.statusCode, 400, bad)
    assert.equal(json(res).code, 'VALIDATION_FAILED')
  }
  await app.close()
})

test('GET /admin/users/:id and 404 for an unknown id', async () => {
  const { app, h, adaId } = await setup()
  const res = await app.inject({ url: `/admin/users/${adaId}`, headers: h })
  assert.equal(res.statusCode, 200)
  const user = json<AdminUser>(res)
  assert.deepEqual(Object.keys(user).sort(), ['created_at', 'disabled', 'email', 'email_verified', 'id', 'mfa_enabled', 'roles', 'updated_at', 'username'])
  assert.equal(user.email, 'ada@example.com')
  assert.equal(user.disabled, false)
  assert.deepEqual(user.roles, ['user'])
  const missing = await app.inject({ url: '/admin/users/does-not-exist', headers: h })
  assert.equal(missing.statusCode, 404)
  assert.equal(json(missing).code, 'USER_NOT_FOUND')
  await app.close()
})

test('disabling revokes every session immediately; the user cannot log in until re-enabled', async () => {
  const { app, h, ada, adaId } = await setup()
  const second = await logIn(app, ada.email, ada.password)
  const res = await app.inject({ method: 'PATCH', url: `/admin/users/${adaId}`, headers: h, payload: { disabled: true } })
  assert.equal(res.statusCode, 200)
  assert.equal(json<AdminUser>(res).disabled, true)
  for (const t of [ada.tokens, second]) {
    const me = await app.inject({ url: '/auth/me', headers: bearer(t.access_token) })
    assert.equal(me.statusCode, 401)
    assert.equal(json(me).code, 'TOKEN_REVOKED')
    assert.equal(json(await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(t.refresh_token) })).code, 'TOKEN_REVOKED')
  }
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: ada.email, password: ada.password } })
  assert.equal(login.statusCode, 403)
  assert.equal(json(login).code, 'ACCOUNT_DISABLED')
  const wrong = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: ada.email, password: 'wrong password' } })
  assert.equal(json(wrong).code, 'INVALID_CREDENTIALS', 'the disabled state is only told to the password holder')
  await app.inject({ method: 'PATCH', url: `/admin/users/${adaId}`, headers: h, payload: { disabled: false } })
  await logIn(app, ada.email, ada.password)
  await app.close()
})

test('granting a role shows in the next refresh; taking one away revokes at once', async () => {
  const { app, h, ada, adaId, auth } = await setup()
  const grant = await app.inject({ method: 'PATCH', url: `/admin/users/${adaId}`, headers: h, payload: { roles: ['user', 'admin'] } })
  assert.deepEqual(json<AdminUser>(grant).roles, ['user', 'admin'])
  assert.equal((await app.inject({ url: '/auth/me', headers: bearer(ada.tokens.access_token) })).statusCode, 200, 'adding a role revokes nothing')
  const refreshed = json<Tokens>(await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(ada.tokens.refresh_token) }))
  assert.deepEqual(auth.verifier.verify(refreshed.access_token).roles, ['user', 'admin'])
  assert.equal((await app.inject({ url: '/admin/users', headers: bearer(refreshed.access_token) })).statusCode, 200)

  const revoke = await app.inject({ method: 'PATCH', url: `/admin/users/${adaId}`, headers: h, payload: { roles: ['user'] } })
  assert.equal(revoke.statusCode, 200)
  const after = await app.inject({ url: '/admin/users', headers: bearer(refreshed.access_token) })
  assert.equal(after.statusCode, 401)
  assert.equal(json(after).code, 'TOKEN_REVOKED')
  const fresh = await logIn(app, ada.email, ada.password)
  assert.equal(json(await app.inject({ url: '/admin/users', headers: bearer(fresh.access_token) })).code, 'ROLE_REQUIRED')
  await app.close()
})

test('PATCH validates its body', async () => {
  const { app, h, adaId } = await setup()
  for (const payload of [{ roles: ['has space'] }, { roles: 'admin' }, { disabled: 'yes' }, { email: 'x@example.com' }]) {
    const res = await app.inject({ method: 'PATCH', url: `/admin/users/${adaId}`, headers: h, payload })
    assert.equal(res.statusCode, 400, JSON.stringify(payload))
    assert.equal(json(res).code, 'VALIDATION_FAILED')
  }
  assert.equal(json(await app.inject({ method: 'PATCH', url: '/admin/users/nobody', headers: h, payload: { disabled: true } })).code, 'USER_NOT_FOUND')
  await app.close()
})

test('a user\'s sessions: list and revoke them all', async () => {
  const { app, h, ada, adaId, admin } = await setup()
  await logIn(app, ada.email, ada.password)
  const list = await app.inject({ url: `/admin/users/${adaId}/sessions`, headers: h })
  assert.equal(list.statusCode, 200)
  assert.equal(json<{ sessions: unknown[] }>(list).sessions.length, 2)
  const end = await app.inject({ method: 'DELETE', url: `/admin/users/${adaId}/sessions`, headers: h })
  assert.equal(end.statusCode, 200)
  assert.deepEqual(json(end), { revoked: 2 })
  assert.equal(json(await app.inject({ url: '/auth/me', headers: bearer(ada.tokens.access_token) })).code, 'TOKEN_REVOKED')
  assert.equal(json<{ sessions: unknown[] }>(await app.inject({ url: `/admin/users/${adaId}/sessions`, headers: h })).sessions.length, 0)
  assert.equal((await app.inject({ url: '/auth/me', headers: bearer(admin.tokens.access_token) })).statusCode, 200, 'the admin is untouched')
  assert.equal(json(await app.inject({ url: '/admin/users/nobody/sessions', headers: h })).code, 'USER_NOT_FOUND')
  await logIn(app, ada.email, ada.password)
  await app.close()
})

test('a user\'s sessions: revoke one; another user\'s session or a dead one is SESSION_NOT_FOUND', async () => {
  const { app, h, ada, adaId, admin } = await setup()
  const second = await logIn(app, ada.email, ada.password)
  const sid = (JSON.parse(Buffer.from(second.access_token.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid
  const adminSid = (JSON.parse(Buffer.from(admin.tokens.access_token.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid
  const other = await app.inject({ method: 'DELETE', url: `/admin/users/${adaId}/sessions/${adminSid}`, headers: h })
  assert.equal(json(other).code, 'SESSION_NOT_FOUND', "the admin's own session is not ada's")
  const end = await app.inject({ method: 'DELETE', url: `/admin/users/${adaId}/sessions/${sid}`, headers: h })
  assert.equal(end.statusCode, 204)
  assert.equal(json(await app.inject({ url: '/auth/me', headers: bearer(second.access_token) })).code, 'TOKEN_REVOKED')
  assert.equal((await app.inject({ url: '/auth/me', headers: bearer(ada.tokens.access_token) })).statusCode, 200, 'her other session is untouched')
  assert.equal(json(await app.inject({ method: 'DELETE', url: `/admin/users/${adaId}/sessions/${sid}`, headers: h })).code, 'SESSION_NOT_FOUND', 'already ended')
  await app.close()
})

test('DELETE /admin/users/:id removes the account and kills its tokens', async () => {
  const { app, h, ada, adaId } = await setup()
  const res = await app.inject({ method: 'DELETE', url: `/admin/users/${adaId}`, headers: h })
  assert.equal(res.statusCode, 204)
  assert.equal(json(await app.inject({ url: '/auth/me', headers: bearer(ada.tokens.access_token) })).code, 'TOKEN_REVOKED')
  assert.equal(json(await app.inject({ url: `/admin/users/${adaId}`, headers: h })).code, 'USER_NOT_FOUND')
  assert.equal(json(await app.inject({ method: 'DELETE', url: `/admin/users/${adaId}`, headers: h })).code, 'USER_NOT_FOUND')
  await app.close()
})

test('ADMIN_EMAIL + ADMIN_PASSWORD create the admin at startup, once', async () => {
  const env = { ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'boss password 1' }
  const { app, auth } = await testApp(env)
  const tokens = await logIn(app, 'boss@example.com', 'boss password 1')
  assert.deepEqual(auth.verifier.verify(tokens.access_token).roles, ['user', 'admin'])
  assert.equal((await app.inject({ url: '/admin/users', headers: bearer(tokens.access_token) })).statusCode, 200)
  await app.close()
})
