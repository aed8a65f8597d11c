// The last-admin rule counts admins with the store's own countActiveAdmins, or, for a custom
// store without that (optional) method, by listing users page by page: same answers either way.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { countActiveAdmins } from '../../../src/core/accounts/last-admin.js'
import type { NewUser, Store } from '../../../src/core/store.js'
import { MemoryStore } from '../../../src/store/memory.js'

let n = 0
function user(roles: string[], disabled = false): NewUser & { disabled?: boolean } {
  n++
  return { id: `u${n}`, email: `u${n}@example.com`, username: null, passwordHash: '$argon2id$x', roles, createdAt: new Date(0).toISOString(), ...(disabled ? { disabled } : {}) } as NewUser
}

/** The same store with countActiveAdmins hidden, as a store written before it existed. */
function withoutCount(store: Store): Store {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'countActiveAdmins') return undefined
      const value: unknown = Reflect.get(target, key, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

test('listing fallback agrees with the store count, across several pages', async () => {
  const store = new MemoryStore()
  // 1,203 users (three pages of 500 in the fallback), 7 enabled admins, 2 disabled admins.
  for (let i = 0; i < 1_194; i++) await store.createUser(user(i % 3 === 0 ? ['user', 'editor'] : ['user']))
  const admins: string[] = []
  for (let i = 0; i < 9; i++) {
    const u = user(['user', 'admin'])
    await store.createUser(u)
    admins.push(u.id)
  }
  for (const id of admins.slice(0, 2)) await store.updateUser(id, { disabled: true, updatedAt: new Date(1).toISOString() })
  const bare = withoutCount(store)
  assert.equal(bare.countActiveAdmins, undefined)
  assert.equal(await countActiveAdmins(store), 7)
  assert.equal(await countActiveAdmins(bare), 7)
})

test('no admins at all: 0 both ways', async () => {
  const store = new MemoryStore()
  await store.createUser(user(['user', 'ADMIN']))
  await store.createUser(user(['admins']))
  assert.equal(await countActiveAdmins(store), 0)
  assert.equal(await countActiveAdmins(withoutCount(store)), 0)
})
