import assert from 'node:assert/strict'
import { test } from 'node:test'
import { importUsers } from '../../../src/core/accounts/import.js'
import { isAuthError } from '../../../src/core/errors.js'
import { passwordHashFormat } from '../../../src/core/passwords/formats.js'
import { createPasswordHasher } from '../../../src/core/passwords/hash.js'
import { isPasslibPbkdf2Hash, verifyPasslibPbkdf2 } from '../../../src/core/passwords/passlib.js'
import { coreAuth } from '../../helpers.js'

// Made by passlib 1.7.4 (Debian python3-passlib): pbkdf2_sha256.hash(...), .using(rounds=1000).hash(...).
const VECTORS = [
  ['correct horse battery', '$pbkdf2-sha256$29000$nDMmhJCyltJ6r3Xu/b/3Hg$gwQ4fM0YEuZkZz1obvWEvzX3hMJe1qBdrN4PJAQxsN4'],
  ['correct horse battery', '$pbkdf2-sha256$1000$Z2yNkZLyHgPA2BsjZExpjQ$k1bUdcDhAa1LUZCwRYt0HrVKSS4f6voHCzEStdmyeCs'],
  ['correct horse battery', '$pbkdf2-sha512$1000$QOj9H6MUojTG2HuvlbIWQg$obpTrk9Wxlkmnr3GTx/wLCiGjfSRtBU56/F7QaqK1mh0IozzMoZrMmda0Yr8L7HZI91NsUZUS1ZXOZw5CFXyPA'],
  ['correct horse battery', '$pbkdf2$1000$uRfCWKsVYmxtbe29l7KWcg$WI0CtTn.OJIfWyyncqEBWv9qLak'],
  // ab64's '.' (standard base64's '+') in salt and checksum, and a non-ASCII password.
  ['pässwörd ünïcode', '$pbkdf2-sha256$1000$TCmFsPZ.L6UUwlir9T6nVA$mhj8EQxOPWWYDFBLe8zDbrxUrmqvbVwFGpKIDvNp.CU'],
] as const

test("passlib's pbkdf2_sha1/sha256/sha512 hashes verify the right password and no other", async () => {
  for (const [password, stored] of VECTORS) {
    assert.equal(isPasslibPbkdf2Hash(stored), true, stored)
    assert.equal(passwordHashFormat(stored), 'passlib-pbkdf2')
    assert.equal(await verifyPasslibPbkdf2(stored, password), true, stored)
    assert.equal(await verifyPasslibPbkdf2(stored, `${password}!`), false, stored)
    assert.equal(await verifyPasslibPbkdf2(stored, ''), false, stored)
  }
})

test('malformed passlib hashes are a mismatch, never a throw, and not a known format', async () => {
  const good = VECTORS[1][1]
  const bad = [
    good.replace('$1000$', '$0$'), // no rounds
    good.slice(0, -4), // checksum too short for SHA-256
    good.replace('-sha256', '-sha384'), // a digest passlib's handler does not name
    good.replace('Z2yNk', 'Z2y!k'), // not ab64
    good.replace('k1bUdc', 'k1bUdd'), // another checksum: a plain mismatch
  ]
  for (const stored of bad.slice(0, 4)) {
    assert.equal(passwordHashFormat(stored), undefined, stored)
    assert.equal(await verifyPasslibPbkdf2(stored, 'correct horse battery'), false, stored)
  }
  assert.equal(await verifyPasslibPbkdf2(bad[4]!, 'correct horse battery'), false)
})

test('the hasher verifies them and asks for the rehash to argon2id', async () => {
  const hasher = createPasswordHasher({ memoryCost: 1024, timeCost: 1 })
  const [password, stored] = VECTORS[1]
  assert.deepEqual(await hasher.verify(stored, password), { ok: true, needsRehash: true })
  assert.deepEqual(await hasher.verify(stored, 'wrong password'), { ok: false, needsRehash: false })
})

test('a Smilecook user imported with a passlib hash logs in, and leaves with argon2id', async () => {
  const { auth, store, clock } = coreAuth()
  const [password, stored] = VECTORS[0]
  const report = await importUsers({ store, clock }, [{ row: 1, fields: { id: 7, email: 'jack@example.com', username: 'jack', password_hash: stored } }])
  assert.equal(report.imported, 1, JSON.stringify(report))
  assert.deepEqual(report.hashFormats, { 'passlib-pbkdf2': 1 })
  await assert.rejects(auth.accounts.login({ username: 'jack', password: 'wrong password' }), (e) => isAuthError(e) && e.code === 'INVALID_CREDENTIALS')
  const login = await auth.accounts.login({ username: 'jack', password })
  assert.equal(login.user.email, 'jack@example.com')
  const row = await store.findUserByEmail('jack@example.com')
  assert.match(row!.passwordHash, /^\$argon2id\$/)
  await auth.accounts.login({ username: 'jack', password })
})
