// Store conformance for the auth-event log (core/store.ts, core/events/types.ts): each change
// records exactly its event in the same transaction, a no-op records nothing, seqs follow head()
// without gaps, read() pages, prune() drops old rows and leaves head() alone.

import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { describe, test } from 'node:test'
import type { AuthEvent, EventLog, LoggedEvent } from '../../src/core/events/types.js'
import type { Store } from '../../src/core/store.js'
import { at, newSession, newUser, STORES, storeOptions, type Made } from './stores.js'

/** Runs `work` on a store of its own (migrated), so that the log holds only this test's events. */
async function withStore(make: () => Promise<Made>, work: (store: Store, log: EventLog) => Promise<void>): Promise<void> {
  const made = await make()
  try {
    await made.store.migrate()
    const log = made.store.events
    assert.ok(log !== undefined, 'the store keeps an event log')
    await work(made.store, log)
  } finally {
    await made.cleanup()
  }
}

/** The events after `after`, checking that their seqs run on from it without a gap. */
async function eventsAfter(log: EventLog, after: number): Promise<(AuthEvent | undefined)[]> {
  const logged: LoggedEvent[] = await log.read(after, 1000)
  assert.deepEqual(logged.map((e) => e.seq), logged.map((_, i) => after + 1 + i), 'consecutive seqs from head()+1')
  return logged.map((e) => e.event)
}

for (const kind of STORES) {
  describe(`Store event log: ${kind.name}`, storeOptions(kind), () => {
    test('each change records exactly its event; a change that changes nothing records none', async () => {
      await withStore(kind.make, async (store, log) => {
        const h0 = await log.head()
        const admin = newUser({ roles: ['admin'] })
        const u = newUser()
        const gone = newUser()
        for (const x of [admin, u, gone]) assert.ok((await store.createUser(x)).ok)
        const [s1, s2, s3] = [newSession(u.id), newSession(u.id), newSession(u.id)]
        for (const s of [s1!, s2!, s3!]) await store.createSession(s)
        assert.equal(await log.head(), h0, 'creating users and sessions records nothing')

        assert.equal(await store.revokeSession(s1!.id, at(10), 'logout'), true)
        assert.equal(await store.revokeSession(s1!.id, at(11), 'logout'), false)
        assert.equal(await store.revokeSession('missing', at(11), 'logout'), false)
        assert.equal(await store.rotateRefresh({ sessionId: s2!.id, fromJti: s2!.refreshJti, toJti: 'n', at: at(12), expiresAt: at(99_999) }), true)
        assert.deepEqual(await store.revokeUserSessions(u.id, at(13), 'logout_others', s3!.id), [s2!.id])
        assert.deepEqual(await store.revokeUserSessions(gone.id, at(14), 'user_revoked'), [])
        const updated = await store.updateUser(u.id, { roles: ['user', 'staff'], updatedAt: at(15) })
        assert.ok(updated !== undefined && !('conflict' in updated))
        assert.equal(await store.updateUser('missing', { disabled: true, updatedAt: at(16) }), undefined)
        assert.deepEqual(await store.updateUser(gone.id, { username: u.username, updatedAt: at(16) }), { conflict: 'username' })
        assert.deepEqual(await store.updateUser(admin.id, { roles: ['user'], updatedAt: at(16) }, { keepAnAdmin: true }), { conflict: 'last_admin' })
        assert.deepEqual(await store.deleteUser(admin.id, { keepAnAdmin: true }), { conflict: 'last_admin' })
        assert.equal(await store.deleteUser('missing'), false)
        assert.equal(await store.deleteUser(gone.id), true)
        await log.append({ type: 'legacy_token_revoked', jti: 'legacy-1', forgetAt: 1_800_000_000_000 })

        const expected: AuthEvent[] = [
          { type: 'session_revoked', sessionId: s1!.id, reason: 'logout', at: at(10) },
          { type: 'user_sessions_revoked', userId: u.id, sessionIds: [s2!.id], reason: 'logout_others', at: at(13) },
          { type: 'user_sessions_revoked', userId: gone.id, sessionIds: [], reason: 'user_revoked', at: at(14) },
          { type: 'user_updated', userId: u.id },
          { type: 'user_deleted', userId: gone.id },
          { type: 'legacy_token_revoked', jti: 'legacy-1', forgetAt: 1_800_000_000_000 },
        ]
        assert.deepEqual(await eventsAfter(log, h0), expected)
        assert.equal(await log.head(), h0 + expected.length)
        // The refused changes left their rows as they were.
        assert.deepEqual((await store.findUserById(admin.id))?.roles, ['admin'])
        assert.equal((await store.findUserById(gone.id)), undefined)
      })
    })

    test('read(after, limit) pages through the log in seq order', async () => {
      await withStore(kind.make, async (store, log) => {
        const h0 = await log.head()
        const u = newUser()
        await store.createUser(u)
        for (let i = 0; i < 5; i++) await store.updateUser(u.id, { disabled: i % 2 === 0, updatedAt: at(100 + i) })
        const page1 = await log.read(h0, 2)
        const page2 = await log.read(page1.at(-1)!.seq, 2)
        const page3 = await log.read(page2.at(-1)!.seq, 2)
        assert.deepEqual([page1, page2, page3].map((p) => p.map((e) => e.seq)), [[h0 + 1, h0 + 2], [h0 + 3, h0 + 4], [h0 + 5]])
        assert.ok([...page1, ...page2, ...page3].every((e) => e.event?.type === 'user_updated'))
        assert.deepEqual(await log.read(h0 + 5, 10), [])
        assert.deepEqual((await log.read(h0 + 3, 1)).map((e) => e.seq), [h0 + 4])
      })
    })

    test('prune(before) deletes older events; head() and later seqs are unaffected', async () => {
      await withStore(kind.make, async (store, log) => {
        const u = newUser()
        await store.createUser(u)
        const h0 = await log.head()
        await store.updateUser(u.id, { disabled: true, updatedAt: at(1) })
        await store.updateUser(u.id, { disabled: false, updatedAt: at(2) })
        // Events are stamped with the wall clock: step past it on both sides of the cut.
        await sleep(5)
        const cut = new Date().toISOString()
        await sleep(5)
        await store.revokeUserSessions(u.id, at(3), 'logout_global')
        assert.equal(await log.prune(cut), 2)
        assert.equal(await log.head(), h0 + 3, 'head() counts pruned events too')
        const left = await log.read(h0, 10)
        assert.deepEqual(left.map((e) => [e.seq, e.event?.type]), [[h0 + 3, 'user_sessions_revoked']])
        assert.equal(await log.prune(cut), 0)
        await store.updateUser(u.id, { disabled: true, updatedAt: at(4) })
        assert.deepEqual((await log.read(h0 + 3, 10)).map((e) => e.seq), [h0 + 4], 'numbering goes on after a prune')
      })
    })
  })
}
