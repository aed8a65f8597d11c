// The whole account lifecycle over HTTP on each database (a SQLite file, PostgreSQL, MySQL), with
// mail received by a real SMTP server: register under REQUIRE_EMAIL_VERIFICATION and follow the
// mailed link; change the address through a link sent to the new one; forget the password and
// reset it through the mailed link (every session ends); turn on two-factor and log in with a
// code; then read the user's own activity and the admin's audit log, which hold every step and
// none of the secrets used along the way.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import type { ParsedMail } from 'mailparser'
import { totpCode } from '../../src/core/mfa/totp.js'
import { startReceiver, type Receiver } from '../mail/smtp-receiver.js'
import { freshDatabase, needService } from '../support/services.js'
import { bearer, json, testApp, type Tokens } from '../helpers.js'

const PUBLIC_URL = 'https://auth.example.test'
const ADA = { email: 'ada@example.com', password: 'correct horse battery' }
const NEW_EMAIL = 'ada@new.example'
const NEW_PASSWORD = 'a brand new passphrase'

const DATABASES: { name: string; options: ReturnType<typeof needService>; url: () => Promise<{ url: string; drop(): Promise<void> }> }[] = [
  {
    name: 'sqlite',
    options: {},
    url: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tw-lifecycle-'))
      return { url: `sqlite:${join(dir, 'tw.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) }
    },
  },
  { name: 'postgres', options: needService('postgres'), url: () => freshDatabase('postgres') },
  { name: 'mysql', options: needService('mysql'), url: () => freshDatabase('mysql') },
]

let rx: Receiver
before(async () => {
  rx = await startReceiver()
})
after(() => rx.close())

/** The next `count` messages after `seen`. */
async function received(seen: number, count = 1): Promise<ParsedMail[]> {
  const out: ParsedMail[] = []
  for (let i = 0; i < count; i++) out.push(await rx.next(seen + i))
  return out
}

/** The token of the one link to `page` among `mails`, and the address that message went to. */
function linkIn(mails: ParsedMail[], page: string): { token: string; to: string } {
  const pattern = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/console/${page}#token=([A-Za-z0-9_-]{43})`)
  const found = mails.flatMap((mail) => {
    const m = pattern.exec(mail.text ?? '')
    const to = Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? '')
    return m === null ? [] : [{ token: m[1]!, to }]
  })
  assert.equal(found.length, 1, `one ${page} link in: ${mails.map((m) => m.text).join('\n---\n')}`)
  return found[0]!
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
}

for (const database of DATABASES) {
  describe(`account lifecycle end to end: ${database.name}`, database.options, () => {
    test('verify, change the address, reset the password, two-factor login; the activity and audit log record each step and no secret', async () => {
      const db = await database.url()
      const t = await testApp({
        DATABASE_URL: db.url,
        SMTP_URL: rx.url,
        MAIL_FROM: 'Acme <no-reply@example.test>',
        PUBLIC_URL,
        APP_NAME: 'Acme',
        REQUIRE_EMAIL_VERIFICATION: 'true',
      })
      const { app, clock } = t
      const secrets: string[] = [ADA.password, NEW_PASSWORD]
      try {
        // Register: the address must be proven before the first login.
        let seen = rx.messages.length
        assert.equal((await app.inject({ method: 'POST', url: '/auth/register', payload: ADA })).statusCode, 201)
        const verify = linkIn(await received(seen), 'verify-email')
        assert.match(verify.to, /ada@example\.com/)
        secrets.push(verify.token)
        assert.equal(json(await app.inject({ method: 'POST', url: '/auth/login', payload: ADA })).code, 'EMAIL_NOT_VERIFIED')
        const verified = await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token: verify.token } })
        assert.equal(verified.statusCode, 200, verified.body)
        assert.equal(json(verified).email_verified, true)
        const first = json<Tokens>(await app.inject({ method: 'POST', url: '/auth/login', payload: ADA }))
        secrets.push(first.access_token, first.refresh_token)

        // Change the address: a link to the new one, a notice to the old; the change waits for the link.
        seen = rx.messages.length
        const asked = await app.inject({ method: 'PATCH', url: '/auth/me', headers: bearer(first.access_token), payload: { email: NEW_EMAIL } })
        assert.equal(asked.statusCode, 200, asked.body)
        assert.equal(json(asked).email, ADA.email)
        const change = linkIn(await received(seen, 2), 'verify-email')
        assert.match(change.to, /ada@new\.example/)
        secrets.push(change.token)
        const changed = await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token: change.token } })
        assert.equal(changed.statusCode, 200, changed.body)
        assert.equal(json(changed).email, NEW_EMAIL)

        // Forgot the password: the link resets it and ends every session.
        seen = rx.messages.length
        assert.equal((await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: NEW_EMAIL } })).statusCode, 202)
        const reset = linkIn(await received(seen), 'reset-password')
        assert.match(reset.to, /ada@new\.example/)
        secrets.push(reset.token)
        const done = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: reset.token, new_password: NEW_PASSWORD } })
        assert.equal(done.statusCode, 204, done.body)
        assert.equal(json(await app.inject({ url: '/auth/me', headers: bearer(first.access_token) })).code, 'TOKEN_REVOKED')
        assert.equal(json(await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: reset.token, new_password: NEW_PASSWORD } })).code, 'PASSWORD_RESET_TOKEN_INVALID')
        assert.equal(json(await app.inject({ method: 'POST', url: '/auth/login', payload: { email: NEW_EMAIL, password: ADA.password } })).code, 'INVALID_CREDENTIALS')
        const second = json<Tokens>(await app.inject({ method: 'POST', url: '/auth/login', payload: { email: NEW_EMAIL, password: NEW_PASSWORD } }))
        secrets.push(second.access_token, second.refresh_token)

        // Two-factor: enroll with the fresh token, then a login needs a code.
        const enrolled = json<{ secret: string }>(await app.inject({ method: 'POST', url: '/auth/mfa/totp', headers: bearer(second.access_token) }))
        secrets.push(enrolled.secret)
        const confirmCode = totpCode(enrolled.secret, clock.now())
        const confirmed = await app.inject({ method: 'POST', url: '/auth/mfa/totp/confirm', headers: bearer(second.access_token), payload: { code: confirmCode } })
        assert.equal(confirmed.statusCode, 200, confirmed.body)
        secrets.push(...json<{ recovery_codes: string[] }>(confirmed).recovery_codes)
        clock.advance(30_000)
        const challenge = json<{ mfa_required: boolean; mfa_token: string }>(await app.inject({ method: 'POST', url: '/auth/login', payload: { email: NEW_EMAIL, password: NEW_PASSWORD } }))
        assert.equal(challenge.mfa_required, true)
        secrets.push(challenge.mfa_token)
        const wrong = await app.inject({ method: 'POST', url: '/auth/login/mfa', payload: { mfa_token: challenge.mfa_token, code: confirmCode === '000000' ? '111111' : '000000' } })
        assert.equal(json(wrong).code, 'MFA_CODE_INVALID')
        const code = totpCode(enrolled.secret, clock.now())
        const third = await app.inject({ method: 'POST', url: '/auth/login/mfa', payload: { mfa_token: challenge.mfa_token, code } })
        assert.equal(third.statusCode, 200, third.body)
        const session = json<Tokens>(third)
        secrets.push(session.access_token, session.refresh_token)
        assert.deepEqual(claimsOf(session.access_token).amr, ['pwd', 'otp', 'mfa'])

        // The user's own activity, newest first, holds every step.
        const activity = await app.inject({ url: '/auth/me/activity?limit=50', headers: bearer(session.access_token) })
        assert.equal(activity.statusCode, 200, activity.body)
        const events = json<{ events: { event: string; outcome: string }[] }>(activity).events.map((e) => `${e.event}:${e.outcome}`)
        for (const step of ['register:success', 'email_verified:success', 'email_changed:success', 'password_reset:success', 'mfa_enrolled:success', 'login_mfa:failure', 'login_mfa:success']) {
          assert.ok(events.includes(step), `${step} in ${events.join(', ')}`)
        }
        assert.equal(events[0], 'login_mfa:success')

        // The admin's audit log names the account; no row holds a secret or an address.
        // An operator's admin account (`users create`) starts verified.
        await t.auth.accounts.register({ email: 'root@example.com', password: 'admin password 1', roles: ['user', 'admin'], emailVerified: true })
        const admin = { tokens: json<Tokens>(await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'root@example.com', password: 'admin password 1' } })) }
        const userId = String(json(await app.inject({ url: '/auth/me', headers: bearer(session.access_token) })).id)
        const audit = await app.inject({ url: `/admin/audit?user=${userId}&limit=100`, headers: bearer(admin.tokens.access_token) })
        assert.equal(audit.statusCode, 200, audit.body)
        const rows = json<{ records: { subject_id: string | null }[]; total: number }>(audit)
        assert.ok(rows.total >= events.length, `${rows.total} audit rows`)
        for (const body of [audit.body, activity.body]) {
          for (const secret of secrets) assert.ok(!body.includes(secret), 'a secret used in the flow is in the log')
          assert.ok(!body.includes(ADA.email) && !body.includes(NEW_EMAIL), 'an address is in the log')
        }
      } finally {
        await app.close()
        await db.drop()
      }
    })
  })
}
