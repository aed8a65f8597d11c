// POST /auth/logout: 204, and from that moment both the session's access token and its
// refresh token are refused (TOKEN_REVOKED), not at their expiry. Scopes local/global/others.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { bearer, json, testApp, type TestApp, type Tokens } from '../helpers.js'

let t: TestApp
const PASSWORD = 'correct horse battery'
before(async () => {
  t = await testApp()
  for (const email of ['solo@example.com', 'multi@example.com']) {
    const res = await t.app.inject({ method: 'POST', url: '/auth/register', payload: { email, password: PASSWORD } })
    assert.equal(res.statusCode, 201)
  }
})
after(() => t.app.close())

const login = async (email: string) =>
  json<Tokens>(await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: PASSWORD } }))
const me = (token: string) => t.app.inject({ url: '/auth/me', headers: bearer(token) })
const refresh = (token: string) => t.app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(token) })
const logout = (token: string, scope?: string) =>
  t.app.inject({ method: 'POST', url: `/auth/logout${scope ? `?scope=${scope}` : ''}`, headers: bearer(token) })

function assertRevoked(res: Awaited<ReturnType<typeof me>>, what: string): void {
  assert.equal(res.statusCode, 401, what)
  assert.equal(json(res).code, 'TOKEN_REVOKED', what)
  assert.match(String(res.headers['www-authenticate']), /error="invalid_token"/)
}

test('logout -> 204; then both the access token and its refresh token get 401 TOKEN_REVOKED', async () => {
  const tokens = await login('solo@example.com')
  assert.equal((await me(tokens.access_token)).statusCode, 200)
  const out = await logout(tokens.access_token)
  assert.equal(out.statusCode, 204)
  assert.equal(out.body, '')
  assertRevoked(await me(tokens.access_token), 'access token after logout')
  assertRevoked(await refresh(tokens.refresh_token), 'refresh token after logout')
  assertRevoked(await logout(tokens.access_token), 'second logout')
})

test('logout of one session leaves the user\'s other sessions alone', async () => {
  const a = await login('multi@example.com')
  const b = await login('multi@example.com')
  assert.equal((await logout(a.access_token)).statusCode, 204)
  assertRevoked(await me(a.access_token), 'a')
  assert.equal((await me(b.access_token)).statusCode, 200)
  assert.equal((await refresh(b.refresh_token)).statusCode, 200)
})

test('logout?scope=others keeps this session, ends the rest; scope=global ends all', async () => {
  const a = await login('multi@example.com')
  const b = await login('multi@example.com')
  const c = await login('multi@example.com')
  assert.equal((await logout(a.access_token, 'others')).statusCode, 204)
  assert.equal((await me(a.access_token)).statusCode, 200)
  assertRevoked(await me(b.access_token), 'b after others')
  assertRevoked(await refresh(c.refresh_token), 'c after others')
  assert.equal((await logout(a.access_token, 'global')).statusCode, 204)
  assertRevoked(await me(a.access_token), 'a after global')
})

test('logout needs an access token, and a known scope', async () => {
  const tokens = await login('multi@example.com')
  const none = await t.app.inject({ method: 'POST', url: '/auth/logout' })
  assert.equal(none.statusCode, 401)
  assert.equal(json(none).code, 'TOKEN_MISSING')
  const withRefresh = await logout(tokens.refresh_token)
  assert.equal(withRefresh.statusCode, 401)
  assert.equal(json(withRefresh).code, 'TOKEN_TYPE_INVALID')
  const badScope = await logout(tokens.access_token, 'everything')
  assert.equal(badScope.statusCode, 400)
  assert.equal(json(badScope).code, 'VALIDATION_FAILED')
  assert.equal((await me(tokens.access_token)).statusCode, 200, 'a refused logout changes nothing')
})
