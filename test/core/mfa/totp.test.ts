// TOTP as tokenwarden computes it, checked against RFC 6238 Appendix B (the library, for each
// hash and the spec's seeds, 8 digits) and then our parameters (SHA1, 6 digits, 30 s steps): the
// step a code matches, one step of drift either side and no more, malformed input, the URI.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Secret, TOTP } from 'otpauth'
import { matchTotp, newTotpSecret, totpCode, totpUri } from '../../../src/core/mfa/totp.js'
import { newRecoveryCodes, recoveryCodeHash } from '../../../src/core/mfa/recovery-codes.js'

const SEEDS = {
  SHA1: '12345678901234567890',
  SHA256: '12345678901234567890123456789012',
  SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
} as const

// RFC 6238 Appendix B, Table 1: time (s), then the TOTP for SHA1, SHA256, SHA512.
const VECTORS: [number, string, string, string][] = [
  [59, '94287082', '46119246', '90693936'],
  [1111111109, '07081804', '68084774', '25091201'],
  [1111111111, '14050471', '67062674', '99943326'],
  [1234567890, '89005924', '91819424', '93441116'],
  [2000000000, '69279037', '90698825', '38618901'],
  [20000000000, '65353130', '77737706', '47863826'],
]

test('otpauth reproduces every RFC 6238 Appendix B vector (SHA1, SHA256, SHA512; 8 digits)', () => {
  for (const [time, ...codes] of VECTORS) {
    for (const [i, algorithm] of (['SHA1', 'SHA256', 'SHA512'] as const).entries()) {
      const totp = new TOTP({ algorithm, digits: 8, period: 30, secret: Secret.fromLatin1(SEEDS[algorithm]) })
      assert.equal(totp.generate({ timestamp: time * 1000 }), codes[i], `${algorithm} at T=${time}`)
      assert.equal(totp.validate({ token: codes[i]!, timestamp: time * 1000, window: 0 }), 0)
    }
  }
})

test('our parameters: the RFC seed at T=59 gives the last six digits of the SHA1 vector, matched to step 1', () => {
  const secret = Secret.fromLatin1(SEEDS.SHA1).base32
  assert.equal(totpCode(secret, 59_000), '287082')
  assert.equal(matchTotp(secret, '287082', 59_000), 1)
  assert.equal(matchTotp(secret, '287 082', 59_000), 1, 'spaces as authenticators show them')
  // T=1111111109 is step 37037036; its code is accepted one step later and earlier, not two.
  const step = Math.floor(1111111109 / 30)
  assert.equal(totpCode(secret, 1111111109_000), '081804')
  assert.equal(matchTotp(secret, '081804', 1111111109_000), step)
  assert.equal(matchTotp(secret, '081804', (step + 1) * 30_000), step, 'one step late')
  assert.equal(matchTotp(secret, '081804', (step - 1) * 30_000), step, 'one step early')
  assert.equal(matchTotp(secret, '081804', (step + 2) * 30_000), undefined, 'two steps late')
  assert.equal(matchTotp(secret, '081804', (step - 2) * 30_000), undefined, 'two steps early')
})

test('malformed codes match nothing', () => {
  const secret = newTotpSecret()
  const now = Date.now()
  const good = totpCode(secret, now)
  for (const bad of ['', '12345', '1234567', 'abcdef', `${good}0`, ` ${good.slice(1)}`]) assert.equal(matchTotp(secret, bad, now), undefined, bad)
  assert.notEqual(matchTotp(secret, good, now), undefined)
})

test('a new secret is 20 random bytes in base32; the URI names the issuer and the account', () => {
  const a = newTotpSecret()
  assert.match(a, /^[A-Z2-7]{32}$/)
  assert.equal(Secret.fromBase32(a).bytes.length, 20)
  assert.notEqual(newTotpSecret(), a)
  const uri = new URL(totpUri(a, 'tokenwarden', 'ada@example.com'))
  assert.equal(uri.protocol, 'otpauth:')
  assert.equal(uri.host, 'totp')
  assert.equal(decodeURIComponent(uri.pathname), '/tokenwarden:ada@example.com')
  assert.equal(uri.searchParams.get('secret'), a)
  assert.equal(uri.searchParams.get('issuer'), 'tokenwarden')
  assert.equal(uri.searchParams.get('digits'), '6')
  assert.equal(uri.searchParams.get('period'), '30')
  assert.equal(uri.searchParams.get('algorithm'), 'SHA1')
})

test('recovery codes: ten distinct xxxxx-xxxxx codes, hashed case- and dash-insensitively', () => {
  const codes = newRecoveryCodes()
  assert.equal(codes.length, 10)
  assert.equal(new Set(codes).size, 10)
  for (const c of codes) assert.match(c, /^[a-z2-7]{5}-[a-z2-7]{5}$/)
  const h = recoveryCodeHash(codes[0]!)
  assert.match(h!, /^[0-9a-f]{64}$/)
  assert.equal(recoveryCodeHash(codes[0]!.toUpperCase().replace('-', ' ')), h)
  assert.equal(recoveryCodeHash('short'), undefined)
  assert.equal(recoveryCodeHash('0000000000'), undefined, 'not in the alphabet')
})
