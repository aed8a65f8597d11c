// The Store conformance suite: one contract, run against every implementation (stores.ts:
// memory, SQLite, PostgreSQL, MySQL/MariaDB; TW_STORES narrows them). The event log, races and
// dialect-sensitive values have suites of their own beside this one.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { ConfigError } from '../../src/core/config.js'
import type { Store } from '../../src/core/store.js'
import { createStore } from '../../src/store/create.js'
import { migrationProvider } from '../../src/store/kysely/migrations.js'
import { KyselyStore } from '../../src/store/kysely/store.js'
import { at, newSession, newUser, nextId, STORES, storeOptions } from './stores.js'

for (const kind of STORES) {
  const { name, make } = kind
  describe(`Store conformance: ${name}`, storeOptions(kind), () => {
    let store: Store
    let cleanup: () => Promise<void>
    before(async () => {
      ;({ store, cleanup } = await make())
      await store.migrate()
    })
    after(async () => cleanup())

    test('migrate() is idempotent: a second run applies nothing', async () => {
      assert.deepEqual(await store.migrate(), [])
    })

    test('createUser and find by id, email, username', async () => {
      const input = newUser({ roles: ['user', 'admin'] })
      const created = await store.createUser(input)
      assert.ok(created.ok)
      const expected = { ...input, disabled: false, emailVerifiedAt: null, updatedAt: input.createdAt }
      assert.deepEqual(created.user, expected)
      assert.deepEqual(await store.findUserById(input.id), expected)
      assert.deepEqual(await store.findUserByEmail(input.email), expected)
      assert.deepEqual(await store.findUserByUsername(input.username!), expected)
      assert.equal(await store.findUserById('nope'), undefined)
      assert.equal(await store.findUserByEmail('nope@example.com'), undefined)
      assert.equal(await store.findUserByUsername('nope'), undefined)
    })

    test('updateUser changes the email; another account\'s address is the email conflict, nothing changed', async () => {
      const a = newUser()
      const b = newUser()
      await store.createUser(a)
      await store.createUser(b)
      const moved = await store.updateUser(a.id, { email: `moved-${a.email}`, updatedAt: at(7000) })
      assert.ok(moved !== undefined && !('conflict' in moved) && moved.email === `moved-${a.email}`)
      assert.equal((await store.findUserByEmail(`moved-${a.email}`))?.id, a.id)
      assert.equal(await store.findUserByEmail(a.email), undefined)
      assert.deepEqual(await store.updateUser(a.id, { email: b.email, updatedAt: at(7001) }), { conflict: 'email' })
      assert.equal((await store.findUserById(a.id))?.email, `moved-${a.email}`)
    })

    test('duplicate email and username are conflicts, as values', async () => {
      const a = newUser()
      assert.ok((await store.createUser(a)).ok)
      assert.deepEqual(await store.createUser(newUser({ email: a.email })), { ok: false, conflict: 'email' })
      assert.deepEqual(await store.createUser(newUser({ username: a.username })), { ok: false, conflict: 'username' })
      // Many users may have no username.
      assert.ok((await store.createUser(newUser({ username: null }))).ok)
      assert.ok((await store.createUser(newUser({ username: null }))).ok)
    })

    test('updateUser patches fields, reports username conflicts, ignores unknown ids', async () => {
      const a = newUser()
      const b = newUser()
      await store.createUser(a)
      await store.createUser(b)
      const updated = await store.updateUser(a.id, { username: 'renamed-' + a.id, roles: ['admin'], disabled: true, passwordHash: 'h2', updatedAt: at(5000) })
      assert.ok(updated !== undefined && !('conflict' in updated))
      assert.equal(updated.username, 'renamed-' + a.id)
      assert.deepEqual(updated.roles, ['admin'])
      assert.equal(updated.disabled, true)
      assert.equal(updated.passwordHash, 'h2')
      assert.equal(updated.updatedAt, at(5000))
      assert.equal(updated.createdAt, a.createdAt)
      assert.equal(updated.email, a.email)
      assert.deepEqual(await store.findUserById(a.id), updated)
      assert.deepEqual(await store.updateUser(b.id, { username: 'renamed-' + a.id, updatedAt: at(5001) }), { conflict: 'username' })
      assert.equal((await store.findUserById(b.id))!.username, b.username, 'a conflicting update changes nothing')
      assert.equal(await store.updateUser('missing', { disabled: true, updatedAt: at(1) }), undefined)
      const cleared = await store.updateUser(b.id, { username: null, disabled: false, updatedAt: at(5002) })
      assert.ok(cleared !== undefined && !('conflict' in cleared))
      assert.equal(cleared.username, null)
    })

    test('deleteUser removes the user and cascades to sessions', async () => {
      const u = newUser()
      await store.createUser(u)
      const s1 = newSession(u.id)
      const s2 = newSession(u.id)
      await store.createSession(s1)
      await store.createSession(s2)
      assert.equal(await store.deleteUser(u.id), true)
      assert.equal(await store.findUserById(u.id), undefined)
      assert.equal(await store.findSession(s1.id), undefined)
      assert.equal(await store.findSession(s2.id), undefined)
      assert.equal(await store.deleteUser(u.id), false)
    })

    test('countActiveAdmins counts enabled users holding exactly the admin role', async () => {
      // A store of its own: the shared one already holds admins made by other tests.
      const fresh = await make()
      try {
        const s = fresh.store
        await s.migrate()
        assert.equal(await s.countActiveAdmins!(), 0)
        await s.createUser(newUser({ roles: ['user'] }))
        await s.createUser(newUser({ roles: [] }))
        // Near misses: other case, prefix, suffix, a substring.
        await s.createUser(newUser({ roles: ['ADMIN', 'admins', 'sysadmin', 'admin:read', 'xadminx'] }))
        assert.equal(await s.countActiveAdmins!(), 0, 'non-admins do not count')
        const first = newUser({ roles: ['user', 'admin'] })
        await s.createUser(first)
        assert.equal(await s.countActiveAdmins!(), 1)
        const second = newUser({ roles: ['admin'] })
        await s.createUser(second)
        assert.equal(await s.countActiveAdmins!(), 2)
        await s.updateUser(second.id, { disabled: true, updatedAt: at(6000) })
        assert.equal(await s.countActiveAdmins!(), 1, 'a disabled admin does not count')
        await s.updateUser(second.id, { disabled: false, updatedAt: at(6001) })
        assert.equal(await s.countActiveAdmins!(), 2)
        await s.updateUser(first.id, { roles: ['user'], updatedAt: at(6002) })
        assert.equal(await s.countActiveAdmins!(), 1, 'a demoted admin does not count')
        await s.deleteUser(second.id)
        assert.equal(await s.countActiveAdmins!(), 0)
      } finally {
        await fresh.cleanup()
      }
    })

    test('listUsers: q matches email or username case-insensitively; paging and total', async () => {
      const tag = `zq${nextId()}`
      const users = [
        newUser({ email: `${tag}-one@example.com`, username: null }),
        newUser({ email: `two-${nextId()}@example.com`, username: `${tag}_two` }),
        newUser({ email: `${tag}three@example.com`, username: `${tag}x3` }),
      ]
      for (const u of users) await store.createUser(u)
      const all = await store.listUsers({ q: tag.toUpperCase(), limit: 10, offset: 0 })
      assert.equal(all.total, 3)
      assert.deepEqual(all.users.map((u) => u.id), users.map((u) => u.id), 'oldest first')
      const page = await store.listUsers({ q: tag, limit: 2, offset: 1 })
      assert.equal(page.total, 3)
      assert.deepEqual(page.users.map((u) => u.id), [users[1]!.id, users[2]!.id])
      assert.deepEqual((await store.listUsers({ q: tag, limit: 2, offset: 3 })).users, [])
      // LIKE wildcards in q are literal characters.
      assert.deepEqual((await store.listUsers({ q: `${tag}_`, limit: 10, offset: 0 })).users.map((u) => u.id), [users[1]!.id])
      assert.equal((await store.listUsers({ q: '%', limit: 10, offset: 0 })).total, 0)
      // Case-insensitive on the stored side too, whatever case a caller stored.
      const mark = `${Date.now() % 100000}x${nextId()}`
      const mixed = newUser({ email: `MiXeD${mark}@Example.com`, username: `CamelCase${mark}` })
      await store.createUser(mixed)
      assert.deepEqual((await store.listUsers({ q: `mixed${mark}`, limit: 10, offset: 0 })).users.map((u) => u.id), [mixed.id])
      assert.deepEqual((await store.listUsers({ q: `camelcase${mark}`, limit: 10, offset: 0 })).users.map((u) => u.id), [mixed.id])
      const everyone = await store.listUsers({ limit: 1000, offset: 0 })
      assert.ok(everyone.total >= 3 && everyone.users.length === everyone.total)
      assert.ok(everyone.users.every((u) => typeof u.passwordHash === 'string'))
    })

    test('createSession and findSession', async () => {
      const u = newUser()
      await store.createUser(u)
      const s = newSession(u.id, { userAgent: null, ip: null })
      await store.createSession(s)
      assert.deepEqual(await store.findSession(s.id), { ...s, prevRefreshJti: null, rotatedAt: null, revokedAt: null, revokedReason: null })
      assert.equal(await store.findSession('missing'), undefined)
    })

    test('rotateRefresh is a compare-and-swap: a second swap from the same jti returns false', async () => {
      const u = newUser()
      await store.createUser(u)
      const s = newSession(u.id)
      await store.createSession(s)
      const swap = { sessionId: s.id, fromJti: s.refreshJti, toJti: 'next-1', at: at(9000), expiresAt: at(200_000) }
      assert.equal(await store.rotateRefresh(swap), true)
      assert.equal(await store.rotateRefresh({ ...swap, toJti: 'next-2' }), false)
      const row = (await store.findSession(s.id))!
      assert.equal(row.refreshJti, 'next-1')
      assert.equal(row.prevRefreshJti, s.refreshJti)
      assert.equal(row.rotatedAt, at(9000))
      assert.equal(row.lastUsedAt, at(9000))
      assert.equal(row.expiresAt, at(200_000))
      assert.equal(await store.rotateRefresh({ ...swap, sessionId: 'missing' }), false)
    })

    test('concurrent rotations from one jti: exactly one wins', async () => {
      const u = newUser()
      await store.createUser(u)
      const s = newSession(u.id)
      await store.createSession(s)
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.rotateRefresh({ sessionId: s.id, fromJti: s.refreshJti, toJti: `race-${i}`, at: at(9000), expiresAt: at(200_000) })),
      )
      assert.equal(results.filter(Boolean).length, 1)
      const winner = results.indexOf(true)
      assert.equal((await store.findSession(s.id))!.refreshJti, `race-${winner}`)
    })

    test('revokeSession revokes once; a revoked session cannot rotate', async () => {
      const u = newUser()
      await store.createUser(u)
      const s = newSession(u.id)
      await store.createSession(s)
      assert.equal(await store.revokeSession(s.id, at(7000), 'logout'), true)
      assert.equal(await store.revokeSession(s.id, at(7001), 'logout'), false)
      const row = (await store.findSession(s.id))!
      assert.equal(row.revokedAt, at(7000))
      assert.equal(row.revokedReason, 'logout')
      assert.equal(await store.rotateRefresh({ sessionId: s.id, fromJti: s.refreshJti, toJti: 'x', at: at(7002), expiresAt: at(200_000) }), false)
      assert.equal(await store.revokeSession('missing', at(7000), 'logout'), false)
    })

    test('revokeUserSessions revokes the live ones but the exception, and only that user\'s', async () => {
      const u = newUser()
      const other = newUser()
      await store.createUser(u)
      await store.createUser(other)
      const [a, b, c, d] = [newSession(u.id), newSession(u.id), newSession(u.id), newSession(u.id)]
      const foreign = newSession(other.id)
      for (const s of [a!, b!, c!, d!, foreign]) await store.createSession(s)
      await store.revokeSession(d!.id, at(100), 'logout_global')
      const ids = await store.revokeUserSessions(u.id, at(200), 'logout_others', a!.id)
      assert.deepEqual(ids.sort(), [b!.id, c!.id].sort())
      assert.equal((await store.findSession(a!.id))!.revokedAt, null)
      assert.equal((await store.findSession(b!.id))!.revokedReason, 'logout_others')
      assert.equal((await store.findSession(d!.id))!.revokedReason, 'logout_global', 'an already revoked session keeps its reason')
      assert.equal((await store.findSession(foreign.id))!.revokedAt, null)
      assert.deepEqual(await store.revokeUserSessions(u.id, at(300), 'logout_global'), [a!.id])
      assert.deepEqual(await store.revokeUserSessions(u.id, at(400), 'logout_global'), [])
    })

    test('listLiveSessions excludes revoked and expired sessions, newest first', async () => {
      const u = newUser()
      await store.createUser(u)
      const old = newSession(u.id, { createdAt: at(10) })
      const recent = newSession(u.id, { createdAt: at(20) })
      const expired = newSession(u.id, { createdAt: at(30), expiresAt: at(999) })
      const revoked = newSession(u.id, { createdAt: at(40) })
      for (const s of [old, recent, expired, revoked]) await store.createSession(s)
      await store.revokeSession(revoked.id, at(50), 'logout')
      const live = await store.listLiveSessions(u.id, at(1000))
      assert.deepEqual(live.map((s) => s.id), [recent.id, old.id])
      assert.equal(live[0]!.userAgent, 'test-agent')
      assert.deepEqual(await store.listLiveSessions('nobody', at(1000)), [])
    })

    test('pruneSessions deletes sessions expired or revoked before the cut-off', async () => {
      const u = newUser()
      await store.createUser(u)
      const live = newSession(u.id, { expiresAt: at(10_000_000) })
      const expired = newSession(u.id, { expiresAt: at(1_000_000) })
      const revokedLongAgo = newSession(u.id, { expiresAt: at(10_000_000) })
      const revokedRecently = newSession(u.id, { expiresAt: at(10_000_000) })
      for (const s of [live, expired, revokedLongAgo, revokedRecently]) await store.createSession(s)
      await store.revokeSession(revokedLongAgo.id, at(1_000_000), 'logout')
      await store.revokeSession(revokedRecently.id, at(3_000_000), 'logout')
      const n = await store.pruneSessions(at(2_000_000))
      assert.ok(n >= 2, `pruned ${n}`)
      assert.equal(await store.findSession(expired.id), undefined)
      assert.equal(await store.findSession(revokedLongAgo.id), undefined)
      assert.ok((await store.findSession(live.id)) !== undefined)
      assert.ok((await store.findSession(revokedRecently.id)) !== undefined)
      assert.equal(await store.pruneSessions(at(2_000_000)), 0)
    })

    if (name === 'sqlite-file') {
      test('a file database runs in WAL mode with foreign keys on', async () => {
        const db = (store as KyselyStore).db
        // One-column pragma rows; CamelCasePlugin renames the column, so read the value.
        const pragma = async (q: ReturnType<typeof sql>) => Object.values((await q.execute(db)).rows[0] as object)[0]
        assert.equal(await pragma(sql`PRAGMA journal_mode`), 'wal')
        assert.equal(await pragma(sql`PRAGMA foreign_keys`), 1)
      })
    }
  })
}

test('a fresh KyselyStore applies its migrations once', async () => {
  const store = (await createStore({ databaseUrl: 'sqlite::memory:' }))
  try {
    // Every migration the code defines, in order (others append theirs: the list is read, not copied).
    const defined = Object.keys(await migrationProvider(store.dialect).getMigrations()).sort()
    assert.ok(defined.length >= 2 && defined[0] === '0001_users_and_sessions')
    assert.deepEqual(await store.migrate(), defined)
    assert.deepEqual(await store.migrate(), [])
  } finally {
    await store.close()
  }
})

test('an unsupported DATABASE_URL scheme throws ConfigError naming DATABASE_URL', async () => {
  await assert.rejects(
    createStore({ databaseUrl: 'oracle://db.example.com/auth' }),
    (err: unknown) => err instanceof ConfigError && err.variable === 'DATABASE_URL',
  )
})
