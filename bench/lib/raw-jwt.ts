// The limit: JWT verify and sign with nothing but node:crypto and a prebuilt KeyObject.
// Verify does the checks a correct verifier cannot skip: three segments, base64url-decode
// header and payload, JSON.parse both, alg matches the key's, the signature (HMAC compared in
// constant time, or crypto.verify), exp/nbf (RFC 7519 §4.1.4, §4.1.5) and the token type.

import { createHmac, sign as cryptoSign, timingSafeEqual, verify as cryptoVerify, type KeyObject } from 'node:crypto'

export type RawAlg = 'HS256' | 'RS256' | 'ES256' | 'EdDSA'

export interface RawKeys {
  alg: RawAlg
  /** The HMAC secret or the public key. */
  verifyKey: KeyObject
  /** The HMAC secret or the private key. */
  signKey: KeyObject
}

function signatureOf(keys: RawKeys, key: KeyObject, input: string): Buffer {
  switch (keys.alg) {
    case 'HS256':
      return createHmac('sha256', key).update(input).digest()
    case 'RS256':
      return cryptoSign('sha256', Buffer.from(input), key)
    case 'ES256':
      return cryptoSign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
    case 'EdDSA':
      return cryptoSign(null, Buffer.from(input), key)
  }
}

/** Returns the payload, or throws on any failed check. `now` in epoch ms. */
export function rawVerify(keys: RawKeys, token: string, now: number): Record<string, unknown> {
  const d1 = token.indexOf('.')
  const d2 = token.indexOf('.', d1 + 1)
  if (d1 <= 0 || d2 < 0 || token.indexOf('.', d2 + 1) !== -1) throw new Error('malformed')
  const header = JSON.parse(Buffer.from(token.slice(0, d1), 'base64url').toString()) as { alg?: unknown }
  if (header.alg !== keys.alg) throw new Error('alg')
  const payload = JSON.parse(Buffer.from(token.slice(d1 + 1, d2), 'base64url').toString()) as Record<string, unknown>
  const input = token.slice(0, d2)
  const sig = Buffer.from(token.slice(d2 + 1), 'base64url')
  let ok: boolean
  if (keys.alg === 'HS256') {
    const expected = createHmac('sha256', keys.verifyKey).update(input).digest()
    ok = expected.length === sig.length && timingSafeEqual(expected, sig)
  } else if (keys.alg === 'ES256') {
    ok = cryptoVerify('sha256', Buffer.from(input), { key: keys.verifyKey, dsaEncoding: 'ieee-p1363' }, sig)
  } else {
    ok = cryptoVerify(keys.alg === 'RS256' ? 'sha256' : null, Buffer.from(input), keys.verifyKey, sig)
  }
  if (!ok) throw new Error('signature')
  const { exp, nbf } = payload
  if (typeof exp !== 'number' || now >= exp * 1000) throw new Error('expired')
  if (nbf !== undefined && (typeof nbf !== 'number' || now < nbf * 1000)) throw new Error('not yet valid')
  if (payload.type !== 'access') throw new Error('type')
  return payload
}

/** A signer with the header segment encoded once. */
export function rawSigner(keys: RawKeys, kid?: string): (payload: Record<string, unknown>) => string {
  const head = Buffer.from(JSON.stringify({ alg: keys.alg, typ: 'JWT', ...(kid === undefined ? {} : { kid }) })).toString('base64url')
  return (payload) => {
    const input = head + '.' + Buffer.from(JSON.stringify(payload)).toString('base64url')
    return input + '.' + signatureOf(keys, keys.signKey, input).toString('base64url')
  }
}
