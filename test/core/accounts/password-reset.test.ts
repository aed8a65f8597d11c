// Password reset in core, with a mailer that keeps what it is handed: a forgotten password is
// answered before any work (the same for unknown and known addresses), the link sets a new
// password once and signs out every session, a weak new password leaves the link usable, a newer
// request or a password change invalidates an older link, a reset link expires, and a notice
// is mailed after every change.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Mailer, MailMessage } from '../../../src/core/mail/mailer.js'
import { coreAuth } from '../../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }
const NEW = 'a brand new passphrase'

function setup() {
  const sent: MailMessage[] = []
  const mailer: Mailer = { description: 'memory', send: async (m) => void sent.push(m), async close() {} }
  const ctx = coreAuth({ mail: { mailer, link: (purpose, token) => `https://auth.example.com/console/${purpose}#token=${token}` } })
  const settle = () => new Promise((r) => setTimeout(r, 20))
  /** The reset token in the latest reset message. */
  const resetToken = async (): Promise<string> => {
    await settle()
    const m = [...sent].reverse().find((x) => x.subject.startsWith('Reset'))
    const token = /#token=([A-Za-z0-9_-]{43})/.exec(m?.text ?? '')?.[1]
    assert.ok(token !== undefined, 'a reset message was sent')
    return token
  }
  return { ...ctx, sent, settle, resetToken }
}

test('forgot then reset: the new password works, the old one does not, every session is signed out, a notice is mailed', async () => {
  const { auth, sent, settle, resetToken } = setup()
  const user = await auth.accounts.register(ADA)
  const before = await auth.accounts.login(ADA)
  assert.equal(auth.accounts.forgotPassword('Ada@Example.com '), undefined, 'returns before doing anything')
  const token = await resetToken()
  const reset = sent.find((m) => m.subject.startsWith('Reset'))!
  assert.equal(reset.to, ADA.email)
  assert.ok(reset.text.includes('30 minutes') && reset.text.includes(`/console/password_reset#token=${token}`))

  const { user: after, revoked } = await auth.accounts.resetPassword(token, NEW)
  assert.equal(after.id, user.id)
  assert.equal(revoked, 1)
  assert.notEqual(after.emailVerifiedAt, null, 'the link proved the address')
  await assert.rejects(auth.sessions.authenticate(before.accessToken), { code: 'TOKEN_REVOKED' })
  await assert.rejects(auth.accounts.login(ADA), { code: 'INVALID_CREDENTIALS' })
  assert.equal(typeof (await auth.accounts.login({ ...ADA, password: NEW })).accessToken, 'string')
  await assert.rejects(auth.accounts.resetPassword(token, 'yet another passphrase'), { code: 'PASSWORD_RESET_TOKEN_INVALID' }, 'single use')
  await settle()
  const notice = sent.find((m) => m.subject.includes('was changed'))
  assert.ok(notice !== undefined && notice.to === ADA.email && !notice.text.includes(NEW), 'a notice without the password')
})

test('an unknown or disabled address is sent nothing; a second request within a minute sends nothing more', async () => {
  const { auth, sent, settle, clock } = setup()
  await auth.accounts.register(ADA)
  await settle()
  const base = sent.length // the verification message
  auth.accounts.forgotPassword('nobody@example.com')
  await settle()
  assert.equal(sent.length, base)
  auth.accounts.forgotPassword(ADA.email)
  auth.accounts.forgotPassword(ADA.email)
  await settle()
  assert.equal(sent.length, base + 1)
  clock.advance(61_000)
  const bob = await auth.accounts.register({ email: 'bob@example.com', password: 'another good password' })
  await auth.admin.updateUser(bob.id, { disabled: true })
  await settle()
  const n = sent.length
  auth.accounts.forgotPassword('bob@example.com')
  await settle()
  assert.equal(sent.length, n, 'a disabled account gets no link')
})

test('a weak new password is refused and the link still works; a newer request or a password change invalidates it; it expires', async () => {
  const { auth, clock, resetToken } = setup()
  await auth.accounts.register(ADA)
  auth.accounts.forgotPassword(ADA.email)
  const first = await resetToken()
  await assert.rejects(auth.accounts.resetPassword(first, 'short'), { code: 'VALIDATION_FAILED' })
  await assert.rejects(auth.accounts.resetPassword(first, 'password123'), { code: 'PASSWORD_TOO_WEAK' })
  clock.advance(61_000)
  auth.accounts.forgotPassword(ADA.email)
  const second = await resetToken()
  await assert.rejects(auth.accounts.resetPassword(first, NEW), { code: 'PASSWORD_RESET_TOKEN_INVALID' }, 'replaced by the newer link')

  const user = (await auth.accounts.findByEmail(ADA.email))!
  await auth.accounts.changePassword(user.id, { currentPassword: ADA.password, newPassword: 'changed by the user 1' })
  await assert.rejects(auth.accounts.resetPassword(second, NEW), { code: 'PASSWORD_RESET_TOKEN_INVALID' }, 'a password change voids it')

  clock.advance(61_000)
  auth.accounts.forgotPassword(ADA.email)
  const third = await resetToken()
  clock.advance(30 * 60 * 1000)
  await assert.rejects(auth.accounts.resetPassword(third, NEW), { code: 'PASSWORD_RESET_TOKEN_INVALID' }, 'expired')
  await assert.rejects(auth.accounts.resetPassword('not-a-token', NEW), { code: 'PASSWORD_RESET_TOKEN_INVALID' })
})

test('the database failing behind forgotPassword is published as a failed message, never thrown', async () => {
  const { auth, store, settle } = setup()
  const failures: unknown[] = []
  auth.activity.subscribe((e) => void (e.type === 'mail' && e.outcome === 'failed' && failures.push(e)))
  store.findUserByEmail = async () => {
    throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
  }
  auth.accounts.forgotPassword(ADA.email)
  await settle()
  assert.deepEqual(failures, [{ type: 'mail', kind: 'password_reset', outcome: 'failed', error: 'ECONNREFUSED' }])
})
