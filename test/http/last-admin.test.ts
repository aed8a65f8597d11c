// The last enabled administrator cannot be removed over HTTP: demoting, disabling or deleting
// them (through /admin/users or DELETE /auth/me) answers 409 LAST_ADMIN and changes nothing;
// with a second enabled admin the same changes go through.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { bearer, json, signUp, signUpAdmin, testApp } from '../helpers.js'
import { contextOf } from '../../src/core/auth.js'

async function setup() {
  const t = await testApp()
  const admin = await signUpAdmin(t.app, t.auth)
  const h = bearer(admin.tokens.access_token)
  const row = () => contextOf(t.auth).store.findUserById(admin.id)
  return { ...t, admin, h, row, before: await row() }
}

function assertLastAdmin(res: LightMyRequestResponse): void {
  assert.equal(res.statusCode, 409, res.body)
  const body = json(res)
  assert.equal(body.code, 'LAST_ADMIN')
  assert.equal(body.statusCode, 409)
  assert.equal(body.error, 'Conflict')
}

const refusals: Array<[string, (s: Awaited<ReturnType<typeof setup>>) => { method: 'PATCH' | 'DELETE'; url: string; payload: object }]> = [
  ['PATCH roles without admin', (s) => ({ method: 'PATCH', url: `/admin/users/${s.admin.id}`, payload: { roles: ['user'] } })],
  ['PATCH roles to an empty list', (s) => ({ method: 'PATCH', url: `/admin/users/${s.admin.id}`, payload: { roles: [] } })],
  ['PATCH disabled', (s) => ({ method: 'PATCH', url: `/admin/users/${s.admin.id}`, payload: { disabled: true } })],
  ['PATCH roles and disabled', (s) => ({ method: 'PATCH', url: `/admin/users/${s.admin.id}`, payload: { roles: ['user', 'admin'], disabled: true } })],
  ['DELETE /admin/users/:id', (s) => ({ method: 'DELETE', url: `/admin/users/${s.admin.id}`, payload: {} })],
  ['DELETE /auth/me', () => ({ method: 'DELETE', url: '/auth/me', payload: { password: 'admin password 1' } })],
]

for (const [name, request] of refusals) {
  test(`the only enabled admin: ${name} is 409 LAST_ADMIN and changes nothing`, async () => {
    const s = await setup()
    const res = await s.app.inject({ ...request(s), headers: s.h })
    assertLastAdmin(res)
    assert.deepEqual(await s.row(), s.before, 'the user row is unchanged')
    // No session was revoked either: the admin's token still reaches the admin API.
    assert.equal((await s.app.inject({ url: '/admin/users', headers: s.h })).statusCode, 200)
    await s.app.close()
  })
}

test('changes that keep the admin set pass for the only admin', async () => {
  const s = await setup()
  const url = `/admin/users/${s.admin.id}`
  const more = await s.app.inject({ method: 'PATCH', url, headers: s.h, payload: { roles: ['user', 'admin', 'editor'] } })
  assert.equal(more.statusCode, 200, more.body)
  assert.deepEqual(json(more).roles, ['user', 'admin', 'editor'])
  const fewer = await s.app.inject({ method: 'PATCH', url, headers: s.h, payload: { roles: ['admin'], disabled: false } })
  assert.equal(fewer.statusCode, 200, 'dropping a role other than admin is fine')
  // Dropping 'editor' revoked the admin's sessions (the usual rule); log in again.
  const tokens = json<{ access_token: string }>(await s.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'root@example.com', password: 'admin password 1' } }))
  const rename = await s.app.inject({ method: 'PATCH', url: '/auth/me', headers: bearer(tokens.access_token), payload: { username: 'root' } })
  assert.equal(rename.statusCode, 200, rename.body)
  // Touching non-admins is unaffected.
  const ada = await signUp(s.app)
  const adaUrl = `/admin/users/${String(ada.user.id)}`
  assert.equal((await s.app.inject({ method: 'PATCH', url: adaUrl, headers: bearer(tokens.access_token), payload: { disabled: true } })).statusCode, 200)
  assert.equal((await s.app.inject({ method: 'DELETE', url: adaUrl, headers: bearer(tokens.access_token) })).statusCode, 204)
  await s.app.close()
})

test('with two enabled admins, demoting one works and demoting the second is refused', async () => {
  const s = await setup()
  const second = await signUpAdmin(s.app, s.auth, { email: 'second@example.com', password: 'admin password 2' })
  const demote = await s.app.inject({ method: 'PATCH', url: `/admin/users/${second.id}`, headers: s.h, payload: { roles: ['user'] } })
  assert.equal(demote.statusCode, 200, demote.body)
  assert.deepEqual(json(demote).roles, ['user'])
  const again = await s.app.inject({ method: 'PATCH', url: `/admin/users/${s.admin.id}`, headers: s.h, payload: { roles: ['user'] } })
  assertLastAdmin(again)
  assert.deepEqual(await s.row(), s.before)
  await s.app.close()
})

test('a disabled admin does not count; with a second enabled admin, delete and self-delete work', async () => {
  const s = await setup()
  const second = await signUpAdmin(s.app, s.auth, { email: 'second@example.com', password: 'admin password 2' })
  const off = await s.app.inject({ method: 'PATCH', url: `/admin/users/${second.id}`, headers: s.h, payload: { disabled: true } })
  assert.equal(off.statusCode, 200, off.body)
  assertLastAdmin(await s.app.inject({ method: 'PATCH', url: `/admin/users/${s.admin.id}`, headers: s.h, payload: { disabled: true } }))
  // Re-enabling passes and restores a second admin; then the first may delete themself.
  assert.equal((await s.app.inject({ method: 'PATCH', url: `/admin/users/${second.id}`, headers: s.h, payload: { disabled: false } })).statusCode, 200)
  const gone = await s.app.inject({ method: 'DELETE', url: '/auth/me', headers: s.h, payload: { password: 'admin password 1' } })
  assert.equal(gone.statusCode, 204, gone.body)
  assert.equal(await s.row(), undefined)
  // The second is now the last one: deleting them through the admin API is refused.
  const h2 = bearer(json<{ access_token: string }>(await s.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'second@example.com', password: 'admin password 2' } })).access_token)
  assertLastAdmin(await s.app.inject({ method: 'DELETE', url: `/admin/users/${second.id}`, headers: h2 }))
  assert.equal((await contextOf(s.auth).store.findUserById(second.id))?.disabled, false)
  await s.app.close()
})
