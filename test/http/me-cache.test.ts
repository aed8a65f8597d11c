// GET /auth/me is served from the user cache: a write through the server (PATCH /auth/me, the
// admin API) shows on the very next GET; a write straight to the store shows after the TTL.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createStore } from '../../src/store/create.js'
import { bearer, json, signUp, signUpAdmin, testApp } from '../helpers.js'

interface Me {
  id: string
  username: string | null
  roles: string[]
}

test('PATCH /auth/me is visible on the very next GET /auth/me', async () => {
  const { app } = await testApp()
  const { tokens } = await signUp(app, { username: 'ada' })
  const h = bearer(tokens.access_token)
  assert.equal(json<Me>(await app.inject({ url: '/auth/me', headers: h })).username, 'ada') // now cached
  const patch = await app.inject({ method: 'PATCH', url: '/auth/me', headers: h, payload: { username: 'lovelace' } })
  assert.equal(patch.statusCode, 200)
  assert.equal(json<Me>(await app.inject({ url: '/auth/me', headers: h })).username, 'lovelace')
  await app.close()
})

test('an admin role change is visible on the user\'s very next GET /auth/me', async () => {
  const { app, auth } = await testApp()
  const admin = await signUpAdmin(app, auth)
  const ada = await signUp(app, { username: 'ada' })
  const h = bearer(ada.tokens.access_token)
  assert.deepEqual(json<Me>(await app.inject({ url: '/auth/me', headers: h })).roles, ['user'])
  const patch = await app.inject({
    method: 'PATCH',
    url: `/admin/users/${String(ada.user.id)}`,
    headers: bearer(admin.tokens.access_token),
    payload: { roles: ['user', 'editor'] },
  })
  assert.equal(patch.statusCode, 200)
  assert.deepEqual(json<Me>(await app.inject({ url: '/auth/me', headers: h })).roles, ['user', 'editor'])
  await app.close()
})

test('a write straight to the store (another instance, a manual edit) shows once the TTL has passed', async () => {
  const store = (await createStore({ databaseUrl: 'sqlite::memory:' }))
  const { app, clock } = await testApp({}, { store })
  const ada = await signUp(app, { username: 'ada' })
  const h = bearer(ada.tokens.access_token)
  const me = async () => json<Me>(await app.inject({ url: '/auth/me', headers: h })).username
  assert.equal(await me(), 'ada')
  const updated = await store.updateUser(String(ada.user.id), { username: 'direct', updatedAt: new Date(clock.now()).toISOString() })
  assert.ok(updated !== undefined && !('conflict' in updated))
  assert.equal(await me(), 'ada') // still the cached row: the cache is in use
  clock.advance(29_000)
  assert.equal(await me(), 'ada')
  clock.advance(1_000) // 30 s after the row was read
  assert.equal(await me(), 'direct')
  await app.close()
})
