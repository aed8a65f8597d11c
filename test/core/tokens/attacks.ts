// The attack suite's cases: forged or broken tokens, each with the exact code it must be
// refused with. Shared by test/core/tokens/attack.test.ts (core verify) and
// test/http/attack.test.ts (through the server), so both edges refuse the same things.

import { generateKeyPairSync } from 'node:crypto'
import type { ErrorCode } from '../../../src/core/errors.js'
import { Keyring } from '../../../src/core/tokens/keyring.js'
import { b64, forge, rsaPair, signature } from './forge.js'

export const ISSUER = 'https://auth.example.test'
export const AUDIENCE = 'api.example.test'

export interface AttackSetup {
  keyring: Keyring
  privateKey: string
  publicKey: string
  kid: string
  /** Epoch seconds the tokens are made at (the verifier's clock must read this). */
  now: number
}

export function attackSetup(now: number): AttackSetup {
  const { privateKey, publicKey } = rsaPair()
  const keyring = Keyring.of([{ alg: 'RS256', privateKey }])
  return { keyring, privateKey, publicKey, kid: keyring.signing.kid, now }
}

export interface Attack {
  name: string
  token: string
  code: ErrorCode
}

export function attacks(s: AttackSetup): Attack[] {
  const { privateKey, publicKey, kid, now } = s
  const header = { alg: 'RS256', typ: 'JWT', kid }
  const claims = { sub: 'user-1', type: 'access', fresh: true, jti: 'jti-1', iat: now, nbf: now, exp: now + 600, sid: 'sid-1', iss: ISSUER, aud: AUDIENCE }
  const rs = (h: object, p: object) => forge(h, p, 'RS256', privateKey)
  const good = rs(header, claims)
  const [gh, gp, gs] = good.split('.') as [string, string, string]
  const other = rsaPair()
  const attacker = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const attackerJwk = attacker.publicKey.export({ format: 'jwk' })
  const unsigned = (alg: string, sig = '') => `${b64({ alg, typ: 'JWT' })}.${gp}.${sig}`
  const without = (name: keyof typeof claims) => rs(header, Object.fromEntries(Object.entries(claims).filter(([k]) => k !== name)))

  const list: Attack[] = [
    // alg none, in several spellings (RFC 8725 §2.1)
    { name: 'alg none', token: unsigned('none'), code: 'TOKEN_ALGORITHM_INVALID' },
    { name: 'alg None', token: unsigned('None'), code: 'TOKEN_ALGORITHM_INVALID' },
    { name: 'alg NONE', token: unsigned('NONE'), code: 'TOKEN_ALGORITHM_INVALID' },
    { name: 'alg nOnE', token: unsigned('nOnE'), code: 'TOKEN_ALGORITHM_INVALID' },
    { name: 'alg none with a made-up signature', token: unsigned('none', gs), code: 'TOKEN_ALGORITHM_INVALID' },
    { name: 'alg none keeping our kid', token: `${b64({ alg: 'none', kid })}.${gp}.`, code: 'TOKEN_ALGORITHM_INVALID' },
    // HS/RS key confusion: HMAC keyed with our public key PEM (RFC 8725 §2.1)
    { name: 'HS256 signed with the RSA public key, our kid', token: forge({ alg: 'HS256', typ: 'JWT', kid }, claims, 'HS256', publicKey), code: 'TOKEN_ALGORITHM_INVALID' },
    { name: 'HS256 signed with the RSA public key, no kid', token: forge({ alg: 'HS256', typ: 'JWT' }, claims, 'HS256', publicKey), code: 'TOKEN_ALGORITHM_INVALID' },
    { name: 'HS512 signed with the RSA public key', token: forge({ alg: 'HS512', kid }, claims, 'HS512', publicKey), code: 'TOKEN_ALGORITHM_INVALID' },
    { name: 'PS256 header over our RSA key', token: forge({ alg: 'PS256', kid }, claims, 'PS256', privateKey), code: 'TOKEN_ALGORITHM_INVALID' },
    { name: 'unsupported alg ES512', token: `${b64({ alg: 'ES512', kid })}.${gp}.${gs}`, code: 'TOKEN_ALGORITHM_INVALID' },
    // Signature stripping and tampering
    { name: 'signature stripped', token: `${gh}.${gp}.`, code: 'TOKEN_ALGORITHM_INVALID' },
    { name: 'tampered payload (sub changed)', token: `${gh}.${b64({ ...claims, sub: 'admin' })}.${gs}`, code: 'TOKEN_SIGNATURE_INVALID' },
    { name: 'tampered payload (roles added)', token: `${gh}.${b64({ ...claims, roles: ['admin'] })}.${gs}`, code: 'TOKEN_SIGNATURE_INVALID' },
    { name: 'tampered header (extra member)', token: `${b64({ ...header, x: 1 })}.${gp}.${gs}`, code: 'TOKEN_SIGNATURE_INVALID' },
    { name: 'signature of another token', token: `${gh}.${gp}.${rs(header, { ...claims, jti: 'other' }).split('.')[2]}`, code: 'TOKEN_SIGNATURE_INVALID' },
    { name: 'signed by another RSA key under our kid', token: forge(header, claims, 'RS256', other.privateKey), code: 'TOKEN_SIGNATURE_INVALID' },
    { name: 'truncated signature', token: `${gh}.${gp}.${gs.slice(0, 40)}`, code: 'TOKEN_SIGNATURE_INVALID' },
    // Time
    { name: 'expired', token: rs(header, { ...claims, iat: now - 700, nbf: now - 700, exp: now - 100 }), code: 'TOKEN_EXPIRED' },
    { name: 'expires exactly now', token: rs(header, { ...claims, exp: now }), code: 'TOKEN_EXPIRED' },
    { name: 'nbf in the future', token: rs(header, { ...claims, nbf: now + 60 }), code: 'TOKEN_NOT_YET_VALID' },
    { name: 'iat in the future', token: rs(header, { ...claims, iat: now + 60 }), code: 'TOKEN_NOT_YET_VALID' },
    // Keys from the token header are never trusted (RFC 8725 §3.1 via RFC 7515 §4.1.2-6)
    { name: 'jku injection', token: rs({ ...header, jku: 'https://evil.example/jwks.json' }, claims), code: 'TOKEN_HEADER_UNSUPPORTED' },
    { name: 'x5u injection', token: rs({ ...header, x5u: 'https://evil.example/cert.pem' }, claims), code: 'TOKEN_HEADER_UNSUPPORTED' },
    {
      name: 'embedded jwk signed by the attacker',
      token: forge({ alg: 'ES256', jwk: attackerJwk }, claims, 'ES256', attacker.privateKey),
      code: 'TOKEN_HEADER_UNSUPPORTED',
    },
    { name: 'x5c injection', token: rs({ ...header, x5c: ['MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] }, claims), code: 'TOKEN_HEADER_UNSUPPORTED' },
    // kid selects among our keys only
    { name: 'kid path traversal', token: forge({ alg: 'HS256', kid: '../../etc/passwd' }, claims, 'HS256', ''), code: 'TOKEN_KEY_UNKNOWN' },
    { name: 'kid /dev/null with an empty HMAC key', token: forge({ alg: 'HS256', kid: '/dev/null' }, claims, 'HS256', Buffer.alloc(0)), code: 'TOKEN_KEY_UNKNOWN' },
    { name: "kid SQL injection ' OR '1'='1", token: rs({ ...header, kid: "x' OR '1'='1" }, claims), code: 'TOKEN_KEY_UNKNOWN' },
    { name: 'kid SQL union', token: rs({ ...header, kid: "' UNION SELECT 'secret' --" }, claims), code: 'TOKEN_KEY_UNKNOWN' },
    { name: 'kid not a string', token: rs({ ...header, kid: 42 }, claims), code: 'TOKEN_MALFORMED' },
    // Header extensions
    { name: 'unknown crit', token: rs({ ...header, crit: ['exp'] }, claims), code: 'TOKEN_HEADER_UNSUPPORTED' },
    { name: 'crit b64 false (RFC 7797)', token: rs({ ...header, crit: ['b64'], b64: false }, claims), code: 'TOKEN_HEADER_UNSUPPORTED' },
    { name: 'typ JWE', token: rs({ ...header, typ: 'JWE' }, claims), code: 'TOKEN_HEADER_UNSUPPORTED' },
    // Wrong type of token
    { name: 'refresh token where access is required', token: rs(header, { ...claims, type: 'refresh', fresh: undefined }), code: 'TOKEN_TYPE_INVALID' },
    { name: 'type is id', token: rs(header, { ...claims, type: 'id' }), code: 'TOKEN_CLAIM_INVALID' },
    // Size and shape
    { name: 'oversized (over 8 KiB)', token: rs(header, { ...claims, pad: 'x'.repeat(9000) }), code: 'TOKEN_TOO_LARGE' },
    { name: 'two segments', token: `${gh}.${gp}`, code: 'TOKEN_MALFORMED' },
    { name: 'four segments', token: `${good}.${gs}`, code: 'TOKEN_MALFORMED' },
    { name: 'not base64url (header)', token: `${gh}*.${gp}.${gs}`, code: 'TOKEN_MALFORMED' },
    { name: 'standard base64 padding', token: `${gh}==.${gp}.${gs}`, code: 'TOKEN_MALFORMED' },
    { name: 'header is not JSON', token: `${b64('{"alg":"RS256"')}.${gp}.${gs}`, code: 'TOKEN_MALFORMED' },
    { name: 'header is a JSON array', token: `${b64('["RS256"]')}.${gp}.${gs}`, code: 'TOKEN_MALFORMED' },
    { name: 'header without alg', token: `${b64({ typ: 'JWT', kid })}.${gp}.${gs}`, code: 'TOKEN_MALFORMED' },
    { name: 'payload is not JSON', token: (() => { const i = `${gh}.${b64('{"sub":')}`; return `${i}.${signature('RS256', i, privateKey)}` })(), code: 'TOKEN_MALFORMED' },
    { name: 'payload is a JSON array', token: (() => { const i = `${gh}.${b64('[1,2]')}`; return `${i}.${signature('RS256', i, privateKey)}` })(), code: 'TOKEN_MALFORMED' },
    // Claims (validly signed, so only the claim checks can refuse them)
    { name: 'sub is a number', token: rs(header, { ...claims, sub: 1 }), code: 'TOKEN_CLAIM_INVALID' },
    { name: 'sub missing', token: without('sub'), code: 'TOKEN_CLAIM_INVALID' },
    { name: 'exp missing', token: without('exp'), code: 'TOKEN_CLAIM_INVALID' },
    { name: 'exp as a string', token: rs(header, { ...claims, exp: String(now + 600) }), code: 'TOKEN_CLAIM_INVALID' },
    { name: 'nbf as a string', token: rs(header, { ...claims, nbf: String(now) }), code: 'TOKEN_CLAIM_INVALID' },
    { name: 'jti missing', token: without('jti'), code: 'TOKEN_CLAIM_INVALID' },
    { name: 'fresh as a string', token: rs(header, { ...claims, fresh: 'true' }), code: 'TOKEN_CLAIM_INVALID' },
    { name: 'roles as a string', token: rs(header, { ...claims, roles: 'admin' }), code: 'TOKEN_CLAIM_INVALID' },
    { name: 'wrong iss', token: rs(header, { ...claims, iss: 'https://evil.example' }), code: 'TOKEN_ISSUER_INVALID' },
    { name: 'iss missing', token: without('iss'), code: 'TOKEN_ISSUER_INVALID' },
    { name: 'wrong aud', token: rs(header, { ...claims, aud: 'other-api' }), code: 'TOKEN_AUDIENCE_INVALID' },
    { name: 'aud list without ours', token: rs(header, { ...claims, aud: ['a', 'b'] }), code: 'TOKEN_AUDIENCE_INVALID' },
  ]
  return list
}

/** A valid access token of the setup (the control case: the suite's forgeries differ from it in one way). */
export function validToken(s: AttackSetup): string {
  const claims = { sub: 'user-1', type: 'access', fresh: true, jti: 'jti-1', iat: s.now, nbf: s.now, exp: s.now + 600, sid: 'sid-1', iss: ISSUER, aud: AUDIENCE }
  return forge({ alg: 'RS256', typ: 'JWT', kid: s.kid }, claims, 'RS256', s.privateKey)
}
