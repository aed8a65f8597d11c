// The key ring file and rotation: a token signed by the previous key verifies until that key
// retires (now + longest token lifetime), new tokens carry the new kid, retired keys drop out;
// a staged standby key verifies (and would be published) before rotation promotes it.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../../../src/core/clock.js'
import { createIssuer } from '../../../src/core/tokens/issue.js'
import { Keyring, createRingKey } from '../../../src/core/tokens/keyring.js'
import {
  configuredEntry,
  generateStoredKey,
  keyStatus,
  parseRingFile,
  ringInputs,
  rotateRingFile,
  serializeRingFile,
  stageRingFile,
  type RingFile,
} from '../../../src/core/tokens/ring-file.js'
import { createVerifier } from '../../../src/core/tokens/verify.js'

const T0 = Date.UTC(2026, 0, 1)
const DAY = 86_400_000
const REFRESH_TTL_MS = 30 * DAY

function kidOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid
}

test('generate -> serialize -> parse round trip; one active key', () => {
  const file: RingFile = { version: 1, keys: [generateStoredKey('ES256', T0)] }
  const back = parseRingFile(serializeRingFile(file))
  assert.deepEqual(back, file)
  assert.equal(keyStatus(back.keys[0]!, T0), 'active')
})

test('a stored kid is the RFC 7638 thumbprint of the material the ring loads, for every algorithm', () => {
  for (const alg of ['HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256', 'EdDSA'] as const) {
    const stored = generateStoredKey(alg, T0)
    const [input] = ringInputs({ version: 1, keys: [stored] }, T0).inputs
    assert.equal(createRingKey({ ...input!, kid: undefined }).kid, stored.kid, alg)
  }
})

test('rotation: the previous key verifies its tokens until it retires; new tokens carry the new kid', () => {
  const clock = new ManualClock(T0)
  const a = generateStoredKey('RS256', T0)
  let file: RingFile = { version: 1, keys: [a] }
  const ringAt = () => Keyring.of(ringInputs(file, clock.now()).inputs)
  const oldToken = createIssuer({ keyring: ringAt(), clock, refreshTtl: 30 * 86400 }).issue('refresh', { sub: '1', sid: 's' }).token
  assert.equal(kidOf(oldToken), a.kid)

  clock.advance(DAY)
  const b = generateStoredKey('ES256', clock.now())
  file = rotateRingFile(file, b, clock.now(), REFRESH_TTL_MS)
  assert.deepEqual(file.keys.map((k) => [k.kid, keyStatus(k, clock.now())]), [[b.kid, 'active'], [a.kid, 'verifying']])
  assert.equal(file.keys[1]!.retires, new Date(T0 + DAY + REFRESH_TTL_MS).toISOString())

  const ring = ringAt()
  let current = ring
  const verifier = createVerifier({ keyring: () => current, clock })
  assert.equal(ring.signing.kid, b.kid)
  const newToken = createIssuer({ keyring: ring, clock }).issue('access', { sub: '1', sid: 's' }).token
  assert.equal(kidOf(newToken), b.kid)
  assert.equal(verifier.verify(newToken, 'access').sub, '1')
  assert.equal(verifier.verify(oldToken, 'refresh').sub, '1', 'the old key still verifies')

  // The old token expires at T0 + 30 d, the old key retires a day later: both refuse after.
  clock.set(T0 + DAY + REFRESH_TTL_MS - 1)
  assert.throws(() => verifier.verify(oldToken, 'refresh'), { code: 'TOKEN_EXPIRED' })
  clock.set(T0 + DAY + REFRESH_TTL_MS)
  current = ringAt() // a restart after retirement: the key is no longer loaded at all
  assert.equal(current.keys().length, 1)
  assert.throws(() => verifier.verify(oldToken, 'refresh'), { code: 'TOKEN_KEY_UNKNOWN' })
})

test('a retired key is dropped at the next rotation; a verifying one is kept with its own date', () => {
  const a = generateStoredKey('HS256', T0)
  const b = generateStoredKey('HS256', T0 + 1)
  const c = generateStoredKey('HS256', T0 + 2)
  let file: RingFile = { version: 1, keys: [a] }
  file = rotateRingFile(file, b, T0, 10 * DAY)
  file = rotateRingFile(file, c, T0 + 5 * DAY, 10 * DAY)
  assert.deepEqual(file.keys.map((k) => k.kid), [c.kid, b.kid, a.kid])
  assert.equal(file.keys[2]!.retires, new Date(T0 + 10 * DAY).toISOString())
  const d = generateStoredKey('HS256', T0 + 3)
  file = rotateRingFile(file, d, T0 + 11 * DAY, 10 * DAY)
  assert.deepEqual(file.keys.map((k) => k.kid), [d.kid, c.kid, b.kid])
  assert.throws(() => rotateRingFile(file, d, T0 + 11 * DAY, DAY), /already holds/)
})

test('a config entry stands for the configured key: matched by kid, material never written', () => {
  const configured = { alg: 'HS256' as const, secret: 'configured-secret-of-at-least-32-bytes' }
  const entry = configuredEntry(configured, T0)
  assert.equal(serializeRingFile({ version: 1, keys: [entry] }).includes('configured-secret'), false)
  const file = rotateRingFile({ version: 1, keys: [entry] }, generateStoredKey('HS256', T0), T0, DAY)
  const ok = ringInputs(file, T0, configured)
  assert.equal(ok.inputs.length, 2)
  assert.equal(ok.inputs[1]!.kid, entry.kid)
  assert.equal(ok.inputs[1]!.notAfter, T0 + DAY)
  const changed = ringInputs(file, T0, { alg: 'HS256', secret: 'another-secret-of-at-least-32-bytes!!' })
  assert.equal(changed.inputs.length, 1)
  assert.equal(changed.warnings.length, 1)
  assert.throws(() => ringInputs({ version: 1, keys: [entry] }, T0, undefined), /missing or has changed/)
})

test('a malformed ring file is a TypeError that names the problem and never the material', () => {
  const key = generateStoredKey('HS256', T0)
  const bad = (keys: unknown[]) => JSON.stringify({ version: 1, keys })
  const cases = [
    'not json',
    JSON.stringify({ version: 2, keys: [] }),
    bad([]),
    bad([{ ...key, alg: 'HS1' }]),
    bad([{ ...key, secret: undefined }]),
    bad([key, { ...key }]),
    bad([key, { ...generateStoredKey('HS256', T0), retires: null }]),
    bad([{ ...key, retires: 'soon' }]),
    bad([{ ...key, source: 'elsewhere' }]),
  ]
  for (const text of cases) {
    assert.throws(() => parseRingFile(text), (err: unknown) => {
      assert.ok(err instanceof TypeError)
      assert.ok(!err.message.includes(key.secret!), 'the secret is not in the message')
      return true
    }, text.slice(0, 60))
  }
})

test('stage then rotate: the standby key verifies but does not sign, then is promoted; the old key retires on time', () => {
  const clock = new ManualClock(T0)
  const a = generateStoredKey('EdDSA', T0)
  let file: RingFile = { version: 1, keys: [a] }
  const ringAt = () => Keyring.of(ringInputs(file, clock.now()).inputs)

  clock.advance(DAY)
  const b = generateStoredKey('EdDSA', clock.now())
  file = stageRingFile(file, b, clock.now())
  assert.deepEqual(file.keys.map((k) => [k.kid, keyStatus(k, clock.now()), k.retires]), [[a.kid, 'active', null], [b.kid, 'standby', null]])
  assert.deepEqual(parseRingFile(serializeRingFile(file)), file, 'a staged ring round-trips')

  // ringInputs keeps the signing key first: Keyring.of signs with it, and the standby key verifies.
  const staged = ringAt()
  assert.equal(staged.signing.kid, a.kid)
  assert.deepEqual(staged.keys().map((k) => k.kid), [a.kid, b.kid])
  const byStandby = Keyring.of([ringInputs({ version: 1, keys: [{ ...b, standby: undefined }] }, clock.now()).inputs[0]!])
  const early = createIssuer({ keyring: byStandby, clock }).issue('access', { sub: '2', sid: 's' }).token
  assert.equal(kidOf(early), b.kid)
  assert.equal(createVerifier({ keyring: staged, clock }).verify(early, 'access').sub, '2', 'the standby kid verifies')
  const oldToken = createIssuer({ keyring: staged, clock, refreshTtl: 30 * 86400 }).issue('refresh', { sub: '1', sid: 's' }).token
  assert.equal(kidOf(oldToken), a.kid)

  assert.throws(() => stageRingFile(file, generateStoredKey('EdDSA', clock.now()), clock.now()), TypeError, 'one standby key at a time')
  assert.throws(() => rotateRingFile(file, generateStoredKey('EdDSA', clock.now()), clock.now(), REFRESH_TTL_MS), TypeError, 'no new key while one is staged')

  clock.advance(600_000)
  file = rotateRingFile(file, undefined, clock.now(), REFRESH_TTL_MS)
  assert.deepEqual(file.keys.map((k) => [k.kid, keyStatus(k, clock.now())]), [[b.kid, 'active'], [a.kid, 'verifying']])
  assert.equal(file.keys[0]!.standby, undefined)
  assert.equal(file.keys[0]!.privateKey, b.privateKey)
  assert.equal(file.keys[1]!.retires, new Date(T0 + DAY + 600_000 + REFRESH_TTL_MS).toISOString())

  let current = ringAt()
  const verifier = createVerifier({ keyring: () => current, clock })
  assert.equal(current.signing.kid, b.kid)
  assert.equal(kidOf(createIssuer({ keyring: current, clock }).issue('access', { sub: '1', sid: 's' }).token), b.kid)
  assert.equal(verifier.verify(oldToken, 'refresh').sub, '1')
  clock.set(Date.parse(file.keys[1]!.retires!))
  current = ringAt()
  assert.throws(() => verifier.verify(oldToken, 'refresh'), { code: 'TOKEN_KEY_UNKNOWN' })
  assert.throws(() => rotateRingFile(file, undefined, clock.now(), DAY), TypeError, 'no standby and no new key')
})

test('stage refuses a kid already in the ring; ringInputs signs with the signing key even if a standby is listed before it', () => {
  const a = generateStoredKey('HS256', T0)
  assert.throws(() => stageRingFile({ version: 1, keys: [a] }, { ...a }, T0), TypeError)
  const b = generateStoredKey('HS256', T0)
  const ring = Keyring.of(ringInputs({ version: 1, keys: [{ ...b, standby: true }, a] }, T0).inputs)
  assert.equal(ring.signing.kid, a.kid)
})

test('parse refuses a standby key listed first, two standby keys, a config standby, a standby that retires', () => {
  const a = generateStoredKey('ES256', T0)
  const b = { ...generateStoredKey('ES256', T0), standby: true }
  const c = { ...generateStoredKey('ES256', T0), standby: true }
  const entry = { ...configuredEntry({ alg: 'HS256', secret: 'configured-secret-of-at-least-32-bytes' }, T0), standby: true }
  const bad = (keys: unknown[]) => JSON.stringify({ version: 1, keys })
  const cases = [
    bad([b, a]),
    bad([b]),
    bad([a, b, c]),
    bad([a, entry]),
    bad([a, { ...b, retires: new Date(T0 + DAY).toISOString() }]),
    bad([a, { ...b, standby: 'yes' }]),
  ]
  for (const text of cases) {
    assert.throws(() => parseRingFile(text), (err: unknown) => {
      assert.ok(err instanceof TypeError)
      for (const k of [a, b, c]) assert.ok(!err.message.includes(k.privateKey!.slice(40, 80)), 'no key material in the message')
      return true
    }, text.slice(0, 60))
  }
  assert.equal(parseRingFile(bad([a, b])).keys[1]!.standby, true)
})
