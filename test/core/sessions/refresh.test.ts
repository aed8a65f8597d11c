// Refresh rotation with reuse detection (RFC 9700 §4.14.2) at the core level, on a frozen
// clock: rotation, the reuse interval, theft revoking the whole session (and only it), the
// concurrency case, and what a refresh learns from the store (disabled users, new roles).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { contextOf, type Auth } from '../../../src/core/auth.js'
import { AuthError, type ErrorCode } from '../../../src/core/errors.js'
import { coreAuth } from '../../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

async function rejectsWith(p: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<void> {
  await assert.rejects(async () => (typeof p === 'function' ? p() : p), (err: unknown) => err instanceof AuthError && err.code === code)
}

async function setup(options = {}) {
  const ctx = coreAuth(options)
  const user = await ctx.auth.accounts.register(ADA)
  const login = () => ctx.auth.accounts.login({ email: ADA.email, password: ADA.password })
  return { ...ctx, user, login }
}

const jti = (auth: Auth, token: string) => auth.verifier.verify(token).jti

test('login issues fresh access tokens; refresh rotates and issues non-fresh ones', async () => {
  const { auth, login } = await setup()
  const first = await login()
  assert.equal(auth.verifier.verify(first.accessToken, 'access').fresh, true)
  const second = await auth.sessions.refresh(first.refreshToken)
  assert.notEqual(jti(auth, second.refreshToken), jti(auth, first.refreshToken))
  assert.equal(auth.verifier.verify(second.accessToken, 'access').fresh, false)
  assert.equal(second.sessionId, first.sessionId)
  const third = await auth.sessions.refresh(second.refreshToken)
  await auth.sessions.authenticate(third.accessToken, 'access')
})

test('a spent token within the reuse interval continues the same lineage', async () => {
  const { auth, clock, login } = await setup()
  const first = await login()
  const second = await auth.sessions.refresh(first.refreshToken)
  clock.advance(10_000) // exactly REFRESH_REUSE_INTERVAL (10 s): still tolerated
  const retry = await auth.sessions.refresh(first.refreshToken)
  assert.equal(jti(auth, retry.refreshToken), jti(auth, second.refreshToken))
  // Both copies of the lineage's current token remain spendable once, as one token.
  const next = await auth.sessions.refresh(retry.refreshToken)
  await auth.sessions.authenticate(next.accessToken)
})

test('a spent token after the interval is theft: the whole session dies at once, other sessions live', async () => {
  const { auth, clock, login } = await setup()
  const victim = await login()
  const other = await login()
  const newest = await auth.sessions.refresh(victim.refreshToken)
  clock.advance(10_001)
  await rejectsWith(auth.sessions.refresh(victim.refreshToken), 'REFRESH_TOKEN_REUSED')
  // Immediately, with no clock movement: the newest access and refresh tokens are refused.
  await rejectsWith(() => auth.sessions.authenticate(newest.accessToken), 'TOKEN_REVOKED')
  await rejectsWith(auth.sessions.refresh(newest.refreshToken), 'TOKEN_REVOKED')
  const stored = await contextOf(auth).store.findSession(victim.sessionId)
  assert.equal(stored?.revokedReason, 'refresh_token_reused')
  // The user's other session is untouched.
  await auth.sessions.authenticate(other.accessToken)
  await auth.sessions.refresh(other.refreshToken)
})

test('a token two rotations old is theft even inside the interval', async () => {
  const { auth, login } = await setup()
  const first = await login()
  const second = await auth.sessions.refresh(first.refreshToken)
  await auth.sessions.refresh(second.refreshToken)
  await rejectsWith(auth.sessions.refresh(first.refreshToken), 'REFRESH_TOKEN_REUSED')
})

test('REFRESH_REUSE_INTERVAL 0 tolerates no reuse at all', async () => {
  const { auth, clock, login } = await setup({ refreshReuseInterval: 0 })
  const first = await login()
  await auth.sessions.refresh(first.refreshToken)
  clock.advance(1)
  await rejectsWith(auth.sessions.refresh(first.refreshToken), 'REFRESH_TOKEN_REUSED')
})

test('20 parallel refreshes of one token: all succeed, one lineage, the session still works', async () => {
  const { auth, login } = await setup()
  const first = await login()
  const results = await Promise.allSettled(Array.from({ length: 20 }, () => auth.sessions.refresh(first.refreshToken)))
  const ok = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ refreshToken: string; accessToken: string }>).value)
  assert.equal(ok.length, 20, JSON.stringify(results.filter((r) => r.status === 'rejected')))
  const jtis = new Set(ok.map((p) => jti(auth, p.refreshToken)))
  assert.equal(jtis.size, 1)
  const stored = await contextOf(auth).store.findSession(first.sessionId)
  assert.equal(stored?.refreshJti, [...jtis][0])
  assert.equal(stored?.prevRefreshJti, jti(auth, first.refreshToken))
  const next = await auth.sessions.refresh(ok[7]!.refreshToken)
  await auth.sessions.authenticate(next.accessToken)
})

test('refresh picks up roles from the store and refuses a disabled user', async () => {
  const { auth, user, login } = await setup()
  const first = await login()
  await contextOf(auth).store.updateUser(user.id, { roles: ['user', 'editor'], updatedAt: new Date().toISOString() })
  const second = await auth.sessions.refresh(first.refreshToken)
  assert.deepEqual(auth.verifier.verify(second.accessToken).roles, ['user', 'editor'])
  await contextOf(auth).store.updateUser(user.id, { disabled: true, updatedAt: new Date().toISOString() })
  await rejectsWith(auth.sessions.refresh(second.refreshToken), 'TOKEN_REVOKED')
  await rejectsWith(() => auth.sessions.authenticate(second.accessToken), 'TOKEN_REVOKED')
})

test('an access token is not a refresh token', async () => {
  const { auth, login } = await setup()
  const first = await login()
  await rejectsWith(auth.sessions.refresh(first.accessToken), 'TOKEN_TYPE_INVALID')
})
