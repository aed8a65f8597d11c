// TOTP factors and recovery codes on every store: a pending secret is replaced by a new one and
// confirmed once (recording user_updated); a step is used once and never an earlier one, also
// between two instances racing; a recovery code is taken exactly once (two racing callers); the
// factor's removal takes the codes with it and records user_updated; deleting the user takes both.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Store } from '../../src/core/store.js'
import { at, newUser, STORES, storeOptions } from './stores.js'

const hash = (c: string) => c.repeat(64).slice(0, 64)

for (const kind of STORES) {
  describe(`MFA: ${kind.name}`, storeOptions(kind), () => {
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

    async function lastEvent() {
      const head = await store.events!.head()
      return (await store.events!.read(head - 1, 1))[0]?.event
    }

    test('a pending secret: replaced by a new one, confirmed once with its codes, then not replaceable', async () => {
      const u = await user()
      assert.equal(await store.findTotp(u.id), undefined)
      assert.equal(await store.savePendingTotp(u.id, 'AAAA', at(1)), true)
      assert.equal(await store.savePendingTotp(u.id, 'BBBB', at(2)), true)
      assert.deepEqual(await store.findTotp(u.id), { userId: u.id, secret: 'BBBB', confirmedAt: null, lastStep: null, createdAt: at(2) })
      assert.equal(await store.useTotpStep(u.id, 5), false, 'a pending factor logs nobody in')
      assert.equal(await store.confirmTotp(u.id, 1_000_000_007, [hash('a'), hash('b')], at(3)), true)
      assert.deepEqual(await lastEvent(), { type: 'user_updated', userId: u.id })
      assert.deepEqual(await store.findTotp(u.id), { userId: u.id, secret: 'BBBB', confirmedAt: at(3), lastStep: 1_000_000_007, createdAt: at(2) })
      assert.equal(await store.countRecoveryCodes(u.id), 2)
      assert.equal(await store.confirmTotp(u.id, 1_000_000_008, [], at(4)), false, 'confirmed once')
      assert.equal(await store.savePendingTotp(u.id, 'CCCC', at(5)), false, 'a confirmed factor stays')
      assert.equal((await store.findTotp(u.id))?.secret, 'BBBB')
      assert.equal(await store.confirmTotp('nobody', 1, [], at(4)), false)
    })

    test('steps: only a later one is accepted, and of two instances presenting one step exactly one wins', async () => {
      const u = await user()
      await store.savePendingTotp(u.id, 'AAAA', at(1))
      await store.confirmTotp(u.id, 100, [], at(2))
      assert.equal(await store.useTotpStep(u.id, 100), false, 'the confirming step')
      assert.equal(await store.useTotpStep(u.id, 99), false, 'an earlier step')
      assert.equal(await store.useTotpStep(u.id, 101), true)
      assert.equal(await store.useTotpStep(u.id, 101), false, 'replay')
      const other = await twin()
      for (let step = 102; step < 107; step++) {
        const won = await Promise.all([store.useTotpStep(u.id, step), other.useTotpStep(u.id, step)])
        assert.equal(won.filter(Boolean).length, 1, `step ${step}: ${JSON.stringify(won)}`)
      }
      assert.equal((await store.findTotp(u.id))?.lastStep, 106)
    })

    test('a recovery code is taken exactly once, also by two racing callers', async () => {
      const u = await user()
      const codes = ['a', 'b', 'c', 'd', 'e', 'f'].map(hash)
      await store.savePendingTotp(u.id, 'AAAA', at(1))
      await store.confirmTotp(u.id, 1, codes, at(2))
      assert.equal(await store.consumeRecoveryCode(u.id, codes[0]!), true)
      assert.equal(await store.consumeRecoveryCode(u.id, codes[0]!), false)
      assert.equal(await store.consumeRecoveryCode(u.id, hash('z')), false)
      const other = await twin()
      const v = await user()
      assert.equal(await store.consumeRecoveryCode(v.id, codes[1]!), false, "another user's code")
      for (const code of codes.slice(1)) {
        const got = await Promise.all([store.consumeRecoveryCode(u.id, code), other.consumeRecoveryCode(u.id, code)])
        assert.equal(got.filter(Boolean).length, 1, JSON.stringify(got))
      }
      assert.equal(await store.countRecoveryCodes(u.id), 0)
    })

    test('deleteTotp removes the factor and its codes and records user_updated; deleting the user removes both', async () => {
      const u = await user()
      assert.equal(await store.deleteTotp(u.id), false)
      await store.savePendingTotp(u.id, 'AAAA', at(1))
      await store.confirmTotp(u.id, 1, [hash('a')], at(2))
      assert.equal(await store.deleteTotp(u.id), true)
      assert.deepEqual(await lastEvent(), { type: 'user_updated', userId: u.id })
      assert.equal(await store.findTotp(u.id), undefined)
      assert.equal(await store.countRecoveryCodes(u.id), 0)
      assert.equal(await store.consumeRecoveryCode(u.id, hash('a')), false)
      const w = await user()
      await store.savePendingTotp(w.id, 'AAAA', at(1))
      await store.confirmTotp(w.id, 1, [hash('a')], at(2))
      assert.equal(await store.deleteUser(w.id), true)
      assert.equal(await store.findTotp(w.id), undefined)
      assert.equal(await store.countRecoveryCodes(w.id), 0)
      assert.ok((await store.createUser({ ...newUser(), id: w.id })).ok, 'the id is free again')
      assert.equal(await store.findTotp(w.id), undefined)
    })

    test('ids holding NUL find nothing', async () => {
      assert.equal(await store.findTotp('a\u0000'), undefined)
      assert.equal(await store.useTotpStep('a\u0000', 1), false)
      assert.equal(await store.consumeRecoveryCode('a\u0000', hash('a')), false)
      assert.equal(await store.deleteTotp('a\u0000'), false)
    })
  })
}
