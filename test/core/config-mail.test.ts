// SMTP_URL, MAIL_FROM, MAIL_TEMPLATES_DIR, APP_NAME, PUBLIC_URL, EMAIL_VERIFY_TTL and
// REQUIRE_EMAIL_VERIFICATION: defaults for the quick start (the outbox), production's stricter
// rules (no outbox; what needs mail needs SMTP_URL; links need PUBLIC_URL), the checks that name
// the variable, and an SMTP password never echoed in an error.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseMailConfig } from '../../src/core/config-mail.js'

test('defaults: no SMTP, a localhost sender named after APP_NAME, no template folder', () => {
  assert.deepEqual(parseMailConfig({}, '/srv'), {
    smtpUrl: undefined,
    mailFrom: 'tokenwarden <no-reply@localhost>',
    mailTemplatesDir: undefined,
    appName: 'tokenwarden',
    publicUrl: 'http://127.0.0.1:3000',
    mailEnabled: true,
    emailVerifyTtl: 86400,
    requireEmailVerification: false,
    passwordResetTtl: 1800,
  })
  assert.equal(parseMailConfig({ APP_NAME: 'Acme' }, '/srv').mailFrom, 'Acme <no-reply@localhost>')
  assert.equal(parseMailConfig({ MAIL_TEMPLATES_DIR: 'mail' }, '/srv').mailTemplatesDir, '/srv/mail')
})

test('SMTP_URL with MAIL_FROM', () => {
  const c = parseMailConfig({ SMTP_URL: 'smtps://u:p@mail.example.com:465', MAIL_FROM: 'Acme <no-reply@example.com>' }, '/srv')
  assert.equal(c.smtpUrl, 'smtps://u:p@mail.example.com:465')
  assert.equal(c.mailFrom, 'Acme <no-reply@example.com>')
})

test('bad settings name their variable; the SMTP password is never echoed', () => {
  const refused: [Record<string, string>, string][] = [
    [{ SMTP_URL: 'http://user:hunter2secret@mail.example.com', MAIL_FROM: 'a@example.com' }, 'SMTP_URL'],
    [{ SMTP_URL: 'not a url hunter2secret', MAIL_FROM: 'a@example.com' }, 'SMTP_URL'],
    [{ SMTP_URL: 'smtp://u:hunter2secret@mail.example.com' }, 'MAIL_FROM'],
    [{ MAIL_FROM: 'nobody' }, 'MAIL_FROM'],
    [{ MAIL_FROM: 'A <a@example.com>\r\nBcc: x@example.com' }, 'MAIL_FROM'],
    [{ APP_NAME: 'Evil <script>' }, 'APP_NAME'],
  ]
  for (const [env, variable] of refused) {
    assert.throws(() => parseMailConfig(env, '/srv'), (err: Error & { variable?: string }) => {
      assert.equal(err.variable, variable, JSON.stringify(env))
      assert.ok(!err.message.includes('hunter2secret'), err.message)
      return true
    })
  }
})

test('PUBLIC_URL: defaults to where the server listens, taken without a trailing slash, refused with a query or credentials', () => {
  assert.equal(parseMailConfig({}, '/srv', { nodeEnv: 'development', host: '0.0.0.0', port: 8080 }).publicUrl, 'http://127.0.0.1:8080')
  assert.equal(parseMailConfig({}, '/srv', { nodeEnv: 'development', host: '::1', port: 8080 }).publicUrl, 'http://[::1]:8080')
  assert.equal(parseMailConfig({ PUBLIC_URL: 'https://auth.example.com/' }, '/srv').publicUrl, 'https://auth.example.com')
  assert.equal(parseMailConfig({ PUBLIC_URL: 'https://example.com/auth/' }, '/srv').publicUrl, 'https://example.com/auth')
  for (const bad of ['ftp://example.com', 'https://example.com/?a=1', 'https://u:p@example.com', 'example.com']) {
    assert.throws(() => parseMailConfig({ PUBLIC_URL: bad }, '/srv'), { variable: 'PUBLIC_URL' }, bad)
  }
})

test('production and test: no outbox (mail off without SMTP_URL), REQUIRE_EMAIL_VERIFICATION needs SMTP_URL; SMTP_URL in production needs PUBLIC_URL', () => {
  const prod = { nodeEnv: 'production', host: '0.0.0.0', port: 3000 }
  assert.equal(parseMailConfig({}, '/srv', prod).mailEnabled, false)
  assert.throws(() => parseMailConfig({ REQUIRE_EMAIL_VERIFICATION: 'true' }, '/srv', prod), { variable: 'SMTP_URL' })
  const smtp = { SMTP_URL: 'smtp://mail.example.com:587', MAIL_FROM: 'a@example.com' }
  assert.throws(() => parseMailConfig(smtp, '/srv', prod), { variable: 'PUBLIC_URL' })
  const ok = parseMailConfig({ ...smtp, PUBLIC_URL: 'https://auth.example.com', REQUIRE_EMAIL_VERIFICATION: 'true' }, '/srv', prod)
  assert.deepEqual([ok.mailEnabled, ok.requireEmailVerification], [true, true])
  const test_ = { nodeEnv: 'test', host: '127.0.0.1', port: 3000 }
  assert.equal(parseMailConfig({}, '/srv', test_).mailEnabled, false)
  assert.throws(() => parseMailConfig({ REQUIRE_EMAIL_VERIFICATION: 'true' }, '/srv', test_), { variable: 'SMTP_URL' })
  assert.equal(parseMailConfig(smtp, '/srv', test_).mailEnabled, true)
  // In development the outbox stands in for SMTP.
  assert.equal(parseMailConfig({ REQUIRE_EMAIL_VERIFICATION: 'true' }, '/srv').requireEmailVerification, true)
})

test('EMAIL_VERIFY_TTL and PASSWORD_RESET_TTL take a duration of at least a minute', () => {
  assert.equal(parseMailConfig({ EMAIL_VERIFY_TTL: '2h' }, '/srv').emailVerifyTtl, 7200)
  assert.throws(() => parseMailConfig({ EMAIL_VERIFY_TTL: '30s' }, '/srv'), { variable: 'EMAIL_VERIFY_TTL' })
  assert.throws(() => parseMailConfig({ EMAIL_VERIFY_TTL: 'soon' }, '/srv'), { variable: 'EMAIL_VERIFY_TTL' })
  assert.equal(parseMailConfig({ PASSWORD_RESET_TTL: '15m' }, '/srv').passwordResetTtl, 900)
  assert.throws(() => parseMailConfig({ PASSWORD_RESET_TTL: '10s' }, '/srv'), { variable: 'PASSWORD_RESET_TTL' })
})
