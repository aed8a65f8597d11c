// The audit log on every store: rows come back exactly as written, newest first, filtered by user
// (actor or subject), subject, event and time, paged with a total, and pruned by time. A row
// given with a change is written exactly when the change is made (none for a change that changed
// nothing), and on the SQL stores in its transaction: a row that cannot be written rolls the
// change back.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { AuditRecord } from '../../src/core/audit/types.js'
import type { Store } from '../../src/core/store.js'
import { at, newSession, newUser, nextId, STORES, storeOptions } from './stores.js'

function row(over: Partial<AuditRecord> = {}): AuditRecord {
  const n = nextId()
  return {
    id: `${String(n).padStart(12, '0')}${'0'.repeat(16)}`,
    at: at(n),
    event: 'login',
    outcome: 'success',
    reason: null,
    actorId: null,
    subjectId: null,
    sessionId: null,
    ip: '203.0.113.7',
    userAgent: 'test-agent/1.0',
    detail: null,
    ...over,
  }
}

for (const kind of STORES) {
  describe(`Audit log: ${kind.name}`, storeOptions(kind), () => {
    let store: Store
    let cleanup: () => Promise<void>
    before(async () => {
      ;({ store, cleanup } = await kind.make())
      await store.migrate()
    })
    after(async () => cleanup())

    const all = (query: Partial<Parameters<Store['listAudit']>[0]>) => store.listAudit({ limit: 100, offset: 0, ...query })

    test('a row comes back exactly as written, detail included', async () => {
      const r = row({ event: 'user_updated', outcome: 'success', reason: 'x', actorId: 'admin-1', subjectId: `sub-${nextId()}`, sessionId: 'sess-1', detail: { roles: ['user'], previousRoles: ['user', 'admin'], disabled: true, via: 'cli' } })
      await store.appendAudit(r)
      assert.deepEqual((await all({ subjectId: r.subjectId! })).records, [r])
    })

    test('filters: a user as actor or subject, subject alone, event, from (inclusive) and to (exclusive); newest first; paged with a total', async () => {
      const u = `user-${nextId()}`
      const other = `other-${nextId()}`
      const rows = [
        row({ event: 'login', subjectId: u, actorId: u }),
        row({ event: 'login', outcome: 'failure', reason: 'invalid_credentials', subjectId: u }),
        row({ event: 'user_updated', subjectId: other, actorId: u }),
        row({ event: 'logout', subjectId: u, actorId: u, reason: 'local' }),
        row({ event: 'login', subjectId: other, actorId: other }),
      ]
      for (const r of rows) await store.appendAudit(r)
      const ids = (p: { records: AuditRecord[] }) => p.records.map((r) => r.id)
      const byUser = await all({ userId: u })
      assert.deepEqual(ids(byUser), [rows[3]!.id, rows[2]!.id, rows[1]!.id, rows[0]!.id])
      assert.equal(byUser.total, 4)
      assert.deepEqual(ids(await all({ subjectId: u })), [rows[3]!.id, rows[1]!.id, rows[0]!.id])
      assert.deepEqual(ids(await all({ userId: u, event: 'login' })), [rows[1]!.id, rows[0]!.id])
      assert.deepEqual(ids(await all({ userId: u, from: rows[1]!.at, to: rows[3]!.at })), [rows[2]!.id, rows[1]!.id])
      const page = await store.listAudit({ userId: u, limit: 2, offset: 1 })
      assert.deepEqual(ids(page), [rows[2]!.id, rows[1]!.id])
      assert.equal(page.total, 4)
      assert.deepEqual(await all({ userId: 'nobody-\u0000' }), { records: [], total: 0 })
    })

    test('rows at the same instant are ordered by id, newest first', async () => {
      const u = `same-${nextId()}`
      const t = at(nextId())
      const a = row({ id: 'aaaaaaaaaaaa0000000000000001', at: t, subjectId: u })
      const b = row({ id: 'aaaaaaaaaaaa0000000000000002', at: t, subjectId: u })
      await store.appendAudit(b)
      await store.appendAudit(a)
      assert.deepEqual((await all({ subjectId: u })).records.map((r) => r.id), [b.id, a.id])
    })

    test('pruning deletes rows before the time and keeps the rest', async () => {
      const u = `prune-${nextId()}`
      const old = row({ subjectId: u, at: '2000-01-01T00:00:00.000Z' })
      const recent = row({ subjectId: u, at: '2000-01-02T00:00:00.000Z' })
      await store.appendAudit(old)
      await store.appendAudit(recent)
      assert.ok((await store.pruneAudit('2000-01-02T00:00:00.000Z')) >= 1)
      assert.deepEqual((await all({ subjectId: u })).records.map((r) => r.id), [recent.id])
    })

    test('a change writes its row exactly when it changes something', async () => {
      const u = newUser()
      const created = row({ event: 'register', subjectId: u.id, actorId: u.id })
      assert.ok((await store.createUser(u, { audit: created })).ok)
      // Conflicts and misses change nothing, and leave no row.
      assert.equal((await store.createUser({ ...newUser(), email: u.email }, { audit: row({ subjectId: u.id, event: 'register' }) })).ok, false)
      assert.equal(await store.updateUser('no-such-user', { updatedAt: at(5) }, { audit: row({ subjectId: u.id }) }), undefined)
      const s = newSession(u.id)
      const login = row({ subjectId: u.id, actorId: u.id })
      await store.createSession(s, { audit: { ...login, sessionId: s.id } })
      const logout = row({ event: 'logout', reason: 'local', subjectId: u.id, sessionId: s.id })
      assert.equal(await store.revokeSession(s.id, at(50), 'logout', { audit: logout }), true)
      assert.equal(await store.revokeSession(s.id, at(51), 'logout', { audit: row({ event: 'logout', subjectId: u.id }) }), false)
      const changed = row({ event: 'password_changed', subjectId: u.id })
      assert.ok((await store.updateUser(u.id, { passwordHash: 'new', updatedAt: at(60) }, { audit: changed })) !== undefined)
      const ended = row({ event: 'sessions_revoked', subjectId: u.id })
      await store.revokeUserSessions(u.id, at(70), 'admin_revoked', undefined, { audit: ended })
      const deleted = row({ event: 'user_deleted', subjectId: u.id })
      assert.equal(await store.deleteUser(u.id, { audit: deleted }), true)
      assert.equal(await store.deleteUser(u.id, { audit: row({ event: 'user_deleted', subjectId: u.id }) }), false)
      const ids = (await all({ subjectId: u.id })).records.map((r) => r.id).sort()
      assert.deepEqual(ids, [created, login, logout, changed, ended, deleted].map((r) => r.id).sort())
    })

    // The memory store writes row and change in one synchronous step; a failing row needs SQL.
    test('a row that cannot be written rolls its change back', { skip: kind.name === 'memory' ? 'no SQL transaction' : undefined }, async () => {
      const taken = row({ subjectId: 'x' })
      await store.appendAudit(taken)
      // The same id again: the insert fails on the primary key, inside the change's transaction.
      const dup = { ...taken }
      const u = newUser()
      await assert.rejects(store.createUser(u, { audit: dup }))
      assert.equal(await store.findUserById(u.id), undefined, 'createUser rolled back')
      assert.ok((await store.createUser(u)).ok)
      const s = newSession(u.id)
      await assert.rejects(store.createSession(s, { audit: dup }))
      assert.equal(await store.findSession(s.id), undefined, 'createSession rolled back')
      await store.createSession(s)
      await assert.rejects(store.updateUser(u.id, { username: `renamed${nextId()}`, updatedAt: at(9) }, { audit: dup }))
      assert.equal((await store.findUserById(u.id))?.username, u.username, 'updateUser rolled back')
      await assert.rejects(store.revokeSession(s.id, at(9), 'logout', { audit: dup }))
      assert.equal((await store.findSession(s.id))?.revokedAt, null, 'revokeSession rolled back')
      await assert.rejects(store.revokeUserSessions(u.id, at(9), 'admin_revoked', undefined, { audit: dup }))
      assert.equal((await store.findSession(s.id))?.revokedAt, null, 'revokeUserSessions rolled back')
      await assert.rejects(store.deleteUser(u.id, { audit: dup }))
      assert.ok((await store.findUserById(u.id)) !== undefined, 'deleteUser rolled back')
    })
  })
}
