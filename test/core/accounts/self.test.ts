// Self-service at the core level: password change (current password, other sessions revoked),
// rename (taken names, clearing), own deletion (sessions die with the account), and the
// throttle on password confirmation.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { coreAuth } from '../../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

async function setup() {
  const ctx = coreAuth()
  const user = await ctx.auth.accounts.register({ ...ADA, username: 'ada' })
  const login = (password = ADA.password) => ctx.auth.accounts.login({ email: ADA.email, password })
  return { ...ctx, user, login }
}

test('changePassword checks the current password, keeps this session, revokes the others', async () => {
  const { auth, user, login } = await setup()
  const here = await login()
  const there = await login()
  await assert.rejects(auth.accounts.changePassword(user.id, { currentPassword: 'not the password', newPassword: 'a brand new password', keepSessionId: here.sessionId }), { code: 'PASSWORD_INCORRECT' })
  await auth.sessions.authenticate(there.accessToken) // a wrong password changes nothing
  const { revoked } = await auth.accounts.changePassword(user.id, { currentPassword: ADA.password, newPassword: 'a brand new password', keepSessionId: here.sessionId })
  assert.equal(revoked, 1)
  await auth.sessions.authenticate(here.accessToken)
  await assert.rejects(auth.sessions.authenticate(there.accessToken), { code: 'TOKEN_REVOKED' })
  await assert.rejects(login(), { code: 'INVALID_CREDENTIALS' })
  await login('a brand new password')
})

test('changePassword validates the new password without echoing it', async () => {
  const { auth, user, login } = await setup()
  const here = await login()
  await assert.rejects(auth.accounts.changePassword(user.id, { currentPassword: ADA.password, newPassword: 'short', keepSessionId: here.sessionId }), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'VALIDATION_FAILED')
    assert.ok(!err.message.includes('short'))
    return true
  })
})

test('password confirmation is throttled per user', async () => {
  const { auth, user, clock, login } = await setup()
  const here = await login()
  for (let i = 0; i < 5; i++) {
    await assert.rejects(auth.accounts.changePassword(user.id, { currentPassword: `guess ${i}`, newPassword: 'a brand new password', keepSessionId: here.sessionId }), { code: 'PASSWORD_INCORRECT' })
  }
  await assert.rejects(auth.accounts.changePassword(user.id, { currentPassword: ADA.password, newPassword: 'a brand new password', keepSessionId: here.sessionId }), { code: 'LOGIN_THROTTLED', retryAfter: 60 })
  clock.advance(60_000)
  await auth.accounts.changePassword(user.id, { currentPassword: ADA.password, newPassword: 'a brand new password', keepSessionId: here.sessionId })
})

test('renameUser normalizes, refuses a taken name and can clear the name', async () => {
  const { auth, user } = await setup()
  await auth.accounts.register({ email: 'bob@example.com', password: ADA.password, username: 'bob' })
  assert.equal((await auth.accounts.rename(user.id, 'Ada_Lovelace')).username, 'ada_lovelace')
  await assert.rejects(auth.accounts.rename(user.id, 'BOB'), { code: 'USERNAME_TAKEN' })
  await assert.rejects(auth.accounts.rename(user.id, 'x'), { code: 'VALIDATION_FAILED' })
  assert.equal((await auth.accounts.rename(user.id, null)).username, null)
  await assert.rejects(auth.accounts.rename('no-such-id', 'carol'), { code: 'USER_NOT_FOUND' })
})

test('deleteOwnAccount needs the password; then the account and every session are gone', async () => {
  const { auth, user, store, login } = await setup()
  const a = await login()
  const b = await login()
  await assert.rejects(auth.accounts.deleteOwnAccount(user.id, 'wrong password'), { code: 'PASSWORD_INCORRECT' })
  assert.notEqual(await store.findUserById(user.id), undefined)
  await auth.accounts.deleteOwnAccount(user.id, ADA.password)
  assert.equal(await store.findUserById(user.id), undefined)
  assert.equal(await store.findSession(b.sessionId), undefined)
  await assert.rejects(auth.sessions.authenticate(a.accessToken), { code: 'TOKEN_REVOKED' })
  await assert.rejects(auth.sessions.authenticate(b.accessToken), { code: 'TOKEN_REVOKED' })
  await assert.rejects(auth.sessions.refresh(b.refreshToken), { code: 'TOKEN_REVOKED' })
  await assert.rejects(login(), { code: 'INVALID_CREDENTIALS' })
})
