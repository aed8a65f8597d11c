// publicJwks: only public members of asymmetric keys, retired keys left out, and an
// independent verifier (jose's createLocalJWKSet + jwtVerify) accepts tokens of every key.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createLocalJWKSet, jwtVerify } from 'jose'
import { ManualClock } from '../../../src/core/clock.js'
import { publicJwks } from '../../../src/core/tokens/jwks.js'
import { Keyring, type KeyInput } from '../../../src/core/tokens/keyring.js'
import { generateStoredKey } from '../../../src/core/tokens/ring-file.js'

const NOW = 1_800_000_000_000
const clock = new ManualClock(NOW)
const input = (alg: 'RS256' | 'PS256' | 'ES256' | 'EdDSA', notAfter?: number): KeyInput => ({ alg, privateKey: generateStoredKey(alg, NOW).privateKey!, notAfter })
const hs: KeyInput = { alg: 'HS256', secret: 's'.repeat(32) }
const ring = Keyring.of([input('RS256'), input('PS256'), input('ES256'), input('EdDSA'), hs, input('ES256', NOW + 60_000)])

test('only asymmetric public keys, with kid, alg and use; no private or symmetric material', () => {
  const set = publicJwks(ring, clock.now())
  assert.equal(set.keys.length, 5)
  assert.deepEqual(set.keys.map((k) => k.alg), ['RS256', 'PS256', 'ES256', 'EdDSA', 'ES256'])
  const text = JSON.stringify(set)
  for (const member of ['"d"', '"p"', '"q"', '"dp"', '"dq"', '"qi"', '"k"', '"oth"']) assert.ok(!text.includes(member), `no ${member}`)
  for (const k of set.keys) {
    assert.equal(k.use, 'sig')
    assert.equal(k.kid, ring.keys().find((r) => r.alg === k.alg && r.publicJwk?.x === k.x && r.publicJwk?.n === k.n)!.kid)
  }
})

test('an HS-only ring publishes an empty set', () => {
  assert.deepEqual(publicJwks(Keyring.of([hs]), NOW), { keys: [] })
})

test('a retired key leaves the set', () => {
  assert.equal(publicJwks(ring, NOW + 60_000).keys.length, 4)
})

test('jose verifies a token of every published key through the set alone', async () => {
  const jwks = createLocalJWKSet(publicJwks(ring, NOW) as never)
  for (const key of ring.keys().filter((k) => k.publicJwk !== undefined)) {
    const now = Math.floor(NOW / 1000)
    const token = key.sign({ sub: key.alg, type: 'access', jti: 'j', iat: now, exp: now + 60 })
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { currentDate: new Date(NOW), algorithms: [key.alg] })
    assert.equal(payload.sub, key.alg)
    assert.equal(protectedHeader.kid, key.kid)
  }
})

test('jose refuses a token whose kid is not in the set', async () => {
  const stranger = Keyring.of([input('ES256')]).signing
  const now = Math.floor(NOW / 1000)
  const token = stranger.sign({ sub: 'x', exp: now + 60 })
  await assert.rejects(jwtVerify(token, createLocalJWKSet(publicJwks(ring, NOW) as never), { currentDate: new Date(NOW) }), { code: 'ERR_JWKS_NO_MATCHING_KEY' })
})
