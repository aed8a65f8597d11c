// Scheduled pruning: expired and revoked session rows, dead gate entries and quiet throttle
// streaks are dropped, and nothing pruned ever makes a token work again.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryLoginThrottle } from '../../../src/core/accounts/throttle.js'
import { ManualClock } from '../../../src/core/clock.js'
import { coreAuth } from '../../helpers.js'
import { contextOf } from '../../../src/core/auth.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

test('prune drops revoked and expired sessions; their tokens stay refused', async () => {
  const { auth, clock, store } = coreAuth({ refreshTtl: 3600, accessTtl: 600 })
  await auth.accounts.register(ADA)
  const login = () => auth.accounts.login({ email: ADA.email, password: ADA.password })
  const revoked = await login()
  const expiring = await login()
  await auth.sessions.revoke(revoked.sessionId, { reason: 'logout' })
  clock.advance(1000)
  const kept = await login()
  assert.equal(await auth.prune(), 1, 'the revoked row goes')
  assert.equal(await store.findSession(revoked.sessionId), undefined)
  await assert.rejects(auth.sessions.authenticate(revoked.accessToken), { code: 'TOKEN_REVOKED' })
  await assert.rejects(auth.sessions.refresh(revoked.refreshToken), { code: 'TOKEN_REVOKED' })
  // An hour later `expiring` has expired; `kept` (one second younger) too, after one more second.
  clock.advance(3600_000 - 1000 + 1)
  assert.equal(await auth.prune(), 1)
  assert.equal(await store.findSession(expiring.sessionId), undefined)
  assert.notEqual(await store.findSession(kept.sessionId), undefined)
  clock.advance(1000)
  assert.equal(await auth.prune(), 1)
  assert.deepEqual(contextOf(auth).gate.size, { live: 0, dead: 0 })
})

test('prune forgets quiet throttle streaks', async () => {
  const clock = new ManualClock()
  const throttle = new MemoryLoginThrottle({ clock })
  const { auth } = coreAuth({ clock, throttle })
  await assert.rejects(auth.accounts.login({ email: 'nobody@example.com', password: 'wrong password' }), { code: 'INVALID_CREDENTIALS' })
  assert.equal(throttle.size, 1)
  clock.advance(15 * 60_000)
  await auth.prune()
  assert.equal(throttle.size, 0)
})
