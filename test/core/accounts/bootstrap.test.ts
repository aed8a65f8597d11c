// The first admin from ADMIN_EMAIL/ADMIN_PASSWORD: created once with roles user+admin, and an
// existing account is never touched.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ensureAdmin } from '../../../src/core/accounts/bootstrap.js'
import { coreAuth } from '../../helpers.js'

test('creates the admin when absent, then leaves it alone', async () => {
  const { auth } = coreAuth()
  const first = await ensureAdmin(auth.context, { email: 'Root@Example.com', password: 'admin password 1' })
  assert.equal(first.created, true)
  assert.deepEqual(first.user.roles, ['user', 'admin'])
  assert.equal(first.user.email, 'root@example.com')
  const second = await ensureAdmin(auth.context, { email: 'root@example.com', password: 'a different password' })
  assert.equal(second.created, false)
  assert.equal(second.user.id, first.user.id)
  // The original password still works; the new one was not applied.
  await auth.login({ identifier: { email: 'root@example.com' }, password: 'admin password 1' })
})

test('an existing plain account with that email is not promoted', async () => {
  const { auth } = coreAuth()
  await auth.register({ email: 'root@example.com', password: 'user password 1' })
  const result = await ensureAdmin(auth.context, { email: 'root@example.com', password: 'admin password 1' })
  assert.equal(result.created, false)
  assert.deepEqual(result.user.roles, ['user'])
})

test('two instances starting together create one admin', async () => {
  const { auth, store } = coreAuth()
  const results = await Promise.all([ensureAdmin(auth.context, { email: 'root@example.com', password: 'admin password 1' }), ensureAdmin(auth.context, { email: 'root@example.com', password: 'admin password 1' })])
  assert.equal(results.filter((r) => r.created).length, 1)
  assert.equal((await store.listUsers({ limit: 10, offset: 0 })).total, 1)
})
