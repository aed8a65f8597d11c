// The verified-token cache is keyed by the signature segment for speed; a hit must still be
// the very same token. A cached token's signature on other content is refused, not served.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ManualClock } from '../../../src/core/clock.js'
import { AuthError } from '../../../src/core/errors.js'
import { createIssuer } from '../../../src/core/tokens/issue.js'
import { Keyring } from '../../../src/core/tokens/keyring.js'
import { createVerifier } from '../../../src/core/tokens/verify.js'

const SECRET = 'unit-test-secret-of-at-least-32-bytes!!'
const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')

test('a cached token\'s signature on another payload is a miss and fails verification', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12))
  const keyring = Keyring.of([{ alg: 'HS256', secret: SECRET }])
  const issuer = createIssuer({ keyring, clock })
  const verifier = createVerifier({ keyring, clock })
  const { token } = issuer.issue('access', { sub: 'alice', sid: 's-1' })
  const first = verifier.verify(token, 'access') // verified and cached

  const [header, payload, signature] = token.split('.') as [string, string, string]
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>
  const forged = `${header}.${b64({ ...claims, sub: 'mallory' })}.${signature}`
  assert.throws(() => verifier.verify(forged, 'access'), (err) => err instanceof AuthError && err.code === 'TOKEN_SIGNATURE_INVALID')

  // The genuine token is still answered from the cache, unchanged.
  assert.equal(verifier.verify(token, 'access'), first)
  assert.equal(first.sub, 'alice')
})
