// The CLI masks credentials in what it prints when it fails (src/cli/redact.ts).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { redactSecrets } from '../../src/cli/redact.js'

test('URL credentials are masked, the rest of the message kept', () => {
  assert.equal(
    redactSecrets('connect ECONNREFUSED for postgres://app:s3cret@db.internal:5432/auth'),
    'connect ECONNREFUSED for postgres://***@db.internal:5432/auth',
  )
  assert.equal(redactSecrets('mysql://root@localhost/x and redis://:p%40ss@cache:6379'), 'mysql://***@localhost/x and redis://***@cache:6379')
  assert.equal(redactSecrets('MARIADB://u:p@h/d'), 'MARIADB://***@h/d')
})

test('password-like parameters are masked', () => {
  const out = redactSecrets('bad DSN host=db user=app password=s3cret sslmode=require; url?x=1&token=abc.def.ghi&y=2')
  assert.equal(out, 'bad DSN host=db user=app password=*** sslmode=require; url?x=1&token=***&y=2')
  assert.ok(!out.includes('s3cret') && !out.includes('abc.def'))
})

test('text without credentials is unchanged', () => {
  for (const s of ['DATABASE_URL: unsupported scheme (use sqlite:, postgres: or mysql:)', 'sqlite:./data/tokenwarden.db', 'http://127.0.0.1:3000/health', 'a@b.c is not an email here']) {
    assert.equal(redactSecrets(s), s)
  }
})
