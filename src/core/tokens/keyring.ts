// The key ring: one signing key plus verify-only keys, each bound to exactly one algorithm.
// A token's `kid` only ever selects among these keys (RFC 8725 §3.1); nothing in a token
// header can introduce a key or change an algorithm.
//
// Signing goes through fast-jwt. Signature checks go straight to node:crypto with the key's
// prebuilt KeyObject: verify.ts has already split the token and checked its header, so
// handing the whole token to fast-jwt's verifier would split, decode and parse it a second
// time (HS256: 0.73 of raw node:crypto through fast-jwt, against the 0.90 asked of us;
// bench/analysis.md has the measurements).

import {
  constants,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  timingSafeEqual,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto'
import { createSigner } from 'fast-jwt'

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
  /**
   * True when `signature` (the decoded third segment) is this key's signature, under this key's
   * one algorithm, over `signingInput` (the first two segments as sent, dot included). HMACs
   * are compared in constant time. Claims are not this method's business: see verify.ts.
   */
  verifySignature(signingInput: string, signature: Buffer): boolean
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
    verifySignature: signatureChecker(alg, verifyKey),
  })
}

const HASH_OF: Record<Algorithm, string | null> = {
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
  RS256: 'sha256',
  PS256: 'sha256',
  ES256: 'sha256',
  EdDSA: null, // Ed25519 hashes internally (RFC 8037 §3.1)
}

const HMAC_SIZE = { HS256: 32, HS384: 48, HS512: 64 } as const

/** The signature check for one algorithm and key (RFC 7518 §3, RFC 8037 §3.1). */
function signatureChecker(alg: Algorithm, key: KeyObject): RingKey['verifySignature'] {
  const hash = HASH_OF[alg]
  if (isSymmetric(alg)) {
    const hmac = hash as string
    const size = HMAC_SIZE[alg as 'HS256' | 'HS384' | 'HS512']
    return (input, signature) => {
      if (signature.length !== size) return false
      return timingSafeEqual(createHmac(hmac, key).update(input).digest(), signature)
    }
  }
  // RFC 7518 §3.4: ES256 signatures are R || S (64 bytes), not DER. §3.5: PSS salt = hash size.
  const verifyKey =
    alg === 'ES256'
      ? { key, dsaEncoding: 'ieee-p1363' as const }
      : alg === 'PS256'
        ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
        : key
  // RFC 8017 §8.1.2 / §8.2.2 step 1: an RSA signature is exactly k octets. OpenSSL enforces this
  // for PKCS#1 v1.5 but not for PSS, where a signature with its leading zero octet dropped verifies.
  const size = alg === 'ES256' || alg === 'EdDSA' ? 64 : Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8)
  return (input, signature) => {
    if (signature.length !== size) return false
    try {
      return cryptoVerify(hash, Buffer.from(input), verifyKey, signature)
    } catch {
      return false // defence in depth: a crypto error is a bad signature, never an escape
    }
  }
}

function assertKeyFitsAlgorithm(key: KeyObject, alg: Algorithm): void {
  const type = key.asymmetricKeyType
  const details = key.asymmetricKeyDetails ?? {}
  if (alg === 'RS256' || alg === 'PS256') {
    // RSASSA-PSS-restricted keys (type rsa-pss) cannot be published as a JWK: refused here, clearly.
    if (type === 'rsa-pss') throw new TypeError(`${alg} needs a plain RSA key (rsaEncryption); RSASSA-PSS-restricted keys are not supported`)
    if (type !== 'rsa') throw new TypeError(`${alg} needs an RSA key, got ${type}`)
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
