// bcrypt hashes from a Flask app (flask-bcrypt, passlib): the three sound prefixes verify and ask
// for a rehash, malformed ones are a mismatch and never a throw, the 72-byte truncation is shown
// as it is (and ends with the rehash), the verifies share the hasher's concurrency limit, and
// @node-rs/bcrypt is loaded only for a bcrypt hash: missing, it is a MissingPackageError then.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { test } from 'node:test'
import { isBcryptHash, verifyBcrypt } from '../../../src/core/passwords/bcrypt.js'
import { passwordHashFormat } from '../../../src/core/passwords/formats.js'
import { createPasswordHasher } from '../../../src/core/passwords/hash.js'

// OpenBSD's own test vector (also in pyca/bcrypt's tests): password 'U*U'.
const VECTOR_2A = '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW'
// Debian's python3-bcrypt 3.2.2 (what flask-bcrypt calls): bcrypt.hashpw(b'hunter22', bcrypt.gensalt(4)).
const HUNTER22_2B = '$2b$04$u/ZwI1m730Xv/B2ElqX9n.dUs.ckNAs5eYrYSOC5.1qPP2y6EB0ke'
// PHP's password_hash writes $2y$: the same algorithm, so the same digest under another prefix
// (python3-bcrypt's checkpw accepts exactly this string for 'hunter22').
const HUNTER22_2Y = `$2y$${HUNTER22_2B.slice(4)}`
// python3-bcrypt, of 'pässwörd 1' encoded as UTF-8 (as flask-bcrypt encodes a str).
const UMLAUTS_2B = '$2b$04$UHC.7ufRWQB9IPV5.OzGrO8xLMS9XqeGEqKqt8UZCUT9SJbXrxNsS'
// python3-bcrypt, of 'x' * 72 + 'A' and of 'é' * 36 + 'A' (72 bytes of UTF-8, then 'A').
const LONG_ASCII_2B = '$2b$04$eii4IZ2bDqSjnCpslNqix.iF.Y1pZ6ONU102DzRRBtP74rQePZxOS'
const LONG_UTF8_2B = '$2b$04$TwT9aRlo7eUnIF3BhcP6UuaQxGJ1Aoden.gbg0Y7f2CRKUAyb.jg6'

const cheap = createPasswordHasher({ memoryCost: 1024, timeCost: 1 })

test('bcrypt $2a$, $2b$ and $2y$ hashes verify, ask for a rehash, and refuse a wrong password', async () => {
  const cases: [string, string][] = [[VECTOR_2A, 'U*U'], [HUNTER22_2B, 'hunter22'], [HUNTER22_2Y, 'hunter22'], [UMLAUTS_2B, 'pässwörd 1']]
  for (const [stored, password] of cases) {
    assert.equal(passwordHashFormat(stored), 'bcrypt', stored.slice(0, 7))
    assert.deepEqual(await cheap.verify(stored, password), { ok: true, needsRehash: true }, stored.slice(0, 7))
    assert.deepEqual(await cheap.verify(stored, `${password}!`), { ok: false, needsRehash: false }, stored.slice(0, 7))
    assert.deepEqual(await cheap.verify(stored, ''), { ok: false, needsRehash: false })
  }
  // The UTF-8 bytes count, not some other encoding of the same text.
  assert.equal(await verifyBcrypt(UMLAUTS_2B, 'pässwörd 1'.normalize('NFD')), false)
})

test('a malformed or unsupported bcrypt hash is a mismatch, never a throw, and no import format', async () => {
  const body = HUNTER22_2B.slice(7)
  const broken = [
    '$2b$04$',
    '$2b$04$abc',
    `$2b$04$${body.slice(1)}`, // one character short
    `$2b$04$${body}x`, // one too many
    `$2b$04$${body.slice(0, -1)}!`, // outside bcrypt's base64 alphabet
    `$2b$03$${body}`, // cost below 4
    `$2b$32$${body}`, // cost above 31
    `$2b$4$${body}`,
    `$2x$04$${body}`, // crypt_blowfish's sign-extension bug: not the same function
    `$2$04$${body}`,
    `$2c$04$${body}`,
    ` ${HUNTER22_2B}`,
    `${HUNTER22_2B}\n`,
  ]
  for (const stored of broken) {
    assert.equal(isBcryptHash(stored), false, JSON.stringify(stored))
    assert.equal(passwordHashFormat(stored), undefined, JSON.stringify(stored))
    assert.deepEqual(await cheap.verify(stored, 'hunter22'), { ok: false, needsRehash: false }, JSON.stringify(stored))
    assert.equal(await verifyBcrypt(stored, 'hunter22'), false)
  }
  // Well-formed, but not a hash bcrypt can have made (the salt's last character carries unused
  // bits): still only a mismatch.
  assert.equal(await verifyBcrypt(`$2b$04$${'z'.repeat(53)}`, 'hunter22'), false)
})

test('bcrypt reads 72 bytes: longer passwords differing after them match, until the rehash to argon2id', async () => {
  const original = `${'x'.repeat(72)}A`
  const other = `${'x'.repeat(72)}B, or anything else after byte 72`
  assert.deepEqual(await cheap.verify(LONG_ASCII_2B, original), { ok: true, needsRehash: true })
  assert.deepEqual(await cheap.verify(LONG_ASCII_2B, other), { ok: true, needsRehash: true }, 'bcrypt never saw past byte 72')
  assert.deepEqual(await cheap.verify(LONG_ASCII_2B, 'x'.repeat(72)), { ok: true, needsRehash: true })
  assert.equal((await cheap.verify(LONG_ASCII_2B, 'x'.repeat(71))).ok, false, 'within the 72 bytes every byte counts')
  // Bytes, not characters: 'é' is two bytes of UTF-8, so 36 of them fill the 72.
  assert.equal((await cheap.verify(LONG_UTF8_2B, `${'é'.repeat(36)}Z`)).ok, true)
  assert.equal((await cheap.verify(LONG_UTF8_2B, `${'é'.repeat(35)}e`)).ok, false)

  // The login that rehashes stores argon2id of the password as typed then: from there on, only it.
  const rehashed = await cheap.hash(other)
  assert.deepEqual(await cheap.verify(rehashed, other), { ok: true, needsRehash: false })
  assert.deepEqual(await cheap.verify(rehashed, original), { ok: false, needsRehash: false })
})

test('bcrypt verifies pass the hasher\'s concurrency limit, first come first served', async () => {
  const one = createPasswordHasher({ memoryCost: 1024, timeCost: 1 }, { maxConcurrent: 1 })
  const checks = [one.verify(HUNTER22_2B, 'hunter22'), one.verify(HUNTER22_2Y, 'nope'), one.verify(VECTOR_2A, 'U*U')]
  assert.deepEqual({ running: one.load.running, queued: one.load.queued }, { running: 1, queued: 2 })
  assert.deepEqual((await Promise.all(checks)).map((c) => c.ok), [true, false, true])
  assert.deepEqual({ running: one.load.running, queued: one.load.queued }, { running: 0, queued: 0 })
})

const ROOT = join(import.meta.dirname, '../../..')

/** Runs `code` (ESM, importing the hasher) in a process where @node-rs/bcrypt is not installed. */
function withoutBcrypt(code: string): Record<string, unknown> {
  const run = spawnSync(process.execPath, ['--import', './test/support/hide-packages.mjs', '--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, TW_HIDE_PACKAGES: '@node-rs/bcrypt' },
    encoding: 'utf8',
    timeout: 60_000,
  })
  assert.equal(run.status, 0, run.stderr)
  return JSON.parse(run.stdout) as Record<string, unknown>
}

test('without @node-rs/bcrypt: other hashes verify as ever; a bcrypt hash is a MissingPackageError naming the package and its install command', () => {
  const out = withoutBcrypt(`
    import { createPasswordHasher } from './src/core/passwords/hash.ts'
    const hasher = createPasswordHasher({ memoryCost: 1024, timeCost: 1 })
    const argon2 = await hasher.hash('hunter22')
    const result = {
      argon2: (await hasher.verify(argon2, 'hunter22')).ok,
      werkzeug: (await hasher.verify('pbkdf2:sha256:1000$FYXZiSvtlwDQEHBN$a5169a4cce39d13d17df5f1f76375a3799cf9ea0edc5e739e80c459f104d8193', 'hunter22')).ok,
      malformedBcrypt: (await hasher.verify('$2b$04$abc', 'hunter22')).ok,
    }
    try {
      await hasher.verify(${JSON.stringify(HUNTER22_2B)}, 'hunter22')
      result.bcrypt = 'verified'
    } catch (err) {
      result.bcrypt = { name: err.name, packageName: err.packageName, message: err.message, load: hasher.load.running }
    }
    console.log(JSON.stringify(result))
  `)
  assert.equal(out.argon2, true)
  assert.equal(out.werkzeug, true)
  assert.equal(out.malformedBcrypt, false, 'a malformed hash is a mismatch: the module is not even needed')
  const err = out.bcrypt as Record<string, unknown>
  assert.equal(err.name, 'MissingPackageError')
  assert.equal(err.packageName, '@node-rs/bcrypt')
  assert.ok(String(err.message).endsWith('npm install @node-rs/bcrypt'), String(err.message))
  assert.ok(!String(err.message).includes('hunter22') && !String(err.message).includes('$2b$'), 'no password or hash in the message')
  assert.equal(err.load, 0, 'the failed verify gave its slot back')
})
