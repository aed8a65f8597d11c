// The attack suite against core verify: every forged or broken token is refused with its
// exact code, and the control token (same key, same claims) passes, so the refusals are
// about the forgery and not the setup.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../../../src/core/clock.js'
import { AuthError } from '../../../src/core/errors.js'
import { createVerifier } from '../../../src/core/tokens/verify.js'
import { AUDIENCE, ISSUER, attackSetup, attacks, validToken } from './attacks.js'

const NOW = 1_800_000_000
const setup = attackSetup(NOW)
const clock = new ManualClock(NOW * 1000)
const verifier = createVerifier({ keyring: setup.keyring, clock, issuer: ISSUER, audience: AUDIENCE })
const cases = attacks(setup)

test('the suite holds at least 30 distinct attacks', () => {
  assert.ok(cases.length >= 30, `only ${cases.length}`)
  assert.equal(new Set(cases.map((c) => c.token)).size, cases.length, 'every case is a different token')
})

test('control: the untampered token verifies', () => {
  assert.equal(verifier.verify(validToken(setup), 'access').sub, 'user-1')
})

for (const attack of cases) {
  test(`refused: ${attack.name} -> ${attack.code}`, () => {
    assert.throws(
      () => verifier.verify(attack.token, 'access'),
      (err: unknown) => {
        assert.ok(err instanceof AuthError, `expected AuthError, got ${String(err)}`)
        assert.equal(err.code, attack.code)
        assert.equal(err.statusCode, 401)
        return true
      },
    )
  })
}

test('a refused token is not cached as good: it is refused again', () => {
  for (const attack of cases.slice(0, 5)) {
    assert.throws(() => verifier.verify(attack.token, 'access'), { code: attack.code })
    assert.throws(() => verifier.verify(attack.token, 'access'), { code: attack.code })
  }
})

test('nbf/iat in the future pass within JWT_LEEWAY, and not beyond it', () => {
  const lenient = createVerifier({ keyring: setup.keyring, clock, issuer: ISSUER, audience: AUDIENCE, leeway: 60 })
  const nbf = cases.find((c) => c.name === 'nbf in the future')!
  const iat = cases.find((c) => c.name === 'iat in the future')!
  assert.equal(lenient.verify(nbf.token, 'access').sub, 'user-1')
  assert.equal(lenient.verify(iat.token, 'access').sub, 'user-1')
  const strict = createVerifier({ keyring: setup.keyring, clock, issuer: ISSUER, audience: AUDIENCE, leeway: 59 })
  assert.throws(() => strict.verify(nbf.token, 'access'), { code: 'TOKEN_NOT_YET_VALID' })
})

test('an empty token or a non-string is malformed, never a crash', () => {
  assert.throws(() => verifier.verify(''), { code: 'TOKEN_MALFORMED' })
  assert.throws(() => verifier.verify(undefined as unknown as string), { code: 'TOKEN_MALFORMED' })
  assert.throws(() => verifier.verify({} as unknown as string), { code: 'TOKEN_MALFORMED' })
})
