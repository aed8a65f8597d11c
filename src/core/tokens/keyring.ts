// The key ring: one signing key plus verify-only keys, each bound to exactly one algorithm.
// A token's `kid` only ever selects among these keys (RFC 8725 §3.1); nothing in a token
// header can introduce a key or change an algorithm.

import { createHash, createPrivateKey, createPublicKey, createSecretKey, type KeyObject } from 'node:crypto'
import { createSigner, createVerifier } from 'fast-jwt'

export const ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'PS256', 'ES256', 'EdDSA'] as const
export type Algorithm = (typeof ALGORITHMS)[number]

export function isAlgorithm(value: unknown): value is Algorithm {
  return typeof value === 'string' && (ALGORITHMS as readonly string[]).includes(value)
}

export function isSymmetric(alg: Algorithm): boolean {
  return alg.startsWith('HS')
}

/** Minimum HMAC secret length in bytes (RFC 7518 §3.2: at least the hash size; we ask 32). */
export const MIN_SECRET_BYTES = 32
/** Minimum RSA modulus length (RFC 7518 §3.3). */
export const MIN_RSA_BITS = 2048

/** What a key is made from: an HMAC secret, or a PEM / KeyObject private or public key. */
export interface KeyInput {
  alg: Algorithm
  /** HMAC secret (HS*). */
  secret?: string | Buffer
  /** Private key (asymmetric); the public half is derived. */
  privateKey?: string | KeyObject
  /** Public key only: a verify-only asymmetric key. */
  publicKey?: string | KeyObject
  /** default: the RFC 7638 JWK thumbprint */
  kid?: string
  /** Epoch ms after which this key no longer verifies (a retired key). default: never */
  notAfter?: number
}

/** A key of the ring, ready to sign and/or verify. */
export interface RingKey {
  readonly kid: string
  readonly alg: Algorithm
  readonly canSign: boolean
  readonly notAfter: number | undefined
  /** The public JWK (asymmetric keys only), for JWKS. */
  readonly publicJwk: Readonly<Record<string, string>> | undefined
  /** Signs a complete payload; sets header `alg`, `typ` and `kid`. */
  sign(payload: Record<string, unknown>): string
  /** fast-jwt verifier bound to this key and algorithm; time claims are checked by our verify. */
  verify(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> }
}

const CURVE_OF: Partial<Record<Algorithm, string>> = { ES256: 'prime256v1', EdDSA: 'ed25519' }

/** Builds one ring key, refusing weak or mismatched key material with a TypeError. */
export function createRingKey(input: KeyInput): RingKey {
  const { alg } = input
  if (!isAlgorithm(alg)) throw new TypeError(`Unsupported JWT algorithm: ${String(alg)}`)
  let signKey: KeyObject | undefined
  let verifyKey: KeyObject
  if (isSymmetric(alg)) {
    if (input.secret === undefined) throw new TypeError(`${alg} needs a secret`)
    const bytes = typeof input.secret === 'string' ? Buffer.from(input.secret, 'utf8') : input.secret
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new TypeError(`${alg} secret must be at least ${MIN_SECRET_BYTES} bytes, got ${bytes.length}`)
    }
    signKey = verifyKey = createSecretKey(bytes)
  } else {
    if (input.privateKey !== undefined) {
      signKey = typeof input.privateKey === 'string' ? createPrivateKey(input.privateKey) : input.privateKey
      if (signKey.type !== 'private') throw new TypeError(`${alg} privateKey is not a private key`)
      verifyKey = createPublicKey(signKey)
    } else if (input.publicKey !== undefined) {
      verifyKey = typeof input.publicKey === 'string' ? createPublicKey(input.publicKey) : input.publicKey
      if (verifyKey.type === 'private') verifyKey = createPublicKey(verifyKey)
    } else {
      throw new TypeError(`${alg} needs a privateKey or publicKey`)
    }
    assertKeyFitsAlgorithm(verifyKey, alg)
  }
  const jwk = verifyKey.export({ format: 'jwk' }) as Record<string, string>
  const kid = input.kid ?? thumbprint(jwk)
  const publicJwk = isSymmetric(alg) ? undefined : Object.freeze({ ...jwk, kid, alg, use: 'sig' })

  // fast-jwt takes string/Buffer keys and turns them into KeyObjects once, here.
  const verifyMaterial = isSymmetric(alg)
    ? verifyKey.export()
    : (verifyKey.export({ format: 'pem', type: 'spki' }) as string)
  const fastVerify = createVerifier({
    key: verifyMaterial,
    algorithms: [alg],
    complete: true,
    ignoreExpiration: true,
    ignoreNotBefore: true,
  })
  const fastSign =
    signKey === undefined
      ? undefined
      : createSigner({
          key: isSymmetric(alg) ? signKey.export() : (signKey.export({ format: 'pem', type: 'pkcs8' }) as string),
          algorithm: alg,
          kid,
        })

  return Object.freeze({
    kid,
    alg,
    canSign: fastSign !== undefined,
    notAfter: input.notAfter,
    publicJwk,
    sign(payload: Record<string, unknown>): string {
      if (fastSign === undefined) throw new TypeError(`key ${kid} is verify-only`)
      return fastSign(payload)
    },
    verify: fastVerify as RingKey['verify'],
  })
}

function assertKeyFitsAlgorithm(key: KeyObject, alg: Algorithm): void {
  const type = key.asymmetricKeyType
  const details = key.asymmetricKeyDetails ?? {}
  if (alg === 'RS256' || alg === 'PS256') {
    if (type !== 'rsa' && type !== 'rsa-pss') throw new TypeError(`${alg} needs an RSA key, got ${type}`)
    if ((details.modulusLength ?? 0) < MIN_RSA_BITS) {
      throw new TypeError(`${alg} key must be at least ${MIN_RSA_BITS} bits, got ${details.modulusLength}`)
    }
  } else if (alg === 'ES256') {
    if (type !== 'ec' || details.namedCurve !== CURVE_OF.ES256) throw new TypeError('ES256 needs a P-256 EC key')
  } else if (alg === 'EdDSA') {
    if (type !== 'ed25519') throw new TypeError(`EdDSA needs an Ed25519 key, got ${type}`)
  }
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) over the key's required members. */
export function thumbprint(jwk: Record<string, string | undefined>): string {
  const required: Record<string, readonly string[]> = {
    RSA: ['e', 'kty', 'n'],
    EC: ['crv', 'kty', 'x', 'y'],
    OKP: ['crv', 'kty', 'x'],
    oct: ['k', 'kty'],
  }
  const members = required[jwk.kty ?? '']
  if (members === undefined) throw new TypeError(`Cannot thumbprint key type ${jwk.kty}`)
  const canonical = '{' + members.map((m) => `${JSON.stringify(m)}:${JSON.stringify(jwk[m])}`).join(',') + '}'
  return createHash('sha256').update(canonical).digest('base64url')
}

/**
 * One signing key plus verify-only keys. Immutable: rotation builds a new ring.
 *
 * @example
 * const ring = Keyring.of([{ alg: 'HS256', secret: process.env.JWT_SECRET! }])
 * ring.signing.kid // RFC 7638 thumbprint
 */
export class Keyring {
  readonly signing: RingKey
  readonly #byKid: ReadonlyMap<string, RingKey>

  private constructor(signing: RingKey, all: readonly RingKey[]) {
    this.signing = signing
    this.#byKid = new Map(all.map((k) => [k.kid, k]))
  }

  /**
   * The first key that can sign becomes the signing key; the rest verify only. A ring of public
   * keys alone (a service that only verifies) has a verify-only `signing` key that refuses to sign.
   */
  static of(inputs: readonly (KeyInput | RingKey)[]): Keyring {
    const keys = inputs.map((k) => ('sign' in k && typeof k.sign === 'function' ? (k as RingKey) : createRingKey(k as KeyInput)))
    const signing = keys.find((k) => k.canSign) ?? keys[0]
    if (signing === undefined) throw new TypeError('A key ring needs at least one key')
    const kids = new Set<string>()
    for (const k of keys) {
      if (kids.has(k.kid)) throw new TypeError(`Duplicate kid in key ring: ${k.kid}`)
      kids.add(k.kid)
    }
    return new Keyring(signing, keys)
  }

  /** The key with this kid, if the ring holds it and it has not retired by `now`. */
  get(kid: string, now: number): RingKey | undefined {
    const key = this.#byKid.get(kid)
    if (key === undefined || (key.notAfter !== undefined && now >= key.notAfter)) return undefined
    return key
  }

  /** Every key, signing key first. */
  keys(): RingKey[] {
    return [this.signing, ...[...this.#byKid.values()].filter((k) => k !== this.signing)]
  }
}
