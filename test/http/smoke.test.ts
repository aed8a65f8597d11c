// The happy path through the server: register -> login -> me -> refresh -> logout.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bearer, json, signUp, testApp, type Tokens } from '../helpers.js'

test('register, login, me, refresh, logout', async () => {
  const { app } = await testApp()
  const { tokens } = await signUp(app, { username: 'ada' })
  const me = await app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })
  assert.equal(me.statusCode, 200)
  assert.equal(json(me).email, 'ada@example.com')
  const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(tokens.refresh_token) })
  assert.equal(refreshed.statusCode, 200)
  const next = json<Tokens>(refreshed)
  assert.notEqual(next.refresh_token, tokens.refresh_token)
  const out = await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(next.access_token) })
  assert.equal(out.statusCode, 204)
  const after = await app.inject({ url: '/auth/me', headers: bearer(next.access_token) })
  assert.equal(after.statusCode, 401)
  assert.equal(json(after).code, 'TOKEN_REVOKED')
  await app.close()
})
