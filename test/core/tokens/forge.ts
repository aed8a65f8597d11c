// Test helper: hand-made JWTs with any header, payload and signature, signed with node:crypto
// directly (never through our signer), so tests can forge what an attacker would.

import { createHmac, createPrivateKey, generateKeyPairSync, sign as cryptoSign, type KeyObject } from 'node:crypto'

export const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

export type ForgeAlg = 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'PS256' | 'ES256' | 'EdDSA'

/** The signature of `input` with `key` under `alg` (JWS, RFC 7515 / RFC 7518). */
export function signature(alg: ForgeAlg, input: string, key: string | Buffer | KeyObject): string {
  switch (alg) {
    case 'HS256':
    case 'HS384':
    case 'HS512':
      return createHmac(`sha${alg.slice(2)}`, key as string | Buffer | KeyObject).update(input).digest('base64url')
    case 'RS256':
      return cryptoSign('sha256', Buffer.from(input), toPrivate(key)).toString('base64url')
    case 'PS256':
      return cryptoSign('sha256', Buffer.from(input), { key: toPrivate(key), padding: 6, saltLength: 32 }).toString('base64url')
    case 'ES256':
      return cryptoSign('sha256', Buffer.from(input), { key: toPrivate(key), dsaEncoding: 'ieee-p1363' }).toString('base64url')
    case 'EdDSA':
      return cryptoSign(null, Buffer.from(input), toPrivate(key)).toString('base64url')
  }
}

function toPrivate(key: string | Buffer | KeyObject): KeyObject {
  return typeof key === 'object' && 'type' in key && !Buffer.isBuffer(key) ? key : createPrivateKey(key as string)
}

/** header.payload.signature, with the signature made by `alg`/`key` over the first two segments. */
export function forge(header: unknown, payload: unknown, alg: ForgeAlg, key: string | Buffer | KeyObject): string {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${signature(alg, input, key)}`
}

/** A fresh RSA 2048 key pair as PEM. */
export function rsaPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  })
}
