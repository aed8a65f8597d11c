// Self-service over HTTP: fresh tokens for password change and deletion, the current password,
// revoking the other sessions, PATCH /auth/me for the username.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bearer, json, logIn, signUp, testApp, type Tokens } from '../helpers.js'

const NEW_PASSWORD = 'a much better passphrase'

test('PUT /auth/me/password: fresh token + current password; other sessions end, this one stays', async () => {
  const { app } = await testApp()
  const { tokens, email, password } = await signUp(app)
  const laptop = await logIn(app, email, password)
  const url = '/auth/me/password'

  const wrong = await app.inject({ method: 'PUT', url, headers: bearer(tokens.access_token), payload: { current_password: 'not it at all', new_password: NEW_PASSWORD } })
  assert.equal(wrong.statusCode, 403)
  assert.equal(json(wrong).code, 'PASSWORD_INCORRECT')
  assert.equal(wrong.headers['www-authenticate'], undefined)

  const weak = await app.inject({ method: 'PUT', url, headers: bearer(tokens.access_token), payload: { current_password: password, new_password: 'short' } })
  assert.equal(weak.statusCode, 400)
  assert.equal(json(weak).code, 'VALIDATION_FAILED')

  const ok = await app.inject({ method: 'PUT', url, headers: bearer(tokens.access_token), payload: { current_password: password, new_password: NEW_PASSWORD } })
  assert.equal(ok.statusCode, 204)
  assert.equal((await app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })).statusCode, 200)
  const other = await app.inject({ url: '/auth/me', headers: bearer(laptop.access_token) })
  assert.equal(other.statusCode, 401)
  assert.equal(json(other).code, 'TOKEN_REVOKED')
  assert.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } })).statusCode, 401)
  assert.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: NEW_PASSWORD } })).statusCode, 200)
  await app.close()
})

test('a refreshed (non-fresh) token gets TOKEN_NOT_FRESH on password change and deletion', async () => {
  const { app } = await testApp()
  const { tokens, password } = await signUp(app)
  const refreshed = json<Tokens>(await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(tokens.refresh_token) }))
  const change = await app.inject({ method: 'PUT', url: '/auth/me/password', headers: bearer(refreshed.access_token), payload: { current_password: password, new_password: NEW_PASSWORD } })
  assert.equal(change.statusCode, 401)
  assert.equal(json(change).code, 'TOKEN_NOT_FRESH')
  const del = await app.inject({ method: 'DELETE', url: '/auth/me', headers: bearer(refreshed.access_token), payload: { password } })
  assert.equal(del.statusCode, 401)
  assert.equal(json(del).code, 'TOKEN_NOT_FRESH')
  // ...while PATCH /auth/me accepts any valid access token.
  const patch = await app.inject({ method: 'PATCH', url: '/auth/me', headers: bearer(refreshed.access_token), payload: { username: 'ada' } })
  assert.equal(patch.statusCode, 200)
  // A refresh token is not an access token, fresh or not.
  const withRefresh = await app.inject({ method: 'PUT', url: '/auth/me/password', headers: bearer(tokens.refresh_token), payload: { current_password: password, new_password: NEW_PASSWORD } })
  assert.equal(json(withRefresh).code, 'TOKEN_TYPE_INVALID')
  await app.close()
})

test('DELETE /auth/me: fresh token + password; the account and all its sessions go', async () => {
  const { app } = await testApp()
  const { tokens, email, password } = await signUp(app, { username: 'ada' })
  const laptop = await logIn(app, email, password)
  const wrong = await app.inject({ method: 'DELETE', url: '/auth/me', headers: bearer(tokens.access_token), payload: { password: 'wrong password' } })
  assert.equal(json(wrong).code, 'PASSWORD_INCORRECT')
  const missing = await app.inject({ method: 'DELETE', url: '/auth/me', headers: bearer(tokens.access_token) })
  assert.equal(missing.statusCode, 400)
  const ok = await app.inject({ method: 'DELETE', url: '/auth/me', headers: bearer(tokens.access_token), payload: { password } })
  assert.equal(ok.statusCode, 204)
  for (const t of [tokens, laptop]) {
    const res = await app.inject({ url: '/auth/me', headers: bearer(t.access_token) })
    assert.equal(res.statusCode, 401)
    assert.equal(json(res).code, 'TOKEN_REVOKED')
    assert.equal(json(await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(t.refresh_token) })).code, 'TOKEN_REVOKED')
  }
  assert.equal(json(await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } })).code, 'INVALID_CREDENTIALS')
  assert.equal((await app.inject({ url: '/users/ada' })).statusCode, 404)
  // The email and username are free again.
  assert.equal((await app.inject({ method: 'POST', url: '/auth/register', payload: { email, password, username: 'ada' } })).statusCode, 201)
  await app.close()
})

test('PATCH /auth/me changes the username; a taken one is 409 USERNAME_TAKEN', async () => {
  const { app } = await testApp()
  const { tokens } = await signUp(app)
  await signUp(app, { email: 'bob@example.com', username: 'bob' })
  const ok = await app.inject({ method: 'PATCH', url: '/auth/me', headers: bearer(tokens.access_token), payload: { username: 'Ada.L' } })
  assert.equal(ok.statusCode, 200)
  assert.equal(json(ok).username, 'ada.l')
  assert.equal(json(ok).email, 'ada@example.com')
  assert.equal(json(await app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })).username, 'ada.l')
  const taken = await app.inject({ method: 'PATCH', url: '/auth/me', headers: bearer(tokens.access_token), payload: { username: 'BOB' } })
  assert.equal(taken.statusCode, 409)
  assert.equal(json(taken).code, 'USERNAME_TAKEN')
  const bad = await app.inject({ method: 'PATCH', url: '/auth/me', headers: bearer(tokens.access_token), payload: { username: 'a b' } })
  assert.equal(json(bad).code, 'VALIDATION_FAILED')
  const extra = await app.inject({ method: 'PATCH', url: '/auth/me', headers: bearer(tokens.access_token), payload: { username: 'ada', roles: ['admin'] } })
  assert.equal(extra.statusCode, 400, 'roles cannot be self-assigned')
  const cleared = await app.inject({ method: 'PATCH', url: '/auth/me', headers: bearer(tokens.access_token), payload: { username: null } })
  assert.equal(json(cleared).username, null)
  assert.equal((await app.inject({ method: 'PATCH', url: '/auth/me', payload: { username: 'ada' } })).statusCode, 401)
  await app.close()
})

test('password confirmation is throttled: 5 wrong current passwords, then 429 with Retry-After', async () => {
  const { app, clock } = await testApp()
  const { tokens, password } = await signUp(app)
  const put = (current: string) =>
    app.inject({ method: 'PUT', url: '/auth/me/password', headers: bearer(tokens.access_token), payload: { current_password: current, new_password: NEW_PASSWORD } })
  for (let i = 0; i < 5; i++) assert.equal(json(await put(`guess number ${i}`)).code, 'PASSWORD_INCORRECT')
  const limited = await put(password)
  assert.equal(limited.statusCode, 429)
  assert.equal(json(limited).code, 'LOGIN_THROTTLED')
  assert.equal(limited.headers['retry-after'], '60')
  clock.advance(60_000)
  assert.equal((await put(password)).statusCode, 204)
  await app.close()
})
