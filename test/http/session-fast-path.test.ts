// The per-request session check answers from memory: after login, /auth/me never asks the
// store for the session, yet logout takes effect on the very next request.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Store } from '../../src/core/store.js'
import { createStore } from '../../src/store/create.js'
import { bearer, json, signUp, testApp } from '../helpers.js'
import { contextOf } from '../../src/core/auth.js'

/** Wraps a store so every method call is counted by name. */
/**
 * Memory is trusted only while the event feed is current (INVALIDATION_MAX_LAG_MS); on a loaded
 * machine a late poll would send every check to the store. These tests are about what memory
 * answers, so the bound is set far out of reach.
 */
const TRUSTED = { INVALIDATION_MAX_LAG_MS: '600000' }

function countingStore(inner: Store): { store: Store; calls: Map<string, number> } {
  const calls = new Map<string, number>()
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown
      if (typeof value !== 'function' || typeof prop !== 'string') return value
      return (...args: unknown[]) => {
        calls.set(prop, (calls.get(prop) ?? 0) + 1)
        return (value as (...a: unknown[]) => unknown).apply(target, args)
      }
    },
  })
  return { store, calls }
}

test('GET /auth/me many times after login never calls store.findSession; logout bites at once', async () => {
  const { store, calls } = countingStore((await createStore({ databaseUrl: 'sqlite::memory:' })))
  const { app } = await testApp(TRUSTED, { store })
  try {
    assert.ok((calls.get('migrate') ?? 0) >= 1, 'buildApp migrated the injected store')
    const { tokens } = await signUp(app)
    calls.clear()
    for (let i = 0; i < 50; i++) {
      const res = await app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })
      assert.equal(res.statusCode, 200)
    }
    assert.equal(calls.get('findSession') ?? 0, 0, 'the session check did not touch the store')
    // The proxy is in the path: the route's user lookup reaches it once, then the user cache answers.
    assert.equal(calls.get('findUserById'), 1, 'the proxy does see the route\'s own lookup')

    assert.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token) })).statusCode, 204)
    calls.clear()
    const after = await app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })
    assert.equal(after.statusCode, 401)
    assert.equal(json(after).code, 'TOKEN_REVOKED')
    assert.equal(calls.get('findSession') ?? 0, 0, 'revocation is known from memory too')
  } finally {
    await app.close()
  }
})

test('a session this process never saw is looked up once, then answered from memory', async () => {
  const shared = (await createStore({ databaseUrl: 'sqlite::memory:' }))
  const { store, calls } = countingStore(shared)
  // Two instances over one database, e.g. a restart or a second replica; closing either must not close it.
  const keep: Store = new Proxy(shared, { get: (t, p, r) => (p === 'close' ? async () => {} : Reflect.get(t, p, r)) })
  const first = await testApp(TRUSTED, { store: keep })
  const second = await testApp(TRUSTED, { store })
  try {
    const { tokens } = await signUp(first.app)
    calls.clear()
    for (let i = 0; i < 10; i++) {
      assert.equal((await second.app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })).statusCode, 200)
    }
    assert.equal(calls.get('findSession'), 1)
  } finally {
    await first.app.close()
    await second.app.close()
  }
})

test('a store wrapped in a Proxy keeps working through every write path (no #private members on it)', async () => {
  const shared = await createStore({ databaseUrl: 'sqlite::memory:' })
  const wrapped: Store = new Proxy(shared, { get: (t, p, r) => Reflect.get(t, p, r) })
  const { app, auth } = await testApp(TRUSTED, { store: wrapped })
  try {
    const admin = await auth.accounts.register({ email: 'root@example.com', password: 'admin password 1', roles: ['user', 'admin'] })
    const { tokens, user } = await signUp(app)
    // updateUser with the last-admin check, a username conflict, deleteUser, revocations.
    assert.equal((await app.inject({ method: 'PATCH', url: '/auth/me', headers: bearer(tokens.access_token), payload: { username: 'ada' } })).statusCode, 200)
    assert.equal((await contextOf(auth).store.updateUser(admin.id, { disabled: true, updatedAt: new Date().toISOString() }, { keepAnAdmin: true }) as { conflict?: string }).conflict, 'last_admin')
    assert.equal((await contextOf(auth).store.createUser({ id: 'x', email: 'ada@example.com', username: null, passwordHash: 'h', roles: [], createdAt: new Date().toISOString() })).ok, false)
    assert.equal(await auth.sessions.revokeAll(String(user.id), { reason: 'admin_revoked' }), 1)
    assert.equal(await contextOf(auth).store.deleteUser(String(user.id)), true)
  } finally {
    await app.close()
  }
})
