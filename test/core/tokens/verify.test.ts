// Issue/verify round trip and every refusal the verifier owes (RFC 8725): expiry, type,
// tampering, oversize, alg none, and the verified-token cache still honouring exp.

import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { test } from 'node:test'
import { ManualClock } from '../../../src/core/clock.js'
import { AuthError, type ErrorCode } from '../../../src/core/errors.js'
import { createIssuer } from '../../../src/core/tokens/issue.js'
import { Keyring } from '../../../src/core/tokens/keyring.js'
import { createVerifier } from '../../../src/core/tokens/verify.js'

const SECRET = 'unit-test-secret-of-at-least-32-bytes!!'

function setup(cacheSize?: number) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12))
  const keyring = Keyring.of([{ alg: 'HS256', secret: SECRET }])
  const issuer = createIssuer({ keyring, clock, accessTtl: 900, refreshTtl: 86400 })
  const verifier = createVerifier({ keyring, clock, ...(cacheSize === undefined ? {} : { cacheSize }) })
  return { clock, keyring, issuer, verifier }
}

function codeOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn()
  } catch (err) {
    assert.ok(err instanceof AuthError, `expected AuthError, got ${String(err)}`)
    return err.code
  }
  return undefined
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')
const decodePart = (token: string, i: number): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[i]!, 'base64url').toString('utf8')) as Record<string, unknown>

test('issue -> verify round trip returns the issued claims', () => {
  const { issuer, verifier } = setup()
  const { token, claims } = issuer.issue('access', { sub: '42', sid: 'sess-1', fresh: true, roles: ['user'] })
  const verified = verifier.verify(token, 'access')
  assert.deepEqual({ ...verified }, { ...claims })
  assert.equal(verified.sub, '42')
})

test('claims follow the Flask-JWT-Extended layout plus sid', () => {
  const { clock, issuer } = setup()
  const now = Math.floor(clock.now() / 1000)
  const access = decodePart(issuer.issue('access', { sub: '7', sid: 's1', fresh: true }).token, 1)
  assert.equal(access.sub, '7')
  assert.equal(typeof access.sub, 'string')
  assert.equal(access.type, 'access')
  assert.equal(access.fresh, true)
  assert.match(String(access.jti), /^[0-9a-f-]{36}$/)
  assert.equal(access.iat, now)
  assert.equal(access.nbf, now)
  assert.equal(access.exp, now + 900)
  assert.equal(access.sid, 's1')
  const refresh = decodePart(issuer.issue('refresh', { sub: '7', sid: 's1' }).token, 1)
  assert.equal(refresh.type, 'refresh')
  assert.equal(refresh.exp, now + 86400)
  assert.notEqual(refresh.jti, access.jti)
  const header = decodePart(issuer.issue('access', { sub: '7' }).token, 0)
  assert.equal(header.alg, 'HS256')
  assert.equal(header.typ, 'JWT')
})

test('an access token is not fresh unless asked', () => {
  const { issuer, verifier } = setup()
  const { token } = issuer.issue('access', { sub: '1', sid: 's' })
  assert.equal(verifier.verify(token).fresh, false)
})

test('expired token -> TOKEN_EXPIRED (exactly at exp, RFC 7519 §4.1.4)', () => {
  const { clock, issuer, verifier } = setup(0)
  const { token } = issuer.issue('access', { sub: '1', sid: 's' })
  clock.advance(899_999)
  assert.equal(verifier.verify(token).sub, '1')
  clock.advance(1)
  assert.equal(codeOf(() => verifier.verify(token)), 'TOKEN_EXPIRED')
})

test('wrong type -> TOKEN_TYPE_INVALID, both ways', () => {
  const { issuer, verifier } = setup()
  const access = issuer.issue('access', { sub: '1', sid: 's' }).token
  const refresh = issuer.issue('refresh', { sub: '1', sid: 's' }).token
  assert.equal(codeOf(() => verifier.verify(access, 'refresh')), 'TOKEN_TYPE_INVALID')
  assert.equal(codeOf(() => verifier.verify(refresh, 'access')), 'TOKEN_TYPE_INVALID')
})

test('tampered payload -> TOKEN_SIGNATURE_INVALID', () => {
  const { issuer, verifier } = setup()
  const { token } = issuer.issue('access', { sub: '1', sid: 's' })
  const [h, , s] = token.split('.')
  const forged = `${h}.${b64({ ...decodePart(token, 1), sub: '2' })}.${s}`
  assert.equal(codeOf(() => verifier.verify(forged)), 'TOKEN_SIGNATURE_INVALID')
  // A token signed with another secret but the same header shape fails the same way.
  const other = createIssuer({ keyring: Keyring.of([{ alg: 'HS256', secret: 'another-secret-of-at-least-32-bytes!!' }]) })
  const foreign = other.issue('access', { sub: '1' }).token.split('.')
  assert.equal(codeOf(() => verifier.verify(`${h}.${foreign[1]}.${foreign[2]}`)), 'TOKEN_SIGNATURE_INVALID')
})

test('token over 8 KiB -> TOKEN_TOO_LARGE (before decoding)', () => {
  const { issuer, verifier } = setup()
  const { token } = issuer.issue('access', { sub: '1', sid: 's', extra: { pad: 'x'.repeat(8192) } })
  assert.ok(token.length > 8192)
  assert.equal(codeOf(() => verifier.verify(token)), 'TOKEN_TOO_LARGE')
  assert.equal(codeOf(() => verifier.verify('a'.repeat(8193))), 'TOKEN_TOO_LARGE')
})

test('alg none in any spelling, signed or not -> TOKEN_ALGORITHM_INVALID', () => {
  const { issuer, verifier } = setup()
  const payload = token1Payload(issuer.issue('access', { sub: '1', sid: 's' }).token)
  for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
    const header = b64({ alg, typ: 'JWT' })
    assert.equal(codeOf(() => verifier.verify(`${header}.${payload}.`)), 'TOKEN_ALGORITHM_INVALID', alg)
    assert.equal(codeOf(() => verifier.verify(`${header}.${payload}.c2ln`)), 'TOKEN_ALGORITHM_INVALID', alg)
  }
})

test('an HS256 key refuses a token claiming HS512 -> TOKEN_ALGORITHM_INVALID', () => {
  const { issuer, verifier } = setup()
  const [, p, s] = issuer.issue('access', { sub: '1', sid: 's' }).token.split('.')
  assert.equal(codeOf(() => verifier.verify(`${b64({ alg: 'HS512', typ: 'JWT' })}.${p}.${s}`)), 'TOKEN_ALGORITHM_INVALID')
})

test('garbage -> TOKEN_MALFORMED, never a TypeError', () => {
  const { verifier } = setup()
  for (const bad of ['', 'abc', 'a.b', 'a.b.c.d', '!!.??.**', `${b64('x')}.${b64({})}.c2ln`]) {
    assert.equal(codeOf(() => verifier.verify(bad)), 'TOKEN_MALFORMED', bad)
  }
})

test('the verify cache returns the same claims and still expires cached tokens', () => {
  const { clock, issuer, verifier } = setup()
  const { token } = issuer.issue('access', { sub: '9', sid: 's' })
  const first = verifier.verify(token, 'access')
  const second = verifier.verify(token, 'access')
  assert.equal(second, first, 'second verify is answered from the cache (same object)')
  assert.deepEqual(second, first)
  // The type check still applies to a cached token.
  assert.equal(codeOf(() => verifier.verify(token, 'refresh')), 'TOKEN_TYPE_INVALID')
  clock.advance(900_000)
  assert.equal(codeOf(() => verifier.verify(token, 'access')), 'TOKEN_EXPIRED')
})

test('a cached verification does not outlive a retired key', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1))
  const keyring = Keyring.of([{ alg: 'HS256', secret: SECRET, notAfter: clock.now() + 60_000 }])
  const issuer = createIssuer({ keyring, clock })
  const verifier = createVerifier({ keyring, clock })
  const { token } = issuer.issue('access', { sub: '1' })
  verifier.verify(token)
  clock.advance(60_000)
  assert.equal(codeOf(() => verifier.verify(token)), 'TOKEN_KEY_UNKNOWN')
})

/** Signs any header/payload text with the test secret, as a hostile issuer holding the key would. */
function handSign(header: unknown, payload: string): string {
  const input = `${b64(header)}.${Buffer.from(payload).toString('base64url')}`
  return `${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`
}

test('correctly signed tokens with bad claims are refused with a precise code', () => {
  const { clock, verifier } = setup()
  const now = Math.floor(clock.now() / 1000)
  const ok = { sub: '1', type: 'access', jti: 'j', exp: now + 60 }
  const cases: [unknown, string, ErrorCode][] = [
    [{ alg: 'HS256' }, 'null', 'TOKEN_MALFORMED'],
    [{ alg: 'HS256' }, '[]', 'TOKEN_MALFORMED'],
    [{ alg: 'HS256' }, 'not json', 'TOKEN_MALFORMED'],
    [{ alg: 'HS256' }, JSON.stringify({ ...ok, sub: 1 }), 'TOKEN_CLAIM_INVALID'],
    [{ alg: 'HS256' }, JSON.stringify({ ...ok, exp: undefined }), 'TOKEN_CLAIM_INVALID'],
    [{ alg: 'HS256' }, JSON.stringify({ ...ok, exp: String(now + 60) }), 'TOKEN_CLAIM_INVALID'],
    [{ alg: 'HS256' }, JSON.stringify({ ...ok, type: 'id' }), 'TOKEN_CLAIM_INVALID'],
    [{ alg: 'HS256' }, JSON.stringify({ ...ok, nbf: now + 30 }), 'TOKEN_NOT_YET_VALID'],
    [{ alg: 'HS256' }, JSON.stringify({ ...ok, iat: now + 30 }), 'TOKEN_NOT_YET_VALID'],
    [{ alg: 'HS256', jku: 'https://evil.example/jwks' }, JSON.stringify(ok), 'TOKEN_HEADER_UNSUPPORTED'],
    [{ alg: 'HS256', crit: ['x'], x: 1 }, JSON.stringify(ok), 'TOKEN_HEADER_UNSUPPORTED'],
    [{ alg: 'HS256', kid: 'not-in-ring' }, JSON.stringify(ok), 'TOKEN_KEY_UNKNOWN'],
  ]
  for (const [header, payload, code] of cases) {
    assert.equal(codeOf(() => verifier.verify(handSign(header, payload))), code, `${JSON.stringify(header)} ${payload}`)
  }
  // The control: the same construction with good claims verifies (kid-less tokens use the signing key).
  assert.equal(verifier.verify(handSign({ alg: 'HS256' }, JSON.stringify(ok))).sub, '1')
})

function token1Payload(token: string): string {
  return token.split('.')[1]!
}
