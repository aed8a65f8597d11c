// The outbox Mailer (no SMTP_URL): each message becomes one .eml file a mail parser reads back,
// in a folder only the server's user can read; createMailer picks it without SMTP_URL.

import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { simpleParser } from 'mailparser'
import { createMailer, outboxDir } from '../../src/mail/create.js'

test('messages are written as .eml files (0600 in a 0700 folder) that parse back', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-outbox-'))
  try {
    const mailer = createMailer({ dataDir, smtpUrl: undefined, mailFrom: 'tokenwarden <no-reply@localhost>' })
    const dir = outboxDir(dataDir)
    assert.equal(mailer.description, dir)
    await mailer.send({ to: 'ada@example.com', subject: 'First', text: 'one', html: '<p>one</p>' })
    await mailer.send({ to: 'bob@example.com', subject: 'Second', text: 'two', html: '<p>two</p>' })
    const files = readdirSync(dir).sort()
    assert.equal(files.length, 2)
    assert.ok(files.every((f) => f.endsWith('.eml')))
    assert.equal(statSync(dir).mode & 0o777, 0o700)
    const parsed = await Promise.all(files.map(async (f) => {
      assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600)
      return simpleParser(readFileSync(join(dir, f)))
    }))
    assert.deepEqual(parsed.map((m) => m.subject).sort(), ['First', 'Second'])
    const first = parsed.find((m) => m.subject === 'First')!
    assert.equal(first.text?.trim(), 'one')
    assert.equal(first.from?.value[0]?.address, 'no-reply@localhost')
    await mailer.close()
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test('with SMTP_URL, createMailer sends over SMTP and describes the server without credentials', () => {
  const mailer = createMailer({ dataDir: '/nonexistent', smtpUrl: 'smtps://user:secret@mail.example.com:465', mailFrom: 'a@example.com' })
  assert.equal(mailer.description, 'smtps://mail.example.com:465')
})
