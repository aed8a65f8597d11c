// Store conformance for values the dialects treat differently: unique violations told apart by
// constraint name (not by text in the value), NUL characters (PostgreSQL refuses them in text),
// LIKE's special characters, times with milliseconds, the widest role list, a no-op update.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Store } from '../../src/core/store.js'
import { at, newSession, newUser, nextId, STORES, storeOptions } from './stores.js'

const NUL = '\u0000'

for (const kind of STORES) {
  describe(`Store values: ${kind.name}`, storeOptions(kind), () => {
    let store: Store
    let cleanup: () => Promise<void>
    before(async () => {
      ;({ store, cleanup } = await kind.make())
      await store.migrate()
    })
    after(async () => cleanup())

    test('unique violations are told apart by constraint, whatever text the value holds', async () => {
      const n = nextId()
      // MySQL names the key after the duplicated value in its message: the value must not decide.
      const a = newUser({ email: `username${n}@x.com`, username: `users_email_key${n}` })
      const b = newUser({ email: `x${n}' for key 'users_username_key@x.com`, username: `email${n}` })
      assert.ok((await store.createUser(a)).ok)
      assert.ok((await store.createUser(b)).ok)
      assert.deepEqual(await store.createUser(newUser({ email: a.email })), { ok: false, conflict: 'email' })
      assert.deepEqual(await store.createUser(newUser({ email: b.email })), { ok: false, conflict: 'email' })
      assert.deepEqual(await store.createUser(newUser({ username: a.username })), { ok: false, conflict: 'username' })
      assert.deepEqual(await store.createUser(newUser({ username: b.username })), { ok: false, conflict: 'username' })
      assert.deepEqual(await store.updateUser(b.id, { username: a.username, updatedAt: at(1) }), { conflict: 'username' })
      assert.equal((await store.findUserById(b.id))?.username, b.username)
    })

    test('lookups holding a NUL character find nothing and do not throw', async () => {
      const u = newUser()
      await store.createUser(u)
      const s = newSession(u.id)
      await store.createSession(s)
      assert.equal(await store.findUserById(`${u.id}${NUL}`), undefined)
      assert.equal(await store.findUserByEmail(`${u.email}${NUL}`), undefined)
      assert.equal(await store.findUserByUsername(`${NUL}${u.username}`), undefined)
      assert.equal(await store.findSession(`${s.id}${NUL}`), undefined)
      assert.deepEqual(await store.listLiveSessions(`${u.id}${NUL}`, at(0)), [])
      assert.deepEqual(await store.listUsers({ q: `${u.email}${NUL}`, limit: 10, offset: 0 }), { users: [], total: 0 })
      assert.equal(await store.rotateRefresh({ sessionId: `${s.id}${NUL}`, fromJti: s.refreshJti, toJti: 'x', at: at(1), expiresAt: at(2) }), false)
      assert.equal(await store.rotateRefresh({ sessionId: s.id, fromJti: `${s.refreshJti}${NUL}`, toJti: 'x', at: at(1), expiresAt: at(2) }), false)
      assert.equal(await store.revokeSession(`${s.id}${NUL}`, at(1), 'logout'), false)
      assert.deepEqual(await store.revokeUserSessions(`${u.id}${NUL}`, at(1), 'logout_global'), [])
      // An exception no session can match leaves the user's sessions to be revoked.
      assert.equal(await store.updateUser(`${u.id}${NUL}`, { disabled: true, updatedAt: at(1) }), undefined)
      assert.equal(await store.deleteUser(`${u.id}${NUL}`), false)
      assert.equal((await store.findSession(s.id))?.revokedAt, null, 'nothing was touched')
      assert.deepEqual(await store.revokeUserSessions(u.id, at(1), 'logout_others', `${s.id}${NUL}`), [s.id])
    })

    test('listUsers: %, _, ! and backslash in q match literally', async () => {
      const tag = `lk${nextId()}`
      const make = (local: string) => newUser({ email: `${tag}${local}@x.com`, username: null })
      const pct = make('100%')
      const pctMiss = make('100x')
      const under = make('a_b')
      const underMiss = make('axb')
      const bang = make('bang!x')
      const bangMiss = make('bangx')
      const slash = make('k\\s')
      const slashMiss = make('ks')
      for (const u of [pct, pctMiss, under, underMiss, bang, bangMiss, slash, slashMiss]) assert.ok((await store.createUser(u)).ok)
      const ids = async (q: string) => (await store.listUsers({ q, limit: 50, offset: 0 })).users.map((u) => u.id)
      assert.deepEqual(await ids(`${tag}100%`), [pct.id])
      assert.deepEqual(await ids(`${tag}a_b`), [under.id])
      assert.deepEqual(await ids(`${tag}bang!x`), [bang.id])
      assert.deepEqual(await ids('g!x'), [bang.id])
      assert.deepEqual(await ids(`${tag}k\\s`), [slash.id])
      assert.deepEqual(await ids('\\'), [slash.id])
      assert.deepEqual(await ids('!'), [bang.id])
      assert.equal((await store.listUsers({ q: `${tag}%`, limit: 50, offset: 0 })).total, 0)
    })

    test('times round-trip exactly, milliseconds included', async () => {
      const u = newUser({ createdAt: '2026-03-04T05:06:07.089Z' })
      await store.createUser(u)
      assert.equal((await store.findUserById(u.id))?.createdAt, '2026-03-04T05:06:07.089Z')
      const updated = await store.updateUser(u.id, { disabled: false, updatedAt: '2026-03-04T05:06:08.001Z' })
      assert.ok(updated !== undefined && !('conflict' in updated))
      assert.equal(updated.updatedAt, '2026-03-04T05:06:08.001Z')
      assert.equal((await store.findUserById(u.id))?.updatedAt, '2026-03-04T05:06:08.001Z')
      const s = newSession(u.id, { createdAt: '2026-03-04T05:06:07.120Z', lastUsedAt: '2026-03-04T05:06:07.999Z', expiresAt: '2026-04-03T05:06:07.001Z' })
      await store.createSession(s)
      assert.deepEqual(await store.findSession(s.id), { ...s, prevRefreshJti: null, rotatedAt: null, revokedAt: null, revokedReason: null })
      assert.ok(await store.rotateRefresh({ sessionId: s.id, fromJti: s.refreshJti, toJti: 'next', at: '2026-03-05T00:00:00.010Z', expiresAt: '2026-04-05T00:00:00.990Z' }))
      assert.ok(await store.revokeSession(s.id, '2026-03-06T23:59:59.999Z', 'logout'))
      const row = await store.findSession(s.id)
      assert.deepEqual(
        [row?.createdAt, row?.lastUsedAt, row?.rotatedAt, row?.expiresAt, row?.revokedAt],
        ['2026-03-04T05:06:07.120Z', '2026-03-05T00:00:00.010Z', '2026-03-05T00:00:00.010Z', '2026-04-05T00:00:00.990Z', '2026-03-06T23:59:59.999Z'],
      )
    })

    test('32 roles of 64 characters are stored and read back', async () => {
      const roles = Array.from({ length: 32 }, (_, i) => `${String(i).padStart(2, '0')}:${'r'.repeat(61)}`)
      assert.ok(roles.every((r) => r.length === 64))
      const u = newUser({ roles })
      assert.ok((await store.createUser(u)).ok)
      assert.deepEqual((await store.findUserById(u.id))?.roles, roles)
      const reversed = [...roles].reverse()
      const updated = await store.updateUser(u.id, { roles: reversed, updatedAt: at(2) })
      assert.ok(updated !== undefined && !('conflict' in updated))
      assert.deepEqual((await store.findUserByEmail(u.email))?.roles, reversed)
    })

    test('an update that changes no column still finds the user', async () => {
      // MySQL counts changed rows unless the client asks for matched ones (CLIENT_FOUND_ROWS).
      const u = newUser()
      await store.createUser(u)
      const patch = { username: u.username, disabled: false, updatedAt: u.createdAt }
      const same = await store.updateUser(u.id, patch)
      assert.ok(same !== undefined && !('conflict' in same), 'the user was found')
      assert.deepEqual(same, { ...u, disabled: false, emailVerifiedAt: null, updatedAt: u.createdAt })
    })
  })
}
