// Two Auth instances over one store, as two servers over one database: each learns the other's
// auth events through the feed; before it does, a stale instance fails closed.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../../../src/core/clock.js'
import { contextOf, createAuth, type Auth } from '../../../src/core/auth.js'
import { AuthError } from '../../../src/core/errors.js'
import type { Store } from '../../../src/core/store.js'
import { Keyring } from '../../../src/core/tokens/keyring.js'
import { MemoryStore } from '../../../src/store/memory.js'
import { TEST_SECRET } from '../../helpers.js'

interface Instance {
  auth: Auth
  /** Monotonic time as this instance's feed sees it. */
  advance(ms: number): void
}

async function instance(store: Store, clock: ManualClock, legacy = false): Promise<Instance> {
  let now = 0
  const auth = createAuth({
    store,
    clock,
    keyring: Keyring.of([{ alg: 'HS256', secret: TEST_SECRET }]),
    argon2: { memoryCost: 1024, timeCost: 1 },
    legacyTokens: legacy ? 'accept' : 'off',
    feed: { pollMs: 100_000, maxLagMs: 1000, now: () => now },
  })
  await auth.start()
  return { auth, advance: (ms) => (now += ms) }
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p
    return 'ok'
  } catch (err) {
    if (err instanceof AuthError) return err.code
    throw err
  }
}

async function twoInstances(store: Store = new MemoryStore()) {
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000)
  const a = await instance(store, clock)
  const b = await instance(store, clock)
  await a.auth.accounts.register({ email: 'ada@example.com', password: 'correct horse battery' })
  const pair = await a.auth.accounts.login({ email: 'ada@example.com', password: 'correct horse battery' })
  // B has seen the session live (answers from memory from now on).
  assert.equal(await code(b.auth.sessions.authenticate(pair.accessToken)), 'ok')
  return { store, clock, a, b, pair }
}

test('a logout on A reaches B through the feed; A refuses at once', async () => {
  const { a, b, pair } = await twoInstances()
  const claims = a.auth.verifier.verify(pair.accessToken)
  await a.auth.sessions.logout(claims)
  assert.equal(await code(a.auth.sessions.authenticate(pair.accessToken)), 'TOKEN_REVOKED')
  // Within the bound, B still answers from memory (this is the window the bound states)...
  assert.equal(await code(b.auth.sessions.authenticate(pair.accessToken)), 'ok')
  // ...and once its feed has read the log, it refuses.
  await b.auth.feed!.sync()
  assert.equal(await code(b.auth.sessions.authenticate(pair.accessToken)), 'TOKEN_REVOKED')
  assert.equal(await code(b.auth.sessions.refresh(pair.refreshToken)), 'TOKEN_REVOKED')
})

test('past the bound without a read of the log, B stops trusting memory and asks the store', async () => {
  const { store, a, b, pair } = await twoInstances()
  await a.auth.sessions.logout(a.auth.verifier.verify(pair.accessToken))
  b.advance(1001) // B's feed has not read for longer than maxLagMs (its poll is far away)
  let findSession = 0
  const original = store.findSession.bind(store)
  store.findSession = async (id) => (findSession++, original(id))
  assert.equal(await code(b.auth.sessions.authenticate(pair.accessToken)), 'TOKEN_REVOKED')
  assert.equal(findSession, 1, 'the store was asked, not memory')
})

test('past the bound with the store down, B answers SERVICE_UNAVAILABLE, never a pass', async () => {
  const { store, b, pair } = await twoInstances()
  b.advance(5000)
  store.findSession = async () => {
    throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
  }
  const err = await b.auth.sessions.authenticate(pair.accessToken).catch((e: unknown) => e)
  assert.ok(err instanceof AuthError)
  assert.equal(err.code, 'SERVICE_UNAVAILABLE')
  assert.equal(err.statusCode, 503)
  assert.equal(err.retryAfter, 1)
})

test('an admin disable on B reaches A: sessions refused, cached user dropped', async () => {
  const { a, b, pair } = await twoInstances()
  const userId = a.auth.verifier.verify(pair.accessToken).sub
  // A caches the user row (GET /auth/me path).
  assert.equal((await contextOf(a.auth).users.get(userId))?.disabled, false)
  await b.auth.admin.updateUser(userId, { disabled: true })
  await a.auth.feed!.sync()
  assert.equal(await code(a.auth.sessions.authenticate(pair.accessToken)), 'TOKEN_REVOKED')
  assert.equal((await contextOf(a.auth).users.get(userId))?.disabled, true, 'the user_updated event dropped the cached row')
})

test('logout of every session (global) on A retires B\'s legacy tokens issued before it', async () => {
  const store = new MemoryStore()
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000)
  const a = await instance(store, clock, true)
  const b = await instance(store, clock, true)
  const user = await a.auth.accounts.register({ email: 'ada@example.com', password: 'correct horse battery' })
  // A token as a Flask app signed it: no sid.
  const legacyToken = b.auth.issuer.issue('access', { sub: user.id }).token
  assert.equal(await code(b.auth.sessions.authenticate(legacyToken)), 'ok')
  clock.advance(1000)
  const pair = await a.auth.accounts.login({ email: 'ada@example.com', password: 'correct horse battery' })
  await a.auth.sessions.logout(a.auth.verifier.verify(pair.accessToken), 'global')
  await b.auth.feed!.sync()
  assert.equal(await code(b.auth.sessions.authenticate(legacyToken)), 'TOKEN_REVOKED')
})

test('a legacy token logged out on A is refused on B', async () => {
  const store = new MemoryStore()
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000)
  const a = await instance(store, clock, true)
  const b = await instance(store, clock, true)
  const user = await a.auth.accounts.register({ email: 'ada@example.com', password: 'correct horse battery' })
  const legacyToken = a.auth.issuer.issue('access', { sub: user.id }).token
  assert.equal(await code(b.auth.sessions.authenticate(legacyToken)), 'ok')
  assert.equal(await a.auth.sessions.logout(a.auth.verifier.verify(legacyToken)), 1)
  await b.auth.feed!.sync()
  assert.equal(await code(b.auth.sessions.authenticate(legacyToken)), 'TOKEN_REVOKED')
})

test('an Auth that was never started trusts its memory (a single instance)', async () => {
  const store = new MemoryStore()
  const auth = createAuth({ store, keyring: Keyring.of([{ alg: 'HS256', secret: TEST_SECRET }]), argon2: { memoryCost: 1024, timeCost: 1 } })
  assert.ok(auth.feed !== undefined)
  await auth.accounts.register({ email: 'ada@example.com', password: 'correct horse battery' })
  const pair = await auth.accounts.login({ email: 'ada@example.com', password: 'correct horse battery' })
  let findSession = 0
  const original = store.findSession.bind(store)
  store.findSession = async (id) => (findSession++, original(id))
  for (let i = 0; i < 3; i++) await auth.sessions.authenticate(pair.accessToken)
  assert.equal(findSession, 0)
})

test('revocations of sessions B never held live are remembered briefly; those it held, until their tokens expire', async () => {
  const { clock, a, b, pair } = await twoInstances()
  const other = await a.auth.accounts.login({ email: 'ada@example.com', password: 'correct horse battery' }) // B never sees it
  await a.auth.sessions.logout(a.auth.verifier.verify(other.accessToken))
  await a.auth.sessions.logout(a.auth.verifier.verify(pair.accessToken))
  await b.auth.feed!.sync()
  assert.equal(contextOf(b.auth).gate.size.dead, 2)
  clock.advance(61_000)
  contextOf(b.auth).gate.prune(clock.now())
  assert.equal(contextOf(b.auth).gate.size.dead, 1, 'the foreign one is forgotten after a minute')
  // Forgotten is not alive: the store still says revoked.
  assert.equal(await code(b.auth.sessions.authenticate(other.accessToken)), 'TOKEN_REVOKED')
  assert.equal(await code(b.auth.sessions.authenticate(pair.accessToken)), 'TOKEN_REVOKED')
})
