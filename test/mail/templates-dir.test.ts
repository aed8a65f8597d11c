// MAIL_TEMPLATES_DIR: files replace the built-in parts they name and nothing else; a file naming
// no message, a placeholder its kind lacks, or a folder that cannot be read is a ConfigError
// naming the variable.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { DEFAULT_MAIL_TEMPLATES } from '../../src/core/mail/templates.js'
import { loadMailTemplates } from '../../src/mail/templates-dir.js'

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-mail-templates-'))
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body)
  return dir
}

test('no folder: the built-in templates', () => {
  assert.equal(loadMailTemplates(undefined), DEFAULT_MAIL_TEMPLATES)
})

test('a file replaces its part; the other parts stay built in', () => {
  const dir = folder({ 'verify_email.subject.txt': 'Welcome to {{app_name}}\n', 'verify_email.html': '<h1>{{link}}</h1>' })
  try {
    const t = loadMailTemplates(dir)
    assert.equal(t.verify_email.subject, 'Welcome to {{app_name}}')
    assert.equal(t.verify_email.html, '<h1>{{link}}</h1>')
    assert.equal(t.verify_email.text, DEFAULT_MAIL_TEMPLATES.verify_email.text)
  } finally {
    rmSync(dir, { recursive: true })
  }
})

test('an unknown file, an unknown placeholder and an unreadable folder are refused naming MAIL_TEMPLATES_DIR', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ 'verify_emial.txt': 'x' }, /verify_emial\.txt names no message/],
    [{ 'verify_email.md': 'x' }, /verify_email\.md names no message/],
    [{ 'verify_email.txt': 'Hello {{name}}, {{link}}' }, /verify_email uses \{\{name\}\}/],
  ]
  for (const [files, message] of cases) {
    const dir = folder(files)
    try {
      assert.throws(() => loadMailTemplates(dir), (err: Error & { variable?: string }) => err.variable === 'MAIL_TEMPLATES_DIR' && message.test(err.message))
    } finally {
      rmSync(dir, { recursive: true })
    }
  }
  assert.throws(() => loadMailTemplates('/nonexistent/tw-templates'), { variable: 'MAIL_TEMPLATES_DIR' })
})
