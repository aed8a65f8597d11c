// GET /users/:username: a public profile with optional authentication.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bearer, json, signUp, signUpAdmin, testApp } from '../helpers.js'

test('anyone sees id, username and created_at; the owner also sees the email', async () => {
  const { app } = await testApp()
  const ada = await signUp(app, { username: 'ada' })
  const bob = await signUp(app, { email: 'bob@example.com', username: 'bob' })
  const anon = await app.inject({ url: '/users/ada' })
  assert.equal(anon.statusCode, 200)
  assert.deepEqual(Object.keys(json(anon)).sort(), ['created_at', 'id', 'username'])
  assert.equal(json(anon).id, ada.user.id)
  const other = await app.inject({ url: '/users/ada', headers: bearer(bob.tokens.access_token) })
  assert.equal(json(other).email, undefined)
  const owner = await app.inject({ url: '/users/ADA', headers: bearer(ada.tokens.access_token) })
  assert.equal(owner.statusCode, 200)
  assert.equal(json(owner).email, 'ada@example.com')
  await app.close()
})

test('an invalid token is refused, not ignored; unknown and disabled users are 404', async () => {
  const { app, auth } = await testApp()
  const ada = await signUp(app, { username: 'ada' })
  const bad = await app.inject({ url: '/users/ada', headers: bearer('not.a.token') })
  assert.equal(bad.statusCode, 401)
  assert.equal(json(bad).code, 'TOKEN_MALFORMED')
  const missing = await app.inject({ url: '/users/nobody' })
  assert.equal(missing.statusCode, 404)
  assert.equal(json(missing).code, 'USER_NOT_FOUND')
  const admin = await signUpAdmin(app, auth)
  await app.inject({ method: 'PATCH', url: `/admin/users/${String(ada.user.id)}`, headers: bearer(admin.tokens.access_token), payload: { disabled: true } })
  assert.equal(json(await app.inject({ url: '/users/ada' })).code, 'USER_NOT_FOUND')
  await app.close()
})
