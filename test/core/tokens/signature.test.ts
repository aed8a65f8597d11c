// Signature checks (keyring.ts verifySignature, node:crypto): tokens signed by an independent
// implementation (jose) verify for every algorithm; every one-byte flip, truncation or
// extension of the signature is refused; encodings the JWA does not allow are refused (a DER
// ES256 signature, a PSS salt other than the hash size); a correctly signed token whose payload
// is not a JSON object is TOKEN_MALFORMED, and nothing of a badly signed payload is parsed.

import assert from 'node:assert/strict'
import { constants, createHmac, sign as cryptoSign, type KeyObject, createPrivateKey, createSecretKey } from 'node:crypto'
import { test } from 'node:test'
import { SignJWT } from 'jose'
import { ManualClock } from '../../../src/core/clock.js'
import { ALGORITHMS, Keyring, isSymmetric, type Algorithm, type KeyInput } from '../../../src/core/tokens/keyring.js'
import { generateStoredKey } from '../../../src/core/tokens/ring-file.js'
import { createVerifier } from '../../../src/core/tokens/verify.js'

const NOW = 1_800_000_000
const clock = new ManualClock(NOW * 1000)
const CLAIMS = { sub: '42', type: 'access', jti: 'j1', exp: NOW + 60, iat: NOW }

function keyFor(alg: Algorithm): { input: KeyInput; signKey: KeyObject } {
  const k = generateStoredKey(alg, NOW * 1000)
  if (isSymmetric(alg)) {
    const secret = Buffer.from(k.secret!, 'base64url')
    return { input: { alg, secret }, signKey: createSecretKey(secret) }
  }
  return { input: { alg, privateKey: k.privateKey! }, signKey: createPrivateKey(k.privateKey!) }
}

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

for (const alg of ALGORITHMS) {
  const { input, signKey } = keyFor(alg)
  const ring = Keyring.of([input])
  const verifier = createVerifier({ keyring: ring, clock, cacheSize: 0 })
  const kid = ring.signing.kid

  test(`${alg}: a token jose signed verifies, and every damaged signature is TOKEN_SIGNATURE_INVALID`, async () => {
    const token = await new SignJWT(CLAIMS).setProtectedHeader({ alg, typ: 'JWT', kid }).sign(signKey)
    assert.equal(verifier.verify(token, 'access').sub, '42')
    const dot = token.lastIndexOf('.')
    const sig = Buffer.from(token.slice(dot + 1), 'base64url')
    const damaged: Buffer[] = [sig.subarray(0, sig.length - 1), Buffer.concat([sig, Buffer.from([0])]), Buffer.alloc(0, 0)]
    for (let i = 0; i < sig.length; i += Math.max(1, Math.floor(sig.length / 16))) {
      const copy = Buffer.from(sig)
      copy[i]! ^= 0x01
      damaged.push(copy)
    }
    for (const bad of damaged) {
      const forged = `${token.slice(0, dot)}.${bad.toString('base64url')}`
      const code = bad.length === 0 ? 'TOKEN_ALGORITHM_INVALID' : 'TOKEN_SIGNATURE_INVALID' // empty = unsigned
      assert.throws(() => verifier.verify(forged), { code }, `${alg} signature of ${bad.length} bytes`)
    }
  })

  test(`${alg}: a correctly signed payload that is not a JSON object is TOKEN_MALFORMED`, () => {
    for (const payload of [b64('not json'), b64([1, 2]), b64('null'), b64('"a string"')]) {
      const input = `${b64({ alg, typ: 'JWT', kid })}.${payload}`
      const token = `${input}.${signWith(alg, signKey, input).toString('base64url')}`
      assert.throws(() => verifier.verify(token), { code: 'TOKEN_MALFORMED' })
    }
  })

  test(`${alg}: a payload that is not JSON under a bad signature is refused for the signature`, () => {
    const token = `${b64({ alg, typ: 'JWT', kid })}.${b64('not json')}.${Buffer.alloc(64, 7).toString('base64url')}`
    assert.throws(() => verifier.verify(token), { code: 'TOKEN_SIGNATURE_INVALID' })
  })
}

function signWith(alg: Algorithm, key: KeyObject, input: string): Buffer {
  switch (alg) {
    case 'HS256':
    case 'HS384':
    case 'HS512':
      return createHmac(`sha${alg.slice(2)}`, key).update(input).digest()
    case 'RS256':
      return cryptoSign('sha256', Buffer.from(input), key)
    case 'PS256':
      return cryptoSign('sha256', Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 })
    case 'ES256':
      return cryptoSign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
    case 'EdDSA':
      return cryptoSign(null, Buffer.from(input), key)
  }
}

test('ES256: a DER-encoded signature (valid over the same input) is refused: RFC 7518 §3.4 asks R || S', () => {
  const { input: keyInput, signKey } = keyFor('ES256')
  const ring = Keyring.of([keyInput])
  const verifier = createVerifier({ keyring: ring, clock })
  const input = `${b64({ alg: 'ES256', typ: 'JWT', kid: ring.signing.kid })}.${b64(CLAIMS)}`
  const good = `${input}.${signWith('ES256', signKey, input).toString('base64url')}`
  assert.equal(verifier.verify(good).sub, '42') // the control: the same input, R || S, verifies
  const der = cryptoSign('sha256', Buffer.from(input), { key: signKey, dsaEncoding: 'der' })
  assert.throws(() => verifier.verify(`${input}.${der.toString('base64url')}`), { code: 'TOKEN_SIGNATURE_INVALID' })
})

test('PS256: a signature whose PSS salt is not the hash size is refused: RFC 7518 §3.5', () => {
  const { input: keyInput, signKey } = keyFor('PS256')
  const ring = Keyring.of([keyInput])
  const verifier = createVerifier({ keyring: ring, clock, cacheSize: 0 })
  const input = `${b64({ alg: 'PS256', typ: 'JWT', kid: ring.signing.kid })}.${b64(CLAIMS)}`
  const withSalt = (saltLength: number): string =>
    `${input}.${cryptoSign('sha256', Buffer.from(input), { key: signKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }).toString('base64url')}`
  assert.equal(verifier.verify(withSalt(32)).sub, '42')
  for (const salt of [0, 20, 64]) {
    assert.throws(() => verifier.verify(withSalt(salt)), { code: 'TOKEN_SIGNATURE_INVALID' }, `salt ${salt}`)
  }
})

test('RS256: a PKCS#1 v1.5 signature is not accepted under PS256, nor PSS under RS256', () => {
  const { input: rsInput, signKey } = keyFor('RS256')
  const rsRing = Keyring.of([rsInput])
  const psRing = Keyring.of([{ alg: 'PS256', privateKey: signKey, kid: rsRing.signing.kid }])
  const rsVerifier = createVerifier({ keyring: rsRing, clock })
  const psVerifier = createVerifier({ keyring: psRing, clock })
  const rsInputSeg = `${b64({ alg: 'RS256', typ: 'JWT', kid: rsRing.signing.kid })}.${b64(CLAIMS)}`
  const psInputSeg = `${b64({ alg: 'PS256', typ: 'JWT', kid: psRing.signing.kid })}.${b64(CLAIMS)}`
  const pss = signWith('PS256', signKey, rsInputSeg).toString('base64url')
  const v15 = signWith('RS256', signKey, psInputSeg).toString('base64url')
  assert.throws(() => rsVerifier.verify(`${rsInputSeg}.${pss}`), { code: 'TOKEN_SIGNATURE_INVALID' })
  assert.throws(() => psVerifier.verify(`${psInputSeg}.${v15}`), { code: 'TOKEN_SIGNATURE_INVALID' })
  // controls: each verifies its own scheme
  assert.equal(rsVerifier.verify(`${rsInputSeg}.${signWith('RS256', signKey, rsInputSeg).toString('base64url')}`).sub, '42')
  assert.equal(psVerifier.verify(`${psInputSeg}.${signWith('PS256', signKey, psInputSeg).toString('base64url')}`).sub, '42')
})
