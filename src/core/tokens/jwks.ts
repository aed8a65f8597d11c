// The public half of the key ring as a JWK Set (RFC 7517 §5), for GET /.well-known/jwks.json.
// Only asymmetric public keys appear: a symmetric secret can never be published, so an
// HS*-only ring has an empty set. Retired keys are left out; verify-only keys stay in until
// they retire, so tokens they signed can still be checked elsewhere.

import type { Keyring } from './keyring.js'

export interface PublicJwk {
  readonly kty: string
  readonly kid: string
  readonly alg: string
  readonly use: 'sig'
  readonly [member: string]: string
}

export interface JwkSet {
  readonly keys: readonly PublicJwk[]
}

/** Members a public JWK may carry; anything else (notably `d`, `p`, `q`, `k`) never leaves. */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['kty', 'n', 'e'],
  EC: ['kty', 'crv', 'x', 'y'],
  OKP: ['kty', 'crv', 'x'],
}

/**
 * @example
 * const set = publicJwks(ring, Date.now()) // { keys: [{ kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' }] }
 */
export function publicJwks(ring: Keyring, now: number): JwkSet {
  const keys: PublicJwk[] = []
  for (const key of ring.keys()) {
    if (key.publicJwk === undefined || (key.notAfter !== undefined && now >= key.notAfter)) continue
    const members = PUBLIC_MEMBERS[key.publicJwk.kty ?? '']
    if (members === undefined) continue
    const jwk: Record<string, string> = {}
    for (const m of members) jwk[m] = key.publicJwk[m]!
    keys.push(Object.freeze({ ...jwk, kid: key.kid, alg: key.alg, use: 'sig' }) as PublicJwk)
  }
  return Object.freeze({ keys: Object.freeze(keys) })
}
