// Email verification in core, with a mailer that keeps what it is handed: registering mails a
// single-use link (only its hash stored), following it verifies the address once, a newer link
// replaces an older one, an expired or altered link is refused, the claim and the user view
// follow, requireEmailVerification refuses the right password of an unverified account (and only
// after the password check), and a resend answers alike for every address.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { accountTokenHash } from '../../../src/core/accounts/mailed-links.js'
import type { Mailer, MailMessage } from '../../../src/core/mail/mailer.js'
import { coreAuth } from '../../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

function setup(options: { requireEmailVerification?: boolean; failing?: boolean } = {}) {
  const sent: MailMessage[] = []
  const mailer: Mailer = {
    description: 'memory',
    async send(m) {
      if (options.failing === true) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
      sent.push(m)
    },
    async close() {},
  }
  const ctx = coreAuth({ mail: { mailer, appName: 'Acme', link: (_purpose, token) => `https://auth.example.com/console/verify-email#token=${token}` }, ...options })
  /** The token in the latest message (waits for the background send). */
  const lastToken = async (): Promise<string> => {
    for (let i = 0; i < 50 && sent.length === 0; i++) await new Promise((r) => setTimeout(r, 5))
    const m = /#token=([A-Za-z0-9_-]{43})/.exec(sent.at(-1)?.text ?? '')
    assert.ok(m, 'a message with a link was sent')
    return m[1]!
  }
  return { ...ctx, sent, lastToken }
}

test('register mails a link; following it verifies the address once; the claim and the view follow', async () => {
  const { auth, sent, lastToken, store } = setup()
  const user = await auth.accounts.register(ADA)
  assert.equal(user.emailVerifiedAt, null)
  const token = await lastToken()
  assert.equal(sent.length, 1)
  assert.equal(sent[0]!.to, ADA.email)
  assert.equal(sent[0]!.subject, 'Confirm your email address for Acme')
  assert.ok(sent[0]!.html.includes(`#token=${token}`))
  assert.ok(sent[0]!.text.includes('24 hours'))
  // Only the hash is stored.
  const stored = JSON.stringify(await store.consumeAccountToken(accountTokenHash(token), 'verify_email', new Date(0).toISOString()))
  assert.ok(!stored.includes(token) && stored.includes(accountTokenHash(token)))
  await auth.accounts.resendVerification(ADA.email) // within the resend interval: nothing sent
  assert.equal(sent.length, 1)
})

test('verifyEmail: verified once; a used, altered, malformed or replaced token is VERIFICATION_TOKEN_INVALID', async () => {
  const { auth, clock, sent, lastToken } = setup()
  const user = await auth.accounts.register(ADA)
  const first = await lastToken()
  const before = (await auth.accounts.login(ADA)).accessToken
  assert.equal((await auth.sessions.authenticate(before)).email_verified, false)

  clock.advance(61_000)
  await auth.accounts.resendVerification('  ADA@example.com ')
  assert.equal(sent.length, 2, 'a resend after the interval sends a new link')
  const second = await lastToken()
  assert.notEqual(first, second)
  await assert.rejects(auth.accounts.verifyEmail(first), { code: 'VERIFICATION_TOKEN_INVALID' }, 'replaced by the newer one')
  await assert.rejects(auth.accounts.verifyEmail(second.slice(0, -1) + (second.endsWith('A') ? 'B' : 'A')), { code: 'VERIFICATION_TOKEN_INVALID' })
  await assert.rejects(auth.accounts.verifyEmail('short'), { code: 'VERIFICATION_TOKEN_INVALID' })
  const verified = await auth.accounts.verifyEmail(second)
  assert.equal(verified.id, user.id)
  assert.equal(verified.emailVerifiedAt, new Date(clock.now()).toISOString())
  await assert.rejects(auth.accounts.verifyEmail(second), { code: 'VERIFICATION_TOKEN_INVALID' }, 'single use')
  assert.equal((await auth.accounts.findUser(user.id))?.emailVerifiedAt, verified.emailVerifiedAt)
  const after = (await auth.accounts.login(ADA)).accessToken
  assert.equal((await auth.sessions.authenticate(after)).email_verified, true)
  clock.advance(61_000)
  await auth.accounts.resendVerification(ADA.email)
  assert.equal(sent.length, 2, 'a verified address is sent nothing')
})

test('a link past EMAIL_VERIFY_TTL is refused', async () => {
  const { auth, clock, lastToken } = setup()
  await auth.accounts.register(ADA)
  const token = await lastToken()
  clock.advance(24 * 3600 * 1000)
  await assert.rejects(auth.accounts.verifyEmail(token), { code: 'VERIFICATION_TOKEN_INVALID' })
})

test('requireEmailVerification: the right password of an unverified account is EMAIL_NOT_VERIFIED, a wrong one INVALID_CREDENTIALS', async () => {
  const { auth, lastToken } = setup({ requireEmailVerification: true })
  const outcomes: string[] = []
  auth.activity.subscribe((e) => void (e.type === 'login' && outcomes.push(e.outcome)))
  await auth.accounts.register(ADA)
  await assert.rejects(auth.accounts.login({ ...ADA, password: 'wrong password here' }), { code: 'INVALID_CREDENTIALS' })
  await assert.rejects(auth.accounts.login(ADA), { code: 'EMAIL_NOT_VERIFIED' })
  await auth.accounts.verifyEmail(await lastToken())
  assert.equal(typeof (await auth.accounts.login(ADA)).accessToken, 'string')
  assert.deepEqual(outcomes, ['invalid_credentials', 'unverified', 'success'])
  // An account the operator created is verified from the start.
  const admin = await auth.admin.ensureAdmin({ email: 'root@example.com', password: 'admin password 1' })
  assert.notEqual(admin.user.emailVerifiedAt, null)
})

test('resend answers alike for an unknown address, and mail that fails is counted, not thrown', async () => {
  const { auth } = setup({ failing: true })
  const mails: unknown[] = []
  auth.activity.subscribe((e) => void (e.type === 'mail' && mails.push(e)))
  await auth.accounts.resendVerification('nobody@example.com')
  const user = await auth.accounts.register(ADA)
  assert.equal(user.email, ADA.email, 'registering succeeds with the mail server down')
  for (let i = 0; i < 50 && mails.length === 0; i++) await new Promise((r) => setTimeout(r, 5))
  assert.deepEqual(mails, [{ type: 'mail', kind: 'verify_email', outcome: 'failed', error: 'ECONNREFUSED' }])
})

test('without mail: accounts start unverified, no link exists, and requireEmailVerification is refused as misuse', async () => {
  const { auth } = coreAuth()
  const user = await auth.accounts.register(ADA)
  assert.equal(user.emailVerifiedAt, null)
  await auth.accounts.resendVerification(ADA.email)
  await assert.rejects(auth.accounts.verifyEmail('A'.repeat(43)), { code: 'VERIFICATION_TOKEN_INVALID' })
  assert.throws(() => coreAuth({ requireEmailVerification: true }), TypeError)
})
