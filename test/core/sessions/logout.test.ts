// Logout scopes and the gate's immediate invalidation, at the core level: local, global and
// others; a revoked session's tokens fail on the very next check, answered from memory.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { contextOf, createAuth } from '../../../src/core/auth.js'
import { AuthError } from '../../../src/core/errors.js'
import { Keyring } from '../../../src/core/tokens/keyring.js'
import { coreAuth, TEST_SECRET } from '../../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

async function threeSessions() {
  const ctx = coreAuth()
  await ctx.auth.accounts.register(ADA)
  await ctx.auth.accounts.register({ email: 'bob@example.com', password: ADA.password })
  const login = (email = ADA.email) => ctx.auth.accounts.login({ email, password: ADA.password })
  const [a, b, c, bob] = [await login(), await login(), await login(), await login('bob@example.com')]
  const alive = async (token: string) =>
    ctx.auth.sessions.authenticate(token).then(
      () => true,
      (err: unknown) => {
        if (err instanceof AuthError && err.code === 'TOKEN_REVOKED') return false
        throw err
      },
    )
  return { ...ctx, a, b, c, bob, alive }
}

test('local (the default) ends only this session', async () => {
  const { auth, a, b, c, bob, alive } = await threeSessions()
  assert.equal(await auth.sessions.logout(auth.verifier.verify(a.accessToken)), 1)
  assert.deepEqual([await alive(a.accessToken), await alive(b.accessToken), await alive(c.accessToken), await alive(bob.accessToken)], [false, true, true, true])
})

test('global ends every session of the user, and no one else\'s', async () => {
  const { auth, a, b, c, bob, alive } = await threeSessions()
  assert.equal(await auth.sessions.logout(auth.verifier.verify(b.accessToken), 'global'), 3)
  assert.deepEqual([await alive(a.accessToken), await alive(b.accessToken), await alive(c.accessToken), await alive(bob.accessToken)], [false, false, false, true])
  await assert.rejects(auth.sessions.refresh(c.refreshToken), { code: 'TOKEN_REVOKED' })
})

test('others ends every session but this one', async () => {
  const { auth, a, b, c, bob, alive } = await threeSessions()
  assert.equal(await auth.sessions.logout(auth.verifier.verify(b.accessToken), 'others'), 2)
  assert.deepEqual([await alive(a.accessToken), await alive(b.accessToken), await alive(c.accessToken), await alive(bob.accessToken)], [false, true, false, true])
})

test('revocation is answered from memory: checkSession throws synchronously, no store read', async () => {
  const { auth, a, store } = await threeSessions()
  const claims = auth.verifier.verify(a.accessToken)
  assert.equal(auth.sessions.check(claims), undefined, 'a live session known to the gate is answered synchronously')
  await auth.sessions.revoke(a.sessionId, { reason: 'admin_revoked' })
  let reads = 0
  const find = store.findSession.bind(store)
  store.findSession = async (id) => {
    reads++
    return find(id)
  }
  assert.throws(() => auth.sessions.check(claims), { code: 'TOKEN_REVOKED' })
  assert.equal(reads, 0)
})

test('a session this process never saw is learned from the store once', async () => {
  const { auth, a, store } = await threeSessions()
  // A second service over the same store: its gate starts empty (another instance).
  const other = createAuth({ store, keyring: Keyring.of([{ alg: 'HS256', secret: TEST_SECRET }]), clock: auth.clock, argon2: { memoryCost: 1024, timeCost: 1 } })
  const claims = other.verifier.verify(a.accessToken)
  const first = other.sessions.check(claims)
  assert.ok(first instanceof Promise)
  await first
  assert.equal(other.sessions.check(claims), undefined)
  await auth.sessions.revoke(a.sessionId, { reason: 'admin_revoked' })
  // The other instance still believes it live until a fan-out tells it (store/redis).
  assert.equal(other.sessions.check(claims), undefined)
  contextOf(other).gate.revoke(a.sessionId, Date.now() + 60_000)
  assert.throws(() => other.sessions.check(claims), { code: 'TOKEN_REVOKED' })
})
