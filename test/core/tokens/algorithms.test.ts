// Round trips for every algorithm: our issuer signs, our verifier and an independent
// implementation (jose) both accept; the header names the algorithm and the RFC 7638 kid;
// a token of one algorithm is refused by a ring of another.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { calculateJwkThumbprint, importJWK, jwtVerify } from 'jose'
import { ManualClock } from '../../../src/core/clock.js'
import { createIssuer } from '../../../src/core/tokens/issue.js'
import { ALGORITHMS, Keyring, isSymmetric, type Algorithm, type KeyInput } from '../../../src/core/tokens/keyring.js'
import { generateStoredKey } from '../../../src/core/tokens/ring-file.js'
import { createVerifier } from '../../../src/core/tokens/verify.js'

const NOW = 1_800_000_000
const clock = new ManualClock(NOW * 1000)

/** A fresh key input for `alg`, made by the same generator `tokenwarden keys` uses. */
function keyFor(alg: Algorithm): KeyInput {
  const k = generateStoredKey(alg, NOW * 1000)
  return isSymmetric(alg) ? { alg, secret: Buffer.from(k.secret!, 'base64url') } : { alg, privateKey: k.privateKey! }
}

const rings = new Map(ALGORITHMS.map((alg) => [alg, Keyring.of([keyFor(alg)])]))

function header(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>
}

for (const alg of ALGORITHMS) {
  test(`${alg}: issue -> verify round trip, header alg and kid, every claim kept`, () => {
    const ring = rings.get(alg)!
    const issuer = createIssuer({ keyring: ring, clock, issuer: 'https://a.test', audience: 'b' })
    const verifier = createVerifier({ keyring: ring, clock, issuer: 'https://a.test', audience: 'b' })
    const { token, claims } = issuer.issue('access', { sub: '42', sid: 's', fresh: true, roles: ['user'], extra: { tenant: 't1' } })
    const h = header(token)
    assert.equal(h.alg, alg)
    assert.equal(h.typ, 'JWT')
    assert.equal(h.kid, ring.signing.kid)
    const back = verifier.verify(token, 'access')
    assert.deepEqual({ ...back }, { ...claims })
    assert.equal(back.tenant, 't1')
    assert.equal(back.exp - back.iat, 900)
  })
}

for (const alg of ALGORITHMS.filter((a) => !isSymmetric(a))) {
  test(`${alg}: jose verifies our token with the published JWK, and the kid is its RFC 7638 thumbprint`, async () => {
    const ring = rings.get(alg)!
    const jwk = ring.signing.publicJwk!
    assert.equal(await calculateJwkThumbprint(jwk as never, 'sha256'), ring.signing.kid)
    const { token } = createIssuer({ keyring: ring, clock }).issue('access', { sub: '7', sid: 's' })
    const { payload, protectedHeader } = await jwtVerify(token, await importJWK(jwk as never, alg), { currentDate: new Date(NOW * 1000), algorithms: [alg] })
    assert.equal(payload.sub, '7')
    assert.equal(protectedHeader.kid, ring.signing.kid)
  })
}

for (const alg of ALGORITHMS.filter(isSymmetric)) {
  test(`${alg}: jose verifies our token with the shared secret`, async () => {
    const input = keyFor(alg)
    const ring = Keyring.of([input])
    const { token } = createIssuer({ keyring: ring, clock }).issue('refresh', { sub: '7', sid: 's' })
    const { payload } = await jwtVerify(token, input.secret as Uint8Array, { currentDate: new Date(NOW * 1000), algorithms: [alg] })
    assert.equal(payload.type, 'refresh')
  })
}

test('a token of one algorithm is refused by a ring of every other algorithm', () => {
  for (const from of ALGORITHMS) {
    const { token } = createIssuer({ keyring: rings.get(from)!, clock }).issue('access', { sub: '1', sid: 's' })
    for (const to of ALGORITHMS) {
      if (to === from) continue
      const verifier = createVerifier({ keyring: rings.get(to)!, clock })
      // Our kid names a key the other ring does not hold.
      assert.throws(() => verifier.verify(token), { code: 'TOKEN_KEY_UNKNOWN' }, `${from} -> ${to}`)
    }
  }
})

test('HS384 and HS512 secrets are generated at their hash size', () => {
  assert.equal(Buffer.from(generateStoredKey('HS384', 0).secret!, 'base64url').length, 48)
  assert.equal(Buffer.from(generateStoredKey('HS512', 0).secret!, 'base64url').length, 64)
})
