// Review: revocation must stay in force when it lands while another request is between a
// store read and a gate write. A session the gate has marked dead must never be made live
// again by a stale store read (learn) or by a rotation that committed just before (admit).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createAuth } from '../../src/core/auth.js'
import type { SessionRecord } from '../../src/core/store.js'
import { Keyring } from '../../src/core/tokens/keyring.js'
import { coreAuth, TEST_SECRET } from '../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

test('a logout landing while an unknown session is being read from the store still kills its tokens', async () => {
  const { auth, store, clock } = coreAuth()
  await auth.accounts.register(ADA)
  const pair = await auth.accounts.login({ email: ADA.email, password: ADA.password })
  // A second service over the same store: its gate has never seen the session (a restart).
  const other = createAuth({ store, keyring: Keyring.of([{ alg: 'HS256', secret: TEST_SECRET }]), clock, argon2: { memoryCost: 1024, timeCost: 1 } })
  const find = store.findSession.bind(store)
  let release!: () => void
  const held = new Promise<void>((resolve) => (release = resolve))
  store.findSession = async (id: string): Promise<SessionRecord | undefined> => {
    const snapshot = await find(id) // read while the session is still live
    await held
    return snapshot
  }
  const inFlight = other.sessions.authenticate(pair.accessToken).then(
    () => 'accepted',
    (err: { code?: string }) => err.code,
  )
  await new Promise((resolve) => setImmediate(resolve))
  assert.equal(await other.sessions.logout(other.verifier.verify(pair.accessToken)), 1)
  release()
  await inFlight
  store.findSession = find
  await assert.rejects(other.sessions.authenticate(pair.accessToken), { code: 'TOKEN_REVOKED' })
})

test('a session revoked right after its refresh rotated stays revoked: the new tokens do not work', async () => {
  const { auth, store } = coreAuth()
  await auth.accounts.register(ADA)
  const pair = await auth.accounts.login({ email: ADA.email, password: ADA.password })
  const rotate = store.rotateRefresh.bind(store)
  store.rotateRefresh = async (r) => {
    const swapped = await rotate(r)
    // An admin disables the user (or a logout lands) between the swap and the gate update.
    await auth.sessions.revoke(r.sessionId, { reason: 'logout' })
    return swapped
  }
  const next = await auth.sessions.refresh(pair.refreshToken).catch((err: { code?: string }) => String(err.code))
  store.rotateRefresh = rotate
  if (typeof next === 'string') {
    assert.equal(next, 'TOKEN_REVOKED')
  } else {
    await assert.rejects(auth.sessions.authenticate(next.accessToken), { code: 'TOKEN_REVOKED' })
    await assert.rejects(auth.sessions.refresh(next.refreshToken), { code: 'TOKEN_REVOKED' })
  }
  await assert.rejects(auth.sessions.authenticate(pair.accessToken), { code: 'TOKEN_REVOKED' })
})
