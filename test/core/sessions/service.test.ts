// The sessions service (auth.sessions) as a host app calls it: authenticate refuses refresh
// tokens unless asked for them, revoke answers false for a session that is not live or not the
// named user's, revokeAll keeps the one it is told to, list shows no refresh-token state, and
// refresh without rotation keeps the client's one refresh token working.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { coreAuth } from '../../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }
const BOB = { email: 'bob@example.com', password: 'another good password' }

async function setup() {
  const ctx = coreAuth()
  const ada = await ctx.auth.accounts.register(ADA)
  const bob = await ctx.auth.accounts.register(BOB)
  const login = (who = ADA) => ctx.auth.accounts.login(who)
  return { ...ctx, ada, bob, login }
}

test('authenticate takes access tokens by default, refresh tokens only when asked', async () => {
  const { auth, login } = await setup()
  const pair = await login()
  assert.equal((await auth.sessions.authenticate(pair.accessToken)).type, 'access')
  await assert.rejects(auth.sessions.authenticate(pair.refreshToken), { code: 'TOKEN_TYPE_INVALID' })
  assert.equal((await auth.sessions.authenticate(pair.refreshToken, 'refresh')).type, 'refresh')
  await assert.rejects(auth.sessions.authenticate('not.a.token'), { code: 'TOKEN_MALFORMED' })
})

test('revoke ends a live session; false for a dead or unknown one, and for another user\'s when userId is given', async () => {
  const { auth, ada, login } = await setup()
  const mine = await login()
  const theirs = await login(BOB)
  assert.equal(await auth.sessions.revoke(theirs.sessionId, { userId: ada.id }), false, 'not hers to end')
  await auth.sessions.authenticate(theirs.accessToken)
  assert.equal(await auth.sessions.revoke(mine.sessionId, { userId: ada.id }), true)
  await assert.rejects(auth.sessions.authenticate(mine.accessToken), { code: 'TOKEN_REVOKED' })
  assert.equal(await auth.sessions.revoke(mine.sessionId), false, 'already ended')
  assert.equal(await auth.sessions.revoke('no-such-session'), false)
  assert.equal(await auth.sessions.revoke(theirs.sessionId), true)
  await assert.rejects(auth.sessions.refresh(theirs.refreshToken), { code: 'TOKEN_REVOKED' })
})

test('a session past its expiry is not revocable (it is not live)', async () => {
  const { auth, clock, login } = await setup()
  const pair = await login()
  clock.advance(31 * 24 * 3600 * 1000)
  assert.equal(await auth.sessions.revoke(pair.sessionId), false)
})

test('revokeAll ends every session of the user but `except`, and no one else\'s', async () => {
  const { auth, ada, login } = await setup()
  const a = await login()
  const b = await login()
  const c = await login()
  const bob = await login(BOB)
  assert.equal(await auth.sessions.revokeAll(ada.id, { except: b.sessionId }), 2)
  await assert.rejects(auth.sessions.authenticate(a.accessToken), { code: 'TOKEN_REVOKED' })
  await assert.rejects(auth.sessions.authenticate(c.accessToken), { code: 'TOKEN_REVOKED' })
  await auth.sessions.authenticate(b.accessToken)
  await auth.sessions.authenticate(bob.accessToken)
  assert.equal(await auth.sessions.revokeAll(ada.id), 1)
})

test('list answers the live sessions, newest first, with no refresh-token state', async () => {
  const { auth, ada, clock, login } = await setup()
  const first = await login()
  clock.advance(1000)
  const second = await login()
  await auth.sessions.logout(auth.verifier.verify(first.accessToken))
  clock.advance(1000)
  const third = await login()
  const list = await auth.sessions.list(ada.id)
  assert.deepEqual(list.map((s) => s.id), [third.sessionId, second.sessionId])
  assert.deepEqual(Object.keys(list[0]!).sort(), ['createdAt', 'expiresAt', 'id', 'ip', 'lastUsedAt', 'userAgent', 'userId'])
  assert.equal(list[0]!.userId, ada.id)
})

test('refresh with rotate: false keeps the presented refresh token current: it works again and again', async () => {
  const { auth, clock, login } = await setup()
  const pair = await login()
  clock.advance(60_000)
  const one = await auth.sessions.refresh(pair.refreshToken, { rotate: false })
  assert.equal(one.refreshToken, pair.refreshToken)
  assert.equal(one.sessionId, pair.sessionId)
  assert.equal(auth.verifier.verify(one.accessToken).fresh, false)
  await auth.sessions.authenticate(one.accessToken)
  clock.advance(60_000) // far past the reuse interval: not reuse, the token is still the current one
  const two = await auth.sessions.refresh(pair.refreshToken, { rotate: false })
  await auth.sessions.authenticate(two.accessToken)
  assert.notEqual(two.accessToken, one.accessToken)
})

test('refresh with rotate: false still refuses a refresh token the session has spent, and ends the session', async () => {
  const { auth, clock, login } = await setup()
  const pair = await login()
  const rotated = await auth.sessions.refresh(pair.refreshToken) // rotates: pair.refreshToken is spent
  clock.advance(10_001)
  await assert.rejects(auth.sessions.refresh(pair.refreshToken, { rotate: false }), { code: 'REFRESH_TOKEN_REUSED' })
  await assert.rejects(auth.sessions.authenticate(rotated.accessToken), { code: 'TOKEN_REVOKED' })
})

test('refresh with rotate: false on an ended session is TOKEN_REVOKED', async () => {
  const { auth, login } = await setup()
  const pair = await login()
  await auth.sessions.logout(auth.verifier.verify(pair.accessToken))
  await assert.rejects(auth.sessions.refresh(pair.refreshToken, { rotate: false }), { code: 'TOKEN_REVOKED' })
})

test('inspect decodes a token and answers whether it is accepted, and why not, without throwing', async () => {
  const { auth, clock, login } = await setup()
  const pair = await login()
  const live = await auth.sessions.inspect(pair.accessToken)
  assert.equal(live.accepted, true)
  assert.equal(live.sessionLive, true)
  assert.equal(live.code, undefined)
  assert.equal(live.decoded?.claims.sid, pair.sessionId)
  assert.equal(typeof live.decoded?.header.alg, 'string')
  // A refresh token is checked as a refresh token, not refused for its type.
  assert.equal((await auth.sessions.inspect(pair.refreshToken)).accepted, true)

  const [h, p, s] = pair.accessToken.split('.')
  const tampered = await auth.sessions.inspect(`${h}.${p}.${s!.slice(0, -4)}AAAA`)
  assert.deepEqual([tampered.accepted, tampered.code, tampered.sessionLive], [false, 'TOKEN_SIGNATURE_INVALID', undefined])
  assert.equal(tampered.decoded?.claims.sub, live.decoded?.claims.sub, 'still decoded for the reader')

  const garbage = await auth.sessions.inspect('not a token')
  assert.deepEqual([garbage.decoded, garbage.accepted, garbage.code], [undefined, false, 'TOKEN_MALFORMED'])

  await auth.sessions.revoke(pair.sessionId)
  const ended = await auth.sessions.inspect(pair.accessToken)
  assert.deepEqual([ended.accepted, ended.code, ended.sessionLive], [false, 'TOKEN_REVOKED', false])

  const later = await login()
  clock.advance(3600 * 1000)
  assert.equal((await auth.sessions.inspect(later.accessToken)).code, 'TOKEN_EXPIRED')
})
