// Pooled random identifiers (src/core/random.ts): the right size and alphabet, never repeated,
// including across pool refills, and every byte value reachable.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { randomToken } from '../../src/core/random.js'

test('randomToken(16) is 22 base64url characters, 128 bits', () => {
  const t = randomToken(16)
  assert.match(t, /^[A-Za-z0-9_-]{22}$/)
  assert.equal(Buffer.from(t, 'base64url').length, 16)
  assert.equal(Buffer.from(randomToken(32), 'base64url').length, 32)
  assert.equal(Buffer.from(randomToken(1), 'base64url').length, 1)
})

test('no repeats over many pool refills, odd sizes included', () => {
  const seen = new Set<string>()
  // 20,000 x 16 bytes and 3,000 x 13 bytes: about 88 refills of the 4 KiB pool, with ids that
  // do not divide it evenly (a refill must never hand out bytes twice).
  for (let i = 0; i < 20_000; i++) seen.add(randomToken(16))
  for (let i = 0; i < 3_000; i++) seen.add(randomToken(13))
  assert.equal(seen.size, 23_000)
})

test('the bytes look uniform: every value appears, none dominates', () => {
  const counts = new Array<number>(256).fill(0)
  for (let i = 0; i < 4_000; i++) for (const b of Buffer.from(randomToken(16), 'base64url')) counts[b]!++
  // 64,000 bytes: 250 expected per value; a broken pool (zeros, a repeated block) fails at once.
  assert.ok(Math.min(...counts) > 150, `min ${Math.min(...counts)}`)
  assert.ok(Math.max(...counts) < 360, `max ${Math.max(...counts)}`)
})

test('sizes outside 1..64 are refused', () => {
  for (const n of [0, -1, 65, 1.5, Number.NaN]) assert.throws(() => randomToken(n), RangeError)
})
