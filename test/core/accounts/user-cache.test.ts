// The user cache: hits within the TTL, expiry on the injected clock, writes through the cached
// store drop the entry (create, update, delete), a read overlapping a write is not kept, the
// size bound, and ttl 0.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { withUserCache } from '../../../src/core/accounts/cached-store.js'
import { UserCache } from '../../../src/core/accounts/user-cache.js'
import { AuthEventBus } from '../../../src/core/events/bus.js'
import { ManualClock } from '../../../src/core/clock.js'
import type { NewUser, UserRecord } from '../../../src/core/store.js'
import { MemoryStore } from '../../../src/store/memory.js'

const T0 = Date.UTC(2026, 0, 1)
const newUser = (id: string): NewUser => ({ id, email: `${id}@example.com`, username: id, passwordHash: '$argon2id$fake', roles: ['user'], createdAt: new Date(T0).toISOString() })

function setup(opts: { ttlMs?: number; max?: number } = {}) {
  const clock = new ManualClock(T0)
  const raw = new MemoryStore()
  let reads = 0
  const users = new UserCache((id) => {
    reads++
    return raw.findUserById(id)
  }, { clock, ...opts })
  return { clock, raw, users, store: withUserCache(raw, users, new AuthEventBus()), reads: () => reads }
}

const at = (ms: number) => new Date(T0 + ms).toISOString()

test('a hit is served from memory (synchronously) until the TTL, then read again', async () => {
  const { clock, raw, users, reads } = setup({ ttlMs: 30_000 })
  await raw.createUser(newUser('u1'))
  assert.equal((await users.get('u1'))?.username, 'u1')
  const hit = users.get('u1')
  assert.ok(!(hit instanceof Promise))
  assert.equal(hit?.username, 'u1')
  assert.equal(reads(), 1)
  await raw.updateUser('u1', { username: 'direct', updatedAt: at(1) }) // bypasses the cache
  clock.advance(29_999)
  assert.equal((await users.get('u1'))?.username, 'u1')
  clock.advance(1)
  assert.equal((await users.get('u1'))?.username, 'direct')
  assert.equal(reads(), 2)
})

test('every user write through the cached store drops the entry: create, update, delete', async () => {
  const { users, store } = setup()
  assert.equal(await users.get('u1'), undefined) // absence is cached too...
  await store.createUser(newUser('u1')) // ...until a create with that id
  assert.equal((await users.get('u1'))?.email, 'u1@example.com')
  await store.updateUser('u1', { roles: ['user', 'admin'], updatedAt: at(1) })
  assert.deepEqual((await users.get('u1'))?.roles, ['user', 'admin'])
  await store.updateUser('u1', { disabled: true, updatedAt: at(2) })
  assert.equal((await users.get('u1'))?.disabled, true)
  await store.deleteUser('u1')
  assert.equal(await users.get('u1'), undefined)
})

test('a read in flight when a write lands is not kept, and concurrent reads share one store read', async () => {
  const { raw, users, store, reads } = setup()
  await raw.createUser(newUser('u1'))
  const before = users.get('u1') // started before the write
  const twin = users.get('u1')
  assert.equal(before, twin)
  await store.updateUser('u1', { username: 'renamed', updatedAt: at(1) })
  await before
  assert.equal((await users.get('u1'))?.username, 'renamed')
  assert.equal(reads(), 2)
})

test('reads during a write go to the store and are not kept', async () => {
  const { raw, users, reads } = setup()
  await raw.createUser(newUser('u1'))
  let finish!: () => void
  const writing = users.write('u1', async () => {
    await new Promise<void>((resolve) => (finish = resolve))
    await raw.updateUser('u1', { username: 'renamed', updatedAt: at(1) })
  })
  assert.equal((await users.get('u1'))?.username, 'u1')
  assert.equal(users.size, 0)
  finish()
  await writing
  assert.equal((await users.get('u1'))?.username, 'renamed')
  assert.equal(reads(), 2)
})

test('cached rows are frozen, the size is bounded, ttl 0 keeps nothing, bad options are TypeErrors', async () => {
  const { raw, users } = setup({ max: 2 })
  for (const id of ['a', 'b', 'c']) await raw.createUser(newUser(id))
  const a = (await users.get('a')) as UserRecord
  assert.throws(() => (a.roles as string[]).push('admin'), TypeError)
  await users.get('b')
  await users.get('c')
  assert.equal(users.size, 2)
  const off = setup({ ttlMs: 0 })
  await off.raw.createUser(newUser('a'))
  await off.users.get('a')
  await off.users.get('a')
  assert.equal(off.reads(), 2)
  assert.equal(off.users.size, 0)
  const clock = new ManualClock(T0)
  assert.throws(() => new UserCache(async () => undefined, { clock, ttlMs: -1 }), TypeError)
  assert.throws(() => new UserCache(async () => undefined, { clock, max: 0 }), TypeError)
})
