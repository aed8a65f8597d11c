// The accounts service (auth.accounts) as a host app calls it: login by email or username with
// exactly one of them, lookups normalized like registration, currentUser for a token whose
// account was deleted or disabled, and no answer ever carrying a password hash.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { contextOf } from '../../../src/core/auth.js'
import { coreAuth } from '../../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery', username: 'ada' }

async function setup() {
  const ctx = coreAuth()
  const user = await ctx.auth.accounts.register(ADA)
  return { ...ctx, user }
}

test('register answers the account without its password hash, with the default role', async () => {
  const { user } = await setup()
  assert.deepEqual(Object.keys(user).sort(), ['createdAt', 'disabled', 'email', 'emailVerifiedAt', 'id', 'roles', 'updatedAt', 'username'])
  assert.deepEqual(user.roles, ['user'])
  assert.equal(user.username, 'ada')
})

test('login takes email or username, answers tokens and the account; neither or both is VALIDATION_FAILED', async () => {
  const { auth, user } = await setup()
  const byEmail = await auth.accounts.login({ email: ' ADA@Example.com ', password: ADA.password })
  assert.equal(byEmail.user.id, user.id)
  assert.ok(!('passwordHash' in byEmail.user))
  assert.equal(byEmail.expiresIn, 900)
  const claims = await auth.sessions.authenticate(byEmail.accessToken)
  assert.equal(claims.sid, byEmail.sessionId)
  assert.equal(claims.fresh, true)
  const byName = await auth.accounts.login({ username: 'ADA', password: ADA.password }, { userAgent: 'curl/8', ip: '192.0.2.1' })
  assert.equal(byName.user.id, user.id)
  const [session] = (await auth.sessions.list(user.id)).filter((s) => s.id === byName.sessionId)
  assert.equal(session?.userAgent, 'curl/8')
  assert.equal(session?.ip, '192.0.2.1')
  await assert.rejects(auth.accounts.login({ password: ADA.password }), { code: 'VALIDATION_FAILED' })
  await assert.rejects(auth.accounts.login({ email: ADA.email, username: 'ada', password: ADA.password }), { code: 'VALIDATION_FAILED' })
  await assert.rejects(auth.accounts.login({ email: ADA.email, password: 'wrong password' }), { code: 'INVALID_CREDENTIALS' })
  await assert.rejects(auth.accounts.login({ username: 'nobody', password: ADA.password }), { code: 'INVALID_CREDENTIALS' })
})

test('findUser, findByEmail and findByUsername normalize like registration and answer undefined for no account', async () => {
  const { auth, user } = await setup()
  assert.equal((await auth.accounts.findUser(user.id))?.email, 'ada@example.com')
  assert.equal((await auth.accounts.findByEmail('  Ada@EXAMPLE.com'))?.id, user.id)
  assert.equal((await auth.accounts.findByUsername('ADA'))?.id, user.id)
  for (const found of [await auth.accounts.findUser(user.id), await auth.accounts.findByEmail(ADA.email), await auth.accounts.findByUsername('ada')]) {
    assert.ok(found !== undefined && !('passwordHash' in found))
  }
  assert.equal(await auth.accounts.findUser('no-such-id'), undefined)
  assert.equal(await auth.accounts.findByEmail('bob@example.com'), undefined)
  assert.equal(await auth.accounts.findByUsername('bob'), undefined)
})

test('findUser shows a change made through this Auth at once (the user cache is dropped)', async () => {
  const { auth, user } = await setup()
  assert.equal((await auth.accounts.findUser(user.id))?.username, 'ada')
  await auth.accounts.rename(user.id, 'lovelace')
  assert.equal((await auth.accounts.findUser(user.id))?.username, 'lovelace')
})

test('currentUser: the token\'s account; TOKEN_USER_NOT_FOUND once deleted, TOKEN_REVOKED once disabled', async () => {
  const { auth, user, store } = await setup()
  const { accessToken } = await auth.accounts.login({ email: ADA.email, password: ADA.password })
  const claims = auth.verifier.verify(accessToken)
  assert.equal((await auth.accounts.currentUser(claims)).id, user.id)
  // Disabled behind the service's back (another instance, its event not here yet): the row says so.
  await store.updateUser(user.id, { disabled: true, updatedAt: new Date().toISOString() })
  contextOf(auth).users.invalidate(user.id)
  await assert.rejects(auth.accounts.currentUser(claims), { code: 'TOKEN_REVOKED' })
  await store.deleteUser(user.id)
  contextOf(auth).users.invalidate(user.id)
  await assert.rejects(auth.accounts.currentUser(claims), { code: 'TOKEN_USER_NOT_FOUND' })
})

test('changePassword keeps the named session and ends the others; deleteOwnAccount ends them all', async () => {
  const { auth, user } = await setup()
  const here = await auth.accounts.login({ email: ADA.email, password: ADA.password })
  const there = await auth.accounts.login({ email: ADA.email, password: ADA.password })
  const { revoked } = await auth.accounts.changePassword(user.id, { currentPassword: ADA.password, newPassword: 'a brand new password', keepSessionId: here.sessionId })
  assert.equal(revoked, 1)
  await auth.sessions.authenticate(here.accessToken)
  await assert.rejects(auth.sessions.authenticate(there.accessToken), { code: 'TOKEN_REVOKED' })
  await assert.rejects(auth.accounts.login({ email: ADA.email, password: ADA.password }), { code: 'INVALID_CREDENTIALS' })
  await assert.rejects(auth.accounts.deleteOwnAccount(user.id, ADA.password), { code: 'PASSWORD_INCORRECT' })
  await auth.accounts.deleteOwnAccount(user.id, 'a brand new password')
  await assert.rejects(auth.sessions.authenticate(here.accessToken), { code: 'TOKEN_REVOKED' })
  assert.equal(await auth.accounts.findUser(user.id), undefined)
})
