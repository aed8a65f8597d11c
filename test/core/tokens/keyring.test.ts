// The key ring: weak or misfit keys refused at construction, RFC 7638 kids, one algorithm per
// key, verify-only keys, retirement by notAfter.

import assert from 'node:assert/strict'
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { test } from 'node:test'
import { ManualClock } from '../../../src/core/clock.js'
import { createIssuer } from '../../../src/core/tokens/issue.js'
import { Keyring, createRingKey, thumbprint } from '../../../src/core/tokens/keyring.js'
import { createVerifier } from '../../../src/core/tokens/verify.js'

const pem = (k: { export(o: object): string | Buffer }) => k.export({ type: 'pkcs8', format: 'pem' }) as string

test('HMAC secrets under 32 bytes are refused; 32 bytes are accepted', () => {
  for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
    assert.throws(() => createRingKey({ alg, secret: 'x'.repeat(31) }), TypeError)
    assert.throws(() => createRingKey({ alg, secret: Buffer.alloc(16) }), TypeError)
    assert.equal(createRingKey({ alg, secret: 'x'.repeat(32) }).alg, alg)
  }
  assert.throws(() => createRingKey({ alg: 'HS256' }), TypeError)
})

test('RSA keys under 2048 bits are refused, for RS256 and PS256', () => {
  const weak = generateKeyPairSync('rsa', { modulusLength: 1024 })
  for (const alg of ['RS256', 'PS256'] as const) {
    assert.throws(() => createRingKey({ alg, privateKey: pem(weak.privateKey) }), /at least 2048 bits/)
    assert.throws(() => createRingKey({ alg, publicKey: weak.publicKey }), /at least 2048 bits/)
  }
})

test('an RSASSA-PSS-restricted key is refused with a TypeError naming it, for PS256 and RS256', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa-pss', { modulusLength: 2048 })
  for (const alg of ['PS256', 'RS256'] as const) {
    assert.throws(() => createRingKey({ alg, privateKey }), { name: 'TypeError', message: /RSASSA-PSS-restricted keys are not supported/ })
    assert.throws(() => createRingKey({ alg, publicKey }), { name: 'TypeError', message: /RSASSA-PSS-restricted/ })
  }
})

test('a key that does not fit its algorithm is refused', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' })
  const ed = generateKeyPairSync('ed25519')
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  assert.throws(() => createRingKey({ alg: 'RS256', privateKey: pem(ec.privateKey) }), TypeError)
  assert.throws(() => createRingKey({ alg: 'ES256', privateKey: pem(p384.privateKey) }), TypeError)
  assert.throws(() => createRingKey({ alg: 'ES256', privateKey: pem(ed.privateKey) }), TypeError)
  assert.throws(() => createRingKey({ alg: 'EdDSA', privateKey: pem(rsa.privateKey) }), TypeError)
  assert.throws(() => createRingKey({ alg: 'EdDSA', privateKey: rsa.publicKey }), TypeError)
  assert.throws(() => createRingKey({ alg: 'RS256' }), TypeError)
  assert.throws(() => createRingKey({ alg: 'HS1' as never, secret: 'x'.repeat(32) }), /Unsupported/)
})

test('the kid is the RFC 7638 thumbprint (the RFC §3.1 example key)', () => {
  const jwk = {
    kty: 'RSA',
    e: 'AQAB',
    n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  }
  assert.equal(thumbprint(jwk), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs')
  const key = createRingKey({ alg: 'RS256', publicKey: createPublicKey({ key: jwk, format: 'jwk' }) })
  assert.equal(key.kid, 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs')
  assert.equal(key.canSign, false)
  assert.throws(() => key.sign({ sub: '1' }), /verify-only/)
})

test('the public JWK carries no private member', () => {
  for (const [alg, pair] of [
    ['RS256', generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['ES256', generateKeyPairSync('ec', { namedCurve: 'prime256v1' })],
    ['EdDSA', generateKeyPairSync('ed25519')],
  ] as const) {
    const jwk = createRingKey({ alg, privateKey: pem(pair.privateKey) }).publicJwk!
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.equal(member in jwk, false, `${alg} leaks ${member}`)
  }
  assert.equal(createRingKey({ alg: 'HS256', secret: 'x'.repeat(32) }).publicJwk, undefined)
})

test('a ring signs with its first signing key; verify-only keys verify; duplicate kids are refused', () => {
  const a = { alg: 'HS256' as const, secret: 'a'.repeat(32) }
  const b = { alg: 'HS256' as const, secret: 'b'.repeat(32) }
  const ring = Keyring.of([a, b])
  assert.equal(ring.signing.kid, createRingKey(a).kid)
  assert.deepEqual(ring.keys().map((k) => k.kid), [createRingKey(a).kid, createRingKey(b).kid])
  assert.throws(() => Keyring.of([a, a]), /Duplicate kid/)
  assert.throws(() => Keyring.of([]), /at least one key/)
  // Public keys alone make a verify-only ring: it verifies, it cannot sign.
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const verifyOnly = Keyring.of([{ alg: 'RS256', publicKey: rsa.publicKey }])
  assert.equal(verifyOnly.signing.canSign, false)
  assert.throws(() => verifyOnly.signing.sign({ sub: '1' }), /verify-only/)
})

test('a key past notAfter is gone from the ring, even for a token it signed that is still cached', () => {
  const clock = new ManualClock(1_800_000_000_000)
  const old = { alg: 'HS256' as const, secret: 'o'.repeat(32), notAfter: clock.now() + 60_000 }
  const current = { alg: 'HS256' as const, secret: 'n'.repeat(32) }
  const oldRing = Keyring.of([{ ...old, notAfter: undefined }])
  const token = createIssuer({ keyring: oldRing, clock, accessTtl: 3600 }).issue('access', { sub: '1', sid: 's' }).token
  const ring = Keyring.of([current, old])
  const verifier = createVerifier({ keyring: ring, clock })
  assert.equal(verifier.verify(token).sub, '1') // verified and now cached
  assert.ok(ring.get(createRingKey(old).kid, clock.now()))
  clock.advance(60_000)
  assert.equal(ring.get(createRingKey(old).kid, clock.now()), undefined)
  assert.throws(() => verifier.verify(token), { code: 'TOKEN_KEY_UNKNOWN' })
})
