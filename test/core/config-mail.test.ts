// SMTP_URL, MAIL_FROM, MAIL_TEMPLATES_DIR and APP_NAME: defaults for the quick start (the outbox),
// the checks that name the variable, and an SMTP password never echoed in an error.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseMailConfig } from '../../src/core/config-mail.js'

test('defaults: no SMTP, a localhost sender named after APP_NAME, no template folder', () => {
  assert.deepEqual(parseMailConfig({}, '/srv'), { smtpUrl: undefined, mailFrom: 'tokenwarden <no-reply@localhost>', mailTemplatesDir: undefined, appName: 'tokenwarden' })
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
