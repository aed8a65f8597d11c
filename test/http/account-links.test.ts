// The mailed-link routes over HTTP with a real SMTP server (smtp-server, parsed by mailparser):
// register -> the message's link -> POST /auth/email/verify; resend and forgot answer 202 for
// any address; REQUIRE_EMAIL_VERIFICATION refuses an unverified login after the password check;
// forgot -> the link -> POST /auth/password/reset signs out every session and mails a notice; a
// mail server that is down changes no answer and is counted; without SMTP_URL in development
// messages land in DATA_DIR/outbox.

import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import type { ParsedMail } from 'mailparser'
import { startReceiver, type Receiver } from '../mail/smtp-receiver.js'
import { parseExposition, valueOf } from '../support/exposition.js'
import { bearer, json, testApp, type Tokens } from '../helpers.js'

const PUBLIC_URL = 'https://auth.example.test'
const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

let rx: Receiver
before(async () => {
  rx = await startReceiver()
})
after(() => rx.close())

function mailEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { SMTP_URL: rx.url, MAIL_FROM: 'Acme <no-reply@example.test>', PUBLIC_URL, APP_NAME: 'Acme', ...extra }
}

/** The token of the link to `page` in a message. */
function linkToken(mail: ParsedMail, page: string): string {
  const m = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}/console/${page}#token=([A-Za-z0-9_-]{43})`).exec(mail.text ?? '')
  assert.ok(m, `a ${page} link in: ${mail.text}`)
  return m[1]!
}

test('register mails a verification link; the token verifies the address once; the user view and the token claim follow', async () => {
  const { app } = await testApp(mailEnv())
  try {
    const seen = rx.messages.length
    const reg = await app.inject({ method: 'POST', url: '/auth/register', payload: ADA })
    assert.equal(reg.statusCode, 201)
    assert.equal(json(reg).email_verified, false)
    const mail = await rx.next(seen)
    assert.equal(mail.subject, 'Confirm your email address for Acme')
    const token = linkToken(mail, 'verify-email')
    const before = json<Tokens>(await app.inject({ method: 'POST', url: '/auth/login', payload: ADA }))
    const verified = await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token } })
    assert.equal(verified.statusCode, 200, verified.body)
    assert.equal(json(verified).email_verified, true)
    const again = await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token } })
    assert.equal(again.statusCode, 400)
    assert.equal(json(again).code, 'VERIFICATION_TOKEN_INVALID')
    assert.equal(json((await app.inject({ url: '/auth/me', headers: bearer(before.access_token) }))).email_verified, true)
    const claims = JSON.parse(Buffer.from(before.access_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
    assert.equal(claims.email_verified, false, 'a token states what was true when it was issued')
    const fresh = json<Tokens>(await app.inject({ method: 'POST', url: '/auth/login', payload: ADA }))
    assert.equal((JSON.parse(Buffer.from(fresh.access_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>).email_verified, true)
    for (const payload of [{}, { token: 5 }, { token: 'x'.repeat(300) }]) {
      const res = await app.inject({ method: 'POST', url: '/auth/email/verify', payload })
      assert.equal(res.statusCode, 400)
      assert.equal(json(res).code, 'VALIDATION_FAILED')
    }
  } finally {
    await app.close()
  }
})

test('REQUIRE_EMAIL_VERIFICATION: a wrong password is INVALID_CREDENTIALS, the right one EMAIL_NOT_VERIFIED until verified; resend answers 202 for any address', async () => {
  const { app, clock } = await testApp(mailEnv({ REQUIRE_EMAIL_VERIFICATION: 'true' }))
  try {
    const seen = rx.messages.length
    assert.equal((await app.inject({ method: 'POST', url: '/auth/register', payload: ADA })).statusCode, 201)
    await rx.next(seen)
    const wrong = await app.inject({ method: 'POST', url: '/auth/login', payload: { ...ADA, password: 'not the password' } })
    assert.equal(json(wrong).code, 'INVALID_CREDENTIALS')
    const right = await app.inject({ method: 'POST', url: '/auth/login', payload: ADA })
    assert.equal(right.statusCode, 403)
    assert.equal(json(right).code, 'EMAIL_NOT_VERIFIED')
    clock.advance(61_000)
    for (const email of [ADA.email, 'nobody@example.com']) {
      const res = await app.inject({ method: 'POST', url: '/auth/email/resend', payload: { email } })
      assert.equal(res.statusCode, 202)
      assert.deepEqual(json(res), { status: 'accepted' })
    }
    const resent = await rx.next(seen + 1)
    assert.deepEqual(resent.to && 'value' in resent.to ? resent.to.value.map((v) => v.address) : [], [ADA.email])
    assert.equal((await app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token: linkToken(resent, 'verify-email') } })).statusCode, 200)
    assert.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: ADA })).statusCode, 200)
  } finally {
    await app.close()
  }
})

test('the resend interval holds across instances: a link sent by one server is not sent again by another within the minute', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-resend-'))
  const env = mailEnv({ DATABASE_URL: `sqlite:${join(dir, 'tw.db')}` })
  const a = await testApp(env)
  const b = await testApp(env)
  b.clock.set(a.clock.now())
  try {
    const seen = rx.messages.length
    assert.equal((await a.app.inject({ method: 'POST', url: '/auth/register', payload: ADA })).statusCode, 201)
    await rx.next(seen)
    // B never sent Ada anything, but A did a moment ago: B sends nothing.
    assert.equal((await b.app.inject({ method: 'POST', url: '/auth/email/resend', payload: { email: ADA.email } })).statusCode, 202)
    b.clock.advance(61_000)
    assert.equal((await b.app.inject({ method: 'POST', url: '/auth/email/resend', payload: { email: ADA.email } })).statusCode, 202)
    const resent = await rx.next(seen + 1)
    await new Promise((resolve) => setTimeout(resolve, 300))
    assert.equal(rx.messages.length, seen + 2, 'one message from register, one resent after the minute: none within it')
    assert.equal((await b.app.inject({ method: 'POST', url: '/auth/email/verify', payload: { token: linkToken(resent, 'verify-email') } })).statusCode, 200)
  } finally {
    await a.app.close()
    await b.app.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('forgot answers 202 for any address; the reset link sets the password, signs out every session and mails a notice', async () => {
  const { app } = await testApp(mailEnv())
  try {
    let seen = rx.messages.length
    assert.equal((await app.inject({ method: 'POST', url: '/auth/register', payload: ADA })).statusCode, 201)
    await rx.next(seen)
    const session = json<Tokens>(await app.inject({ method: 'POST', url: '/auth/login', payload: ADA }))
    seen = rx.messages.length
    for (const email of ['nobody@example.com', ADA.email]) {
      const res = await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email } })
      assert.equal(res.statusCode, 202)
      assert.deepEqual(json(res), { status: 'accepted' })
    }
    const mail = await rx.next(seen)
    assert.equal(mail.subject, 'Reset your Acme password')
    const token = linkToken(mail, 'reset-password')
    const weak = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token, new_password: 'password123' } })
    assert.equal(json(weak).code, 'PASSWORD_TOO_WEAK')
    const reset = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token, new_password: 'a brand new passphrase' } })
    assert.equal(reset.statusCode, 204, reset.body)
    assert.equal(json(await app.inject({ url: '/auth/me', headers: bearer(session.access_token) })).code, 'TOKEN_REVOKED')
    assert.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: ADA })).statusCode, 401)
    assert.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { ...ADA, password: 'a brand new passphrase' } })).statusCode, 200)
    const notice = await rx.next(seen + 1)
    assert.equal(notice.subject, 'Your Acme password was changed')
    const replay = await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token, new_password: 'another passphrase 2' } })
    assert.equal(json(replay).code, 'PASSWORD_RESET_TOKEN_INVALID')
    assert.equal(json(await app.inject({ method: 'POST', url: '/auth/password/reset', payload: { token: 'garbage', new_password: 'another passphrase 2' } })).code, 'PASSWORD_RESET_TOKEN_INVALID')
  } finally {
    await app.close()
  }
})

test('a mail server that is down changes no answer, and each failed message is counted', async () => {
  const down = await startReceiver()
  const url = down.url
  await down.close()
  const { app } = await testApp(mailEnv({ SMTP_URL: url, METRICS: 'true' }))
  try {
    assert.equal((await app.inject({ method: 'POST', url: '/auth/register', payload: ADA })).statusCode, 201)
    assert.equal((await app.inject({ method: 'POST', url: '/auth/password/forgot', payload: { email: ADA.email } })).statusCode, 202)
    let failed = 0
    for (let i = 0; i < 100 && failed < 2; i++) {
      await new Promise((r) => setTimeout(r, 50))
      const exposition = parseExposition((await app.inject({ url: '/metrics' })).body)
      failed = (valueOf(exposition, 'tokenwarden_mail_total', { kind: 'verify_email', outcome: 'failed' }) ?? 0) + (valueOf(exposition, 'tokenwarden_mail_total', { kind: 'password_reset', outcome: 'failed' }) ?? 0)
    }
    assert.equal(failed, 2)
  } finally {
    await app.close()
  }
})

test('without SMTP_URL in development, messages are .eml files in DATA_DIR/outbox', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-outbox-http-'))
  const { app } = await testApp({ NODE_ENV: 'development', DATA_DIR: dataDir, LOG_LEVEL: 'silent' })
  try {
    assert.equal((await app.inject({ method: 'POST', url: '/auth/register', payload: ADA })).statusCode, 201)
    const outbox = join(dataDir, 'outbox')
    let files: string[] = []
    for (let i = 0; i < 100 && files.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 20))
      try {
        files = readdirSync(outbox)
      } catch {
        files = []
      }
    }
    assert.equal(files.length, 1)
    assert.ok(files[0]!.endsWith('.eml'))
  } finally {
    await app.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
})
