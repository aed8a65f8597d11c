// Which budget each route draws on: per client IP on the /auth/* routes that take credentials
// without a token (login, register, refresh), per session on the routes that need an access
// token, none on /health, JWKS and discovery.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bearer, json, signUp, signUpAdmin, testApp } from '../helpers.js'

test('a valid access token is not held to the per-IP budget; login, register and refresh are', async () => {
  const { app, config } = await testApp({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '1m' })
  assert.equal(config.rateLimitSessionMax, 6000, 'the documented default')
  const { tokens } = await signUp(app) // register + login: 2 of 127.0.0.1's 3
  for (let i = 0; i < 10; i++) {
    const res = await app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })
    assert.equal(res.statusCode, 200, `GET /auth/me #${i + 1}`)
  }
  assert.equal((await app.inject({ url: '/auth/sessions', headers: bearer(tokens.access_token) })).statusCode, 200)

  const login = () => app.inject({ method: 'POST', url: '/auth/login', remoteAddress: '10.0.0.1', payload: { email: 'ada@example.com', password: 'wrong password' } })
  for (let i = 0; i < 3; i++) assert.equal(json(await login()).code, 'INVALID_CREDENTIALS')
  const limited = await login()
  assert.equal(limited.statusCode, 429)
  assert.equal(json(limited).code, 'RATE_LIMITED')
  assert.ok(Number(limited.headers['retry-after']) > 0)

  const other = { remoteAddress: '10.0.0.2' }
  for (let i = 0; i < 3; i++) await app.inject({ method: 'POST', url: '/auth/refresh', ...other, payload: { refresh_token: 'x' } })
  assert.equal(json(await app.inject({ method: 'POST', url: '/auth/register', ...other, payload: { email: 'b@example.com', password: 'long enough pw' } })).code, 'RATE_LIMITED')

  for (let i = 0; i < 10; i++) {
    for (const url of ['/health', '/health/ready', '/.well-known/jwks.json', '/.well-known/openid-configuration']) {
      const res = await app.inject({ url, remoteAddress: '10.0.0.1' })
      assert.notEqual(res.statusCode, 429, url)
    }
  }
  await app.close()
})

test('the per-session budget: 429 for the session that spent it, not for another session', async () => {
  const { app } = await testApp({ RATE_LIMIT_SESSION_MAX: '4', RATE_LIMIT_WINDOW: '1m' })
  const { tokens, email, password } = await signUp(app)
  const second = json<{ access_token: string }>(await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } }))
  const me = (token: string) => app.inject({ url: '/auth/me', headers: bearer(token) })
  for (let i = 0; i < 4; i++) assert.equal((await me(tokens.access_token)).statusCode, 200)
  const limited = await me(tokens.access_token)
  assert.equal(limited.statusCode, 429)
  assert.equal(json(limited).code, 'RATE_LIMITED')
  assert.ok(Number(limited.headers['retry-after']) > 0)
  // Every guarded route draws on the same session budget.
  assert.equal(json(await app.inject({ url: '/auth/sessions', headers: bearer(tokens.access_token) })).code, 'RATE_LIMITED')
  assert.equal((await me(second.access_token)).statusCode, 200, 'another session of the same user, same IP')
  // Requests without a valid token are not counted against any session.
  for (let i = 0; i < 6; i++) assert.equal(json(await app.inject({ url: '/auth/me' })).code, 'TOKEN_MISSING')
  await app.close()
})

test('RATE_LIMIT_SESSION_MAX=0 turns the per-session limit off', async () => {
  const { app } = await testApp({ RATE_LIMIT_SESSION_MAX: '0', RATE_LIMIT_MAX: '0' })
  const { tokens } = await signUp(app)
  for (let i = 0; i < 20; i++) assert.equal((await app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })).statusCode, 200)
  await app.close()
})

test('routes guarded by an encapsulated hook (/admin) count per session too', async () => {
  const { app, auth } = await testApp({ RATE_LIMIT_SESSION_MAX: '2', RATE_LIMIT_WINDOW: '1m' })
  const { tokens } = await signUpAdmin(app, auth)
  const list = () => app.inject({ url: '/admin/users', headers: bearer(tokens.access_token) })
  for (let i = 0; i < 2; i++) assert.equal((await list()).statusCode, 200)
  assert.equal(json(await list()).code, 'RATE_LIMITED')
  await app.close()
})
