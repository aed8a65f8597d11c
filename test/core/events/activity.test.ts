// The activity channel: each login, refresh, refused token and password hash is published once,
// where its outcome is decided, with the expected outcome and ids, never an email, a password or
// a token; nothing of it reaches the store's event log; `active` tells publishers whether anyone
// listens; auth.stats() reads the gate, the user cache and the hasher.

import assert from 'node:assert/strict'
import { pbkdf2Sync } from 'node:crypto'
import { test } from 'node:test'
import { contextOf } from '../../../src/core/auth.js'
import { AuthError, type ErrorCode } from '../../../src/core/errors.js'
import { ActivityChannel, type ActivityEvent } from '../../../src/core/events/activity.js'
import { AUTH_EVENT_TYPES } from '../../../src/core/events/types.js'
import { createPasswordHasher } from '../../../src/core/passwords/hash.js'
import { coreAuth } from '../../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

async function setup(options = {}) {
  const ctx = coreAuth(options)
  const user = await ctx.auth.accounts.register(ADA)
  const seen: ActivityEvent[] = []
  ctx.auth.activity.subscribe((e) => seen.push(e))
  /** The events since the last call, hash timings left out unless asked for. */
  const take = (withHashes = false): ActivityEvent[] => seen.splice(0).filter((e) => withHashes || e.type !== 'password_hashed')
  return { ...ctx, user, take }
}

async function rejects(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof AuthError && err.code === code)
}

/** No email, password or token in any event. */
function assertClean(events: readonly ActivityEvent[], ...secrets: string[]): void {
  const text = JSON.stringify(events)
  for (const s of [ADA.email, ADA.password, ...secrets]) assert.ok(!text.includes(s), `an event carries ${s.slice(0, 12)}…`)
}

test('the channel: active only while subscribed, handlers in order, a throwing handler does not stop the others', () => {
  const errors: unknown[] = []
  const channel = new ActivityChannel((err) => errors.push(err))
  assert.equal(channel.active, false)
  const order: string[] = []
  const offA = channel.subscribe(() => {
    order.push('a')
    throw new Error('boom')
  })
  channel.subscribe((e) => order.push(`b:${e.type}`))
  assert.equal(channel.active, true)
  channel.publish({ type: 'token_rejected', code: 'TOKEN_EXPIRED' })
  assert.deepEqual(order, ['a', 'b:token_rejected'])
  assert.equal(errors.length, 1)
  offA()
  channel.publish({ type: 'token_rejected', code: 'TOKEN_EXPIRED' })
  assert.deepEqual(order, ['a', 'b:token_rejected', 'b:token_rejected'])
})

test('login outcomes: success, invalid_credentials (wrong password and unknown account alike), disabled, throttled; one event each', async () => {
  const { auth, user, take } = await setup({ loginMaxFailures: 2 })
  const ok = await auth.accounts.login(ADA)
  assert.deepEqual(take(), [{ type: 'login', outcome: 'success', userId: user.id, sessionId: ok.sessionId }])

  await rejects(auth.accounts.login({ email: ADA.email, password: 'wrong password!' }), 'INVALID_CREDENTIALS')
  await rejects(auth.accounts.login({ email: 'nobody@example.com', password: ADA.password }), 'INVALID_CREDENTIALS')
  // No id for a failed password check: it would tell a real account from an unknown one.
  const failed = { type: 'login', outcome: 'invalid_credentials', userId: undefined, sessionId: undefined }
  assert.deepEqual(take(), [failed, failed])

  // The second failure for ada reaches the limit: the next attempt waits, unchecked.
  await rejects(auth.accounts.login({ email: ADA.email, password: 'wrong again!!' }), 'INVALID_CREDENTIALS')
  await rejects(auth.accounts.login(ADA), 'LOGIN_THROTTLED')
  assert.deepEqual(take(), [failed, { type: 'login', outcome: 'throttled', userId: undefined, sessionId: undefined }])

  const bob = await auth.accounts.register({ email: 'bob@example.com', password: 'another good password' })
  await auth.admin.updateUser(bob.id, { disabled: true })
  take()
  await rejects(auth.accounts.login({ email: 'bob@example.com', password: 'another good password' }), 'ACCOUNT_DISABLED')
  assert.deepEqual(take(), [{ type: 'login', outcome: 'disabled', userId: bob.id, sessionId: undefined }])
  assertClean(take(true), ok.accessToken, ok.refreshToken)
})

test('login: an unexpected failure (the store down) is outcome error', async () => {
  const { auth, store, take } = await setup()
  store.findUserByEmail = async () => {
    throw new Error('connection refused')
  }
  await assert.rejects(auth.accounts.login(ADA), /connection refused/)
  assert.deepEqual(take(), [{ type: 'login', outcome: 'error', userId: undefined, sessionId: undefined }])
})

test('refresh outcomes: rotated, retried, reused, kept, expired, invalid, revoked', async () => {
  const { auth, clock, user, take } = await setup()
  const first = await auth.accounts.login(ADA)
  take()
  const ids = { userId: user.id, sessionId: first.sessionId }

  const second = await auth.sessions.refresh(first.refreshToken)
  await auth.sessions.refresh(first.refreshToken) // again within REFRESH_REUSE_INTERVAL: a retry
  assert.deepEqual(take(), [
    { type: 'refresh', outcome: 'rotated', ...ids },
    { type: 'refresh', outcome: 'retried', ...ids },
  ])

  await auth.sessions.refresh(second.refreshToken, { rotate: false })
  assert.deepEqual(take(), [{ type: 'refresh', outcome: 'kept', ...ids }])

  clock.advance(11_000)
  await rejects(auth.sessions.refresh(first.refreshToken), 'REFRESH_TOKEN_REUSED')
  await rejects(auth.sessions.refresh(second.refreshToken), 'TOKEN_REVOKED') // the reuse ended the session
  assert.deepEqual(take(), [
    { type: 'refresh', outcome: 'reused', ...ids },
    { type: 'refresh', outcome: 'revoked', ...ids },
  ])

  await rejects(auth.sessions.refresh('not.a.token'), 'TOKEN_MALFORMED')
  await rejects(auth.sessions.refresh(first.accessToken), 'TOKEN_TYPE_INVALID')
  const unverified = { userId: undefined, sessionId: undefined }
  assert.deepEqual(take(), [
    { type: 'refresh', outcome: 'invalid', ...unverified },
    { type: 'refresh', outcome: 'invalid', ...unverified },
  ])

  const other = await auth.accounts.login(ADA)
  take()
  clock.advance((auth.issuer.refreshTtl + 1) * 1000)
  await rejects(auth.sessions.refresh(other.refreshToken), 'TOKEN_EXPIRED')
  assert.deepEqual(take(), [{ type: 'refresh', outcome: 'expired', ...unverified }])
  assertClean(take(true), first.refreshToken, second.refreshToken, other.refreshToken)
})

test('authenticate: each refusal is one token_rejected with its code; an accepted token publishes nothing', async () => {
  const { auth, take } = await setup()
  const login = await auth.accounts.login(ADA)
  take()
  await auth.sessions.authenticate(login.accessToken)
  assert.deepEqual(take(), [])
  await rejects(auth.sessions.authenticate('garbage'), 'TOKEN_MALFORMED')
  await rejects(auth.sessions.authenticate(login.refreshToken), 'TOKEN_TYPE_INVALID')
  await auth.sessions.logout(auth.verifier.verify(login.accessToken))
  take()
  await rejects(auth.sessions.authenticate(login.accessToken), 'TOKEN_REVOKED')
  const events = take()
  assert.deepEqual(events, [{ type: 'token_rejected', code: 'TOKEN_REVOKED' }])
  assertClean(events, login.accessToken)
})

test('password hashes are timed by algorithm and operation, only while someone listens', async () => {
  const quiet = new ActivityChannel()
  const hasher = createPasswordHasher({ memoryCost: 1024, timeCost: 1 }, { activity: quiet })
  await hasher.hash('nobody listens yet') // no subscriber: nothing to see, nothing built
  const seen: ActivityEvent[] = []
  quiet.subscribe((e) => seen.push(e))
  const stored = await hasher.hash('correct horse battery')
  await hasher.verify(stored, 'correct horse battery')
  await hasher.verify(stored, 'wrong')
  const salt = 'saltsalt'
  const werkzeug = `pbkdf2:sha256:1000$${salt}$${pbkdf2Sync('hunter22', salt, 1000, 32, 'sha256').toString('hex')}`
  assert.equal((await hasher.verify(werkzeug, 'hunter22')).ok, true)
  assert.deepEqual(
    seen.map((e) => (e.type === 'password_hashed' ? `${e.algorithm}/${e.operation}` : e.type)),
    ['argon2id/hash', 'argon2id/verify', 'argon2id/verify', 'pbkdf2/verify'],
  )
  for (const e of seen) assert.ok(e.type === 'password_hashed' && e.seconds > 0 && e.seconds < 10, JSON.stringify(e))
  assertClean(seen, stored, 'hunter22', werkzeug)
})

test('a login publishes its verify timing through the Auth hasher (a dummy verify for an unknown account too)', async () => {
  const { auth, take } = await setup()
  await auth.accounts.login(ADA)
  await rejects(auth.accounts.login({ email: 'nobody@example.com', password: ADA.password }), 'INVALID_CREDENTIALS')
  const timings = take(true).filter((e) => e.type === 'password_hashed')
  // The dummy hash is made once, at the first unknown account, then verified like a real one.
  assert.deepEqual(
    timings.map((e) => (e.type === 'password_hashed' ? `${e.algorithm}/${e.operation}` : '')),
    ['argon2id/verify', 'argon2id/hash', 'argon2id/verify'],
  )
})

test('activity never reaches the store event log; revocations still do', async () => {
  const { auth, store, take } = await setup()
  const login = await auth.accounts.login(ADA)
  await auth.sessions.refresh(login.refreshToken)
  await rejects(auth.sessions.authenticate('garbage'), 'TOKEN_MALFORMED')
  await auth.sessions.logout(auth.verifier.verify(login.accessToken))
  assert.ok(take(true).length >= 4)
  const logged = await store.events.read(0, 1000)
  assert.ok(logged.length > 0)
  for (const { event } of logged) assert.ok(event !== undefined && AUTH_EVENT_TYPES.includes(event.type), JSON.stringify(event))
  assert.ok(logged.some(({ event }) => event?.type === 'session_revoked' && event.reason === 'logout'))
})

test('stats(): session gate sizes, user cache hits and misses, hashes in flight', async () => {
  const { auth, user } = await setup({ hashMaxConcurrent: 3 })
  const first = await auth.accounts.login(ADA)
  await auth.accounts.login(ADA)
  assert.deepEqual(auth.stats().sessions, { live: 2, dead: 0 })
  await auth.sessions.logout(auth.verifier.verify(first.accessToken))
  assert.deepEqual(auth.stats().sessions, { live: 1, dead: 1 })

  const before = auth.stats().userCache
  await auth.accounts.findUser(user.id) // a miss: read from the store, then kept
  await auth.accounts.findUser(user.id) // a hit
  await auth.accounts.findUser(user.id) // a hit
  const after = auth.stats().userCache
  assert.equal(after.misses - before.misses, 1)
  assert.equal(after.hits - before.hits, 2)
  assert.equal(after.size, 1)

  assert.deepEqual(auth.stats().hashes, { running: 0, queued: 0, max: 3 })
  const { hasher } = contextOf(auth)
  const hashing = ['w', 'x', 'y', 'z'].map((p) => hasher.hash(p))
  // Four started at once against a limit of three: three run, one waits.
  assert.deepEqual(auth.stats().hashes, { running: 3, queued: 1, max: 3 })
  await Promise.all(hashing)
  assert.deepEqual(auth.stats().hashes, { running: 0, queued: 0, max: 3 })
})
