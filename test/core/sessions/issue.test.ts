// sessions.issue(userId, { ttl }): an operator's token for a user, without a password. It is not
// fresh, lives `ttl` (bounded by the refresh TTL) with its session, and is refused for unknown
// or disabled users with their codes.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { coreAuth } from '../../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

test('issue: a live, not fresh access token of the user, with the roles and a session of its own', async () => {
  const { auth } = coreAuth()
  const user = await auth.accounts.register(ADA)
  const issued = await auth.sessions.issue(user.id)
  assert.equal(issued.expiresIn, auth.issuer.accessTtl)
  assert.equal('refreshToken' in issued, false)
  const claims = await auth.sessions.authenticate(issued.accessToken)
  assert.equal(claims.sub, user.id)
  assert.equal(claims.fresh, false)
  assert.equal(claims.sid, issued.sessionId)
  assert.deepEqual(claims.roles, user.roles)
  assert.deepEqual((await auth.sessions.list(user.id)).map((s) => s.id), [issued.sessionId])
})

test('issue: the ttl sets the token\'s and the session\'s end; past it the token is refused', async () => {
  const { auth, clock } = coreAuth({ accessTtl: 900, refreshTtl: 7200 })
  const user = await auth.accounts.register(ADA)
  const issued = await auth.sessions.issue(user.id, { ttl: 3600, client: { userAgent: 'tokenwarden token issue' } })
  assert.equal(issued.expiresIn, 3600)
  const claims = auth.verifier.verify(issued.accessToken)
  assert.equal(claims.exp - claims.iat, 3600)
  const [session] = await auth.sessions.list(user.id)
  assert.equal(Date.parse(session!.expiresAt), claims.exp * 1000)
  assert.equal(session!.userAgent, 'tokenwarden token issue')
  clock.advance(3601 * 1000 + 60_000) // past the default leeway too
  await assert.rejects(auth.sessions.authenticate(issued.accessToken), { code: 'TOKEN_EXPIRED' })
})

test('issue: revoking the session ends the token at once', async () => {
  const { auth } = coreAuth()
  const user = await auth.accounts.register(ADA)
  const issued = await auth.sessions.issue(user.id)
  assert.equal(await auth.sessions.revoke(issued.sessionId), true)
  await assert.rejects(auth.sessions.authenticate(issued.accessToken), { code: 'TOKEN_REVOKED' })
})

test('issue refuses: unknown user USER_NOT_FOUND, disabled ACCOUNT_DISABLED, a ttl outside 1..refresh TTL a RangeError', async () => {
  const { auth } = coreAuth({ refreshTtl: 7200 })
  await assert.rejects(auth.sessions.issue('no-such-user'), { code: 'USER_NOT_FOUND' })
  const user = await auth.accounts.register(ADA)
  await auth.admin.updateUser(user.id, { disabled: true })
  await assert.rejects(auth.sessions.issue(user.id), { code: 'ACCOUNT_DISABLED' })
  await auth.admin.updateUser(user.id, { disabled: false })
  for (const ttl of [0, -5, 1.5, 7201]) await assert.rejects(auth.sessions.issue(user.id, { ttl }), RangeError)
  assert.equal((await auth.sessions.issue(user.id, { ttl: 7200 })).expiresIn, 7200)
  assert.deepEqual(await auth.sessions.list(user.id).then((s) => s.length), 1)
})
