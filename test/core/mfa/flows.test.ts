// Two-factor login in core, on an injected clock: enrollment (pending until a first code,
// restartable), the password step's mfa_token, the second step (amr, replay refused, a wrong code
// keeping the token, throttled per account), recovery codes used once, the mfa_token used once
// (also by two racing requests), amr kept by refresh, disable with a code, the admin's reset,
// MFA_REQUIRED_ROLES in the login answer, and `login` refusing an account it cannot finish.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { totpCode } from '../../../src/core/mfa/totp.js'
import { coreAuth } from '../../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

async function enrolled(options: Parameters<typeof coreAuth>[0] = {}) {
  const t = coreAuth(options)
  const user = await t.auth.accounts.register(ADA)
  const { secret, uri, qrSvg } = await t.auth.accounts.startTotp(user.id)
  assert.ok(uri.startsWith('otpauth://totp/') && uri.includes(`secret=${secret}`))
  assert.ok(qrSvg.startsWith('<svg'))
  const { recoveryCodes } = await t.auth.accounts.confirmTotp(user.id, totpCode(secret, t.clock.now()))
  // The confirming code's step is spent: move to the next one.
  t.clock.advance(30_000)
  const code = () => totpCode(secret, t.clock.now())
  const challenge = async () => {
    const r = await t.auth.accounts.signIn(ADA)
    assert.equal(r.mfaRequired, true)
    return r.mfaRequired ? r.mfaToken : ''
  }
  return { ...t, user, secret, recoveryCodes, code, challenge }
}

test('enrollment: nothing changes until confirmed; restarting replaces the pending secret; a wrong first code is refused', async () => {
  const { auth, clock } = coreAuth()
  const user = await auth.accounts.register(ADA)
  await assert.rejects(auth.accounts.confirmTotp(user.id, '123456'), { code: 'MFA_ENROLLMENT_NOT_STARTED' })
  const first = await auth.accounts.startTotp(user.id)
  assert.deepEqual(await auth.accounts.mfaStatus(user.id), { enabled: false, pending: true, recoveryCodesLeft: 0, required: false })
  const plain = await auth.accounts.signIn(ADA)
  assert.equal(plain.mfaRequired, false, 'a pending factor is not asked for')
  const second = await auth.accounts.startTotp(user.id)
  assert.notEqual(second.secret, first.secret)
  await assert.rejects(auth.accounts.confirmTotp(user.id, totpCode(first.secret, clock.now())), { code: 'MFA_CODE_INVALID' }, 'the replaced secret')
  const { recoveryCodes } = await auth.accounts.confirmTotp(user.id, totpCode(second.secret, clock.now()))
  assert.equal(recoveryCodes.length, 10)
  assert.deepEqual(await auth.accounts.mfaStatus(user.id), { enabled: true, pending: false, recoveryCodesLeft: 10, required: false })
  await assert.rejects(auth.accounts.startTotp(user.id), { code: 'MFA_ALREADY_ENABLED' })
  await assert.rejects(auth.accounts.confirmTotp(user.id, totpCode(second.secret, clock.now())), { code: 'MFA_ALREADY_ENABLED' })
})

test('login: the password step gives an mfa_token and no session; a code opens one with amr pwd, otp, mfa, which a refresh keeps', async () => {
  const { auth, code, challenge } = await enrolled()
  const token = await challenge()
  const done = await auth.accounts.completeSignIn(token, { code: code() })
  const claims = auth.verifier.verify(done.accessToken)
  assert.deepEqual(claims.amr, ['pwd', 'otp', 'mfa'])
  const refreshed = await auth.sessions.refresh(done.refreshToken)
  assert.deepEqual(auth.verifier.verify(refreshed.accessToken).amr, ['pwd', 'otp', 'mfa'])
  const again = await auth.sessions.refresh(refreshed.refreshToken, { rotate: false })
  assert.deepEqual(auth.verifier.verify(again.accessToken).amr, ['pwd', 'otp', 'mfa'])
  await assert.rejects(auth.accounts.completeSignIn(token, { code: code() }), { code: 'MFA_TOKEN_INVALID' }, 'single use')
})

test('a code is good once: the same code at a new login is refused (replay), the next step works; drift of one step is accepted', async () => {
  const { auth, clock, secret, code, challenge } = await enrolled()
  const used = code()
  await auth.accounts.completeSignIn(await challenge(), { code: used })
  const token = await challenge()
  await assert.rejects(auth.accounts.completeSignIn(token, { code: used }), { code: 'MFA_CODE_INVALID' })
  // A code from the step before the one used last is older still: refused.
  await assert.rejects(auth.accounts.completeSignIn(token, { code: totpCode(secret, clock.now() - 30_000) }), { code: 'MFA_CODE_INVALID' })
  clock.advance(30_000)
  // The phone one step behind: still accepted (RFC 6238 §5.2), the token survived the wrong codes.
  await auth.accounts.completeSignIn(token, { code: totpCode(secret, clock.now() + 30_000) })
})

test('a wrong code keeps the mfa_token until it expires (5 minutes)', async () => {
  const { auth, clock, code, challenge } = await enrolled()
  const token = await challenge()
  await assert.rejects(auth.accounts.completeSignIn(token, { code: '000000' === code() ? '111111' : '000000' }), { code: 'MFA_CODE_INVALID' })
  await assert.rejects(auth.accounts.completeSignIn(token, { recoveryCode: 'aaaaa-aaaaa' }), { code: 'MFA_CODE_INVALID' })
  clock.advance(301_000)
  await assert.rejects(auth.accounts.completeSignIn(token, { code: code() }), { code: 'MFA_TOKEN_INVALID' })
  await assert.rejects(auth.accounts.completeSignIn('not-a-token', { code: code() }), { code: 'MFA_TOKEN_INVALID' })
})

test('wrong codes count on the account: past the allowed failures the second step is LOGIN_THROTTLED, even with the right code', async () => {
  const { auth, code, challenge } = await enrolled({ loginMaxFailures: 3 })
  const wrong = code() === '000000' ? '111111' : '000000'
  let token = await challenge()
  for (let i = 0; i < 3; i++) await assert.rejects(auth.accounts.completeSignIn(token, { code: wrong }), { code: 'MFA_CODE_INVALID' })
  // A new password login does not reset the count of codes.
  token = await challenge()
  const err = await auth.accounts.completeSignIn(token, { code: code() }).catch((e: unknown) => e)
  assert.equal((err as { code?: string }).code, 'LOGIN_THROTTLED')
  assert.ok(((err as { retryAfter?: number }).retryAfter ?? 0) > 0)
})

test('recovery codes: each works once, gives amr pwd, mfa, and is read without case or dashes', async () => {
  const { auth, user, recoveryCodes, challenge } = await enrolled()
  const [first] = recoveryCodes
  const done = await auth.accounts.completeSignIn(await challenge(), { recoveryCode: first!.toUpperCase().replace('-', '') })
  assert.deepEqual(auth.verifier.verify(done.accessToken).amr, ['pwd', 'mfa'])
  await assert.rejects(auth.accounts.completeSignIn(await challenge(), { recoveryCode: first! }), { code: 'MFA_CODE_INVALID' })
  assert.equal((await auth.accounts.mfaStatus(user.id)).recoveryCodesLeft, 9)
})

test('two racing uses of one mfa_token: exactly one opens a session', async () => {
  const { auth, code, recoveryCodes, challenge } = await enrolled()
  const token = await challenge()
  const results = await Promise.allSettled([auth.accounts.completeSignIn(token, { code: code() }), auth.accounts.completeSignIn(token, { recoveryCode: recoveryCodes[0]! })])
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
  const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
  assert.equal(refused.reason.code, 'MFA_TOKEN_INVALID')
})

test('accounts.login refuses an account with two-factor on (MFA_REQUIRED) rather than skipping the code', async () => {
  const { auth } = await enrolled()
  await assert.rejects(auth.accounts.login(ADA), { code: 'MFA_REQUIRED' })
})

test('disable needs a right code; after it, a password alone logs in again with amr pwd', async () => {
  const { auth, user, code } = await enrolled()
  await assert.rejects(auth.accounts.disableTotp(user.id, { code: code() === '000000' ? '111111' : '000000' }), { code: 'MFA_CODE_INVALID' })
  await auth.accounts.disableTotp(user.id, { code: code() })
  await assert.rejects(auth.accounts.disableTotp(user.id, { code: code() }), { code: 'MFA_NOT_ENABLED' })
  const r = await auth.accounts.signIn(ADA)
  assert.equal(r.mfaRequired, false)
  if (!r.mfaRequired) assert.deepEqual(auth.verifier.verify(r.accessToken).amr, ['pwd'])
})

test("an admin's reset removes the factor and ends every session of the user", async () => {
  const { auth, user, code, challenge } = await enrolled()
  const session = await auth.accounts.completeSignIn(await challenge(), { code: code() })
  assert.deepEqual(await auth.admin.resetMfa(user.id), { revoked: 1 })
  await assert.rejects(auth.sessions.authenticate(session.accessToken), { code: 'TOKEN_REVOKED' })
  assert.equal((await auth.admin.mfaStatus(user.id)).enabled, false)
  assert.equal((await auth.accounts.signIn(ADA)).mfaRequired, false)
  await assert.rejects(auth.admin.resetMfa(user.id), { code: 'MFA_NOT_ENABLED' })
})

test('MFA_REQUIRED_ROLES: a holder without a factor is told to enroll; others are not', async () => {
  const { auth } = coreAuth({ mfaRequiredRoles: ['admin'] })
  await auth.accounts.register({ ...ADA, roles: ['user', 'admin'] })
  await auth.accounts.register({ email: 'bob@example.com', password: ADA.password })
  const admin = await auth.accounts.signIn(ADA)
  assert.ok(!admin.mfaRequired && admin.mfaEnrollmentRequired)
  const bob = await auth.accounts.signIn({ email: 'bob@example.com', password: ADA.password })
  assert.ok(!bob.mfaRequired && !bob.mfaEnrollmentRequired)
  assert.equal((await auth.accounts.mfaStatus(admin.user.id)).required, true)
})

test('a disabled account cannot finish its second step', async () => {
  const { auth, user, code, challenge } = await enrolled()
  const token = await challenge()
  await auth.admin.updateUser(user.id, { disabled: true })
  await assert.rejects(auth.accounts.completeSignIn(token, { code: code() }), { code: 'ACCOUNT_DISABLED' })
})
