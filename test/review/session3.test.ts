// Security review of session 3's changes: each test reproduces one finding that was fixed.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { redactSecrets } from '../../src/cli/redact.js'

// Finding 1: the CLI's fatal-line redaction (src/cli/redact.ts) leaked parts of secrets.

test('redact: a raw "@" in a URL password is masked up to the host (WHATWG URL and pg read the last "@")', () => {
  // new URL('postgresql://app:pa@ss@db:5432/auth') has password 'pa%40ss', host 'db:5432'.
  const out = redactSecrets('connect failed: postgresql://app:pa@ss@db:5432/auth')
  assert.equal(out, 'connect failed: postgresql://***@db:5432/auth')
  const two = redactSecrets('mysql://root:p@ss:w@rd@db/x and redis://:k@cache:6379')
  assert.equal(two, 'mysql://***@db/x and redis://***@cache:6379')
})

test('redact: quoted and spaced libpq conninfo values are masked whole', () => {
  assert.equal(redactSecrets("host=db user=app password='s3cret word' dbname=auth"), 'host=db user=app password=*** dbname=auth')
  assert.equal(redactSecrets("host=db password='it\\'s' dbname=auth"), 'host=db password=*** dbname=auth')
  assert.equal(redactSecrets('host=db password = s3cret dbname=auth'), 'host=db password=*** dbname=auth')
  assert.equal(redactSecrets('Server=db;Pwd="s3 cret";Uid=app'), 'Server=db;Pwd=***;Uid=app')
})

test('redact: prefixed secret names (JWT_SECRET=, PGPASSWORD=, DB_PASSWORD=) are masked', () => {
  const out = redactSecrets('PGPASSWORD=s3cret JWT_SECRET=abcdefghijklmnopqrstuvwxyz012345 DB_PASSWORD=hunter2 client_secret=zz')
  assert.equal(out, 'PGPASSWORD=*** JWT_SECRET=*** DB_PASSWORD=*** client_secret=***')
})

test('redact: ordinary text is still unchanged', () => {
  for (const s of ['DATABASE_URL: unsupported database scheme "postgres:" (supported: sqlite:)', 'http://127.0.0.1:3000/health and a@b.c', 'tokenwarden: JWT_TOKEN_LOCATION must list cookies']) {
    assert.equal(redactSecrets(s), s)
  }
})
