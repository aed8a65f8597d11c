// Single-use account tokens and the verified-email time, on every store: a token is taken once
// (and by exactly one of two racing callers), a newer one of the same purpose replaces the older,
// an expired one is refused (and gone), deleting the user deletes them; emailVerifiedAt is null
// at first, set and cleared by updateUser, and comes back exactly as written.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { AccountTokenRecord, Store } from '../../src/core/store.js'
import { at, newSession, newUser, STORES, storeOptions } from './stores.js'

let n = 0
function token(userId: string, over: Partial<AccountTokenRecord> = {}): AccountTokenRecord {
  n++
  return { tokenHash: `${n}`.padStart(64, 'a'), userId, purpose: 'verify_email', email: `user@example.com`, createdAt: at(10), expiresAt: at(1000), ...over }
}

for (const kind of STORES) {
  describe(`Account tokens: ${kind.name}`, storeOptions(kind), () => {
    let store: Store
    let cleanup: () => Promise<void>
    let twin: () => Promise<Store>
    before(async () => {
      ;({ store, cleanup, twin } = await kind.make())
      await store.migrate()
    })
    after(async () => cleanup())

    async function user() {
      const u = newUser()
      assert.ok((await store.createUser(u)).ok)
      return u
    }

    test('a token is taken once, with what was stored', async () => {
      const u = await user()
      const t = token(u.id, { email: u.email })
      await store.issueAccountToken(t)
      assert.deepEqual(await store.consumeAccountToken(t.tokenHash, 'verify_email', at(500)), t)
      assert.equal(await store.consumeAccountToken(t.tokenHash, 'verify_email', at(500)), undefined, 'used')
      assert.equal(await store.consumeAccountToken('f'.repeat(64), 'verify_email', at(500)), undefined, 'unknown')
      assert.equal(await store.consumeAccountToken('nul\u0000', 'verify_email', at(500)), undefined)
    })

    test('a newer token of the same purpose replaces the older one', async () => {
      const u = await user()
      const first = token(u.id)
      const second = token(u.id, { createdAt: at(20), expiresAt: at(2000) })
      await store.issueAccountToken(first)
      await store.issueAccountToken(second)
      assert.equal(await store.consumeAccountToken(first.tokenHash, 'verify_email', at(500)), undefined, 'replaced')
      assert.deepEqual(await store.consumeAccountToken(second.tokenHash, 'verify_email', at(500)), second)
    })

    test('findAccountToken: a user\'s stored token of a purpose, whichever instance stored it; none once taken', async () => {
      const u = await user()
      const t = token(u.id, { createdAt: at(30) })
      assert.equal(await store.findAccountToken!(u.id, 'verify_email'), undefined)
      await store.issueAccountToken(t)
      assert.deepEqual(await (await twin()).findAccountToken!(u.id, 'verify_email'), t)
      assert.equal(await store.findAccountToken!(u.id, 'password_reset'), undefined, 'another purpose')
      assert.equal(await store.findAccountToken!('nul\u0000', 'verify_email'), undefined)
      await store.consumeAccountToken(t.tokenHash, 'verify_email', at(40))
      assert.equal(await store.findAccountToken!(u.id, 'verify_email'), undefined, 'taken')
    })

    test('an expired token is refused, and gone', async () => {
      const u = await user()
      const t = token(u.id, { expiresAt: at(100) })
      await store.issueAccountToken(t)
      assert.equal(await store.consumeAccountToken(t.tokenHash, 'verify_email', at(100)), undefined, 'expired at its expiry')
      await store.issueAccountToken({ ...t, expiresAt: at(1000) })
      assert.ok(await store.consumeAccountToken(t.tokenHash, 'verify_email', at(100)), 'a fresh issue of the same hash works')
    })

    test('deleteAccountTokens by purpose or all, and deleting the user deletes them', async () => {
      const u = await user()
      await store.issueAccountToken(token(u.id))
      assert.equal(await store.deleteAccountTokens(u.id, 'verify_email'), 1)
      assert.equal(await store.deleteAccountTokens(u.id), 0)
      const t = token(u.id)
      await store.issueAccountToken(t)
      await store.createSession(newSession(u.id))
      assert.equal(await store.deleteUser(u.id), true)
      assert.equal(await store.consumeAccountToken(t.tokenHash, 'verify_email', at(500)), undefined)
      // The user is gone with the token: a new account can be created with the same id's row free.
      assert.equal(await store.deleteAccountTokens(u.id), 0)
    })

    test('two callers racing for one token: exactly one gets it', async () => {
      const u = await user()
      const other = await twin()
      for (let i = 0; i < 5; i++) {
        const t = token(u.id)
        await store.issueAccountToken(t)
        const got = await Promise.all([store.consumeAccountToken(t.tokenHash, 'verify_email', at(500)), other.consumeAccountToken(t.tokenHash, 'verify_email', at(500))])
        assert.equal(got.filter((g) => g !== undefined).length, 1, `round ${i}: ${JSON.stringify(got.map(Boolean))}`)
      }
    })

    test('emailVerifiedAt: null at first, set and cleared by updateUser, exact on read', async () => {
      const u = await user()
      assert.equal((await store.findUserById(u.id))?.emailVerifiedAt, null)
      const when = '2026-03-04T05:06:07.089Z'
      const set = await store.updateUser(u.id, { emailVerifiedAt: when, updatedAt: at(30) })
      assert.ok(set !== undefined && !('conflict' in set) && set.emailVerifiedAt === when)
      assert.equal((await store.findUserByEmail(u.email))?.emailVerifiedAt, when)
      assert.equal((await store.listUsers({ q: u.email, limit: 5, offset: 0 })).users[0]?.emailVerifiedAt, when)
      await store.updateUser(u.id, { emailVerifiedAt: null, updatedAt: at(31) })
      assert.equal((await store.findUserById(u.id))?.emailVerifiedAt, null)
      const verified = newUser({ emailVerifiedAt: when })
      const created = await store.createUser(verified)
      assert.ok(created.ok && created.user.emailVerifiedAt === when)
      assert.equal((await store.findUserById(verified.id))?.emailVerifiedAt, when)
    })
  })
}
