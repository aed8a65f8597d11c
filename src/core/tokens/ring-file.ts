// The key ring at rest: the serialized form `tokenwarden keys` writes (DATA_DIR/keys.json,
// mode 0600) and the rotation rule, as pure functions. Reading and writing the file is the
// CLI's job; this module only turns text into key inputs and back.
//
// Rotation rule: the new key signs at once; the key it replaces keeps verifying until every
// token it could have signed has expired (now + the longest token lifetime + leeway), then
// retires. Retired entries are dropped at the next rotation. A key may first be staged as the
// `standby` key (as Supabase Auth does): listed right after the signing key, it verifies and is
// published in JWKS but does not sign, so verifiers caching JWKS (max-age 300 s) learn it before
// any token carries its kid; the next rotation promotes it. A `config` entry stands for the
// key configured by JWT_SECRET / JWT_PRIVATE_KEY: the file records its kid and retirement,
// never its material.

import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import { createRingKey, isAlgorithm, isSymmetric, type Algorithm, type KeyInput } from './keyring.js'

export const RING_FILE_VERSION = 1

export type KeyStatus = 'active' | 'standby' | 'verifying' | 'retired'

export interface StoredKey {
  kid: string
  alg: Algorithm
  /** ISO 8601 time the key was made (or first recorded). */
  created: string
  /** ISO 8601 time after which the key no longer verifies; null for the signing and standby keys. */
  retires: string | null
  /** The next signing key, staged: verifies and is published, does not sign yet. At most one, never `config`. */
  standby?: true
  /** `file`: the material is below; `config`: the key from JWT_SECRET / JWT_PRIVATE_KEY. */
  source: 'file' | 'config'
  /** HS*: the secret, base64url. */
  secret?: string
  /** Asymmetric: the private key, PKCS#8 PEM. */
  privateKey?: string
}

export interface RingFile {
  version: typeof RING_FILE_VERSION
  /** The signing key first, then the standby key if any, then verify-only keys, newest first. */
  keys: StoredKey[]
}

const SECRET_BYTES: Partial<Record<Algorithm, number>> = { HS256: 32, HS384: 48, HS512: 64 }

/**
 * Makes a fresh key: a random secret of the hash size for HS*, RSA 2048 for RS256/PS256,
 * P-256 for ES256, Ed25519 for EdDSA.
 *
 * @example
 * const key = generateStoredKey('ES256', Date.now())
 */
export function generateStoredKey(alg: Algorithm, now: number): StoredKey {
  const base = { alg, created: new Date(now).toISOString(), retires: null, source: 'file' as const }
  if (isSymmetric(alg)) {
    const bytes = randomBytes(SECRET_BYTES[alg] ?? 32)
    // The kid is the thumbprint of the bytes the ring will use (ringInputs decodes the base64url).
    return { kid: createRingKey({ alg, secret: bytes }).kid, ...base, secret: bytes.toString('base64url') }
  }
  const privateKey = generatePrivateKeyPem(alg)
  return { kid: createRingKey({ alg, privateKey }).kid, ...base, privateKey }
}

/** A PKCS#8 PEM private key suited to `alg` (asymmetric algorithms only). */
export function generatePrivateKeyPem(alg: Algorithm): string {
  const pem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }) as string
  switch (alg) {
    case 'RS256':
    case 'PS256':
      return pem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey)
    case 'ES256':
      return pem(generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey)
    case 'EdDSA':
      return pem(generateKeyPairSync('ed25519').privateKey)
    default:
      throw new TypeError(`${alg} uses a secret, not a key pair`)
  }
}

/** The file entry standing for the configured key (no material). */
export function configuredEntry(configured: KeyInput, now: number): StoredKey {
  const { kid, alg } = createRingKey(configured)
  return { kid, alg, created: new Date(now).toISOString(), retires: null, source: 'config' }
}

/** Whether an entry signs, is staged to sign next, still verifies, or has retired, at `now` (epoch ms). */
export function keyStatus(key: StoredKey, now: number): KeyStatus {
  if (key.standby === true) return 'standby'
  if (key.retires === null) return 'active'
  return now < Date.parse(key.retires) ? 'verifying' : 'retired'
}

const isSigning = (k: StoredKey): boolean => k.retires === null && k.standby !== true

/** A copy of `k` without the standby mark. */
function promoted(k: StoredKey): StoredKey {
  const copy = { ...k, retires: null }
  delete copy.standby
  return copy
}

/**
 * Adds `next` as the standby key, right after the signing key: it verifies and is published in
 * JWKS, and the next `rotateRingFile` makes it sign. Refuses a second standby key or a kid already
 * in the ring. Entries retired by `now` are dropped.
 *
 * @example
 * const staged = stageRingFile(file, generateStoredKey('ES256', now), now)
 */
export function stageRingFile(file: RingFile, next: StoredKey, now: number): RingFile {
  if (file.keys.some((k) => k.standby === true)) throw new TypeError('The ring already has a standby key; rotate to promote it first')
  if (file.keys.some((k) => k.kid === next.kid)) throw new TypeError(`The ring already holds key ${next.kid}`)
  if (next.source !== 'file') throw new TypeError('A standby key must carry its material (source: file)')
  const [signing, ...rest] = file.keys.filter((k) => keyStatus(k, now) !== 'retired')
  if (signing === undefined || !isSigning(signing)) throw new TypeError('The ring must list its signing key first')
  return { version: RING_FILE_VERSION, keys: [signing, { ...next, retires: null, standby: true }, ...rest] }
}

/**
 * Makes a new key sign: the staged standby key when the ring has one (pass `next` undefined),
 * otherwise `next`. The old signing key retires at `now + keepVerifyingMs`; entries already
 * retired are dropped. A TypeError when `next` is given and a standby key exists, or neither.
 *
 * @example
 * const rotated = rotateRingFile(file, generateStoredKey('RS256', now), now, (refreshTtl + leeway) * 1000)
 * const promotedRing = rotateRingFile(stageRingFile(file, key, now), undefined, later, keepMs)
 */
export function rotateRingFile(file: RingFile, next: StoredKey | undefined, now: number, keepVerifyingMs: number): RingFile {
  if (!(keepVerifyingMs >= 0)) throw new TypeError('keepVerifyingMs must be >= 0')
  const standby = file.keys.find((k) => k.standby === true)
  if (standby !== undefined && next !== undefined) throw new TypeError(`The ring has standby key ${standby.kid}; rotating promotes it, so pass no new key`)
  if (standby === undefined && next === undefined) throw new TypeError('The ring has no standby key; pass the new signing key')
  if (next !== undefined && file.keys.some((k) => k.kid === next.kid)) throw new TypeError(`The ring already holds key ${next.kid}`)
  const retires = new Date(now + keepVerifyingMs).toISOString()
  const kept = file.keys
    .filter((k) => k !== standby && keyStatus(k, now) !== 'retired')
    .map((k) => (isSigning(k) ? { ...k, retires } : k))
  return { version: RING_FILE_VERSION, keys: [promoted(standby ?? next!), ...kept] }
}

/**
 * The key inputs for `Keyring.of`, signing key first (`Keyring.of` signs with the first key that
 * can sign, so the standby key, which could, must come after it). Retired entries are left out;
 * the others carry their retirement as `notAfter`, so a running server stops accepting them on time.
 * A `config` entry needs `configured` with the same kid: a changed JWT_SECRET is reported in
 * `warnings` (and the entry skipped) rather than silently trusted.
 */
export function ringInputs(file: RingFile, now: number, configured?: KeyInput): { inputs: KeyInput[]; warnings: string[] } {
  const inputs: KeyInput[] = []
  const warnings: string[] = []
  for (const k of [...file.keys.filter(isSigning), ...file.keys.filter((k) => !isSigning(k))]) {
    if (keyStatus(k, now) === 'retired') continue
    const notAfter = k.retires === null ? undefined : Date.parse(k.retires)
    if (k.source === 'config') {
      const kid = configured === undefined ? undefined : createRingKey(configured).kid
      if (kid !== k.kid) {
        if (isSigning(k)) throw new TypeError(`The ring's signing key ${k.kid} is the configured key, which is missing or has changed`)
        warnings.push(`key ${k.kid} (the previously configured key) is no longer configured; tokens it signed stop verifying now`)
        continue
      }
      inputs.push({ ...configured!, kid: k.kid, notAfter })
    } else {
      inputs.push(isSymmetric(k.alg) ? { alg: k.alg, secret: Buffer.from(k.secret!, 'base64url'), kid: k.kid, notAfter } : { alg: k.alg, privateKey: k.privateKey!, kid: k.kid, notAfter })
    }
  }
  return { inputs, warnings }
}

export function serializeRingFile(file: RingFile): string {
  return JSON.stringify(file, null, 2) + '\n'
}

/** Parses and checks the file's shape; a TypeError says what is wrong (never any key material). */
export function parseRingFile(text: string): RingFile {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    throw new TypeError('key ring file is not valid JSON')
  }
  const d = data as Partial<RingFile> | null
  if (d === null || typeof d !== 'object' || d.version !== RING_FILE_VERSION || !Array.isArray(d.keys)) {
    throw new TypeError(`key ring file must be {"version": ${RING_FILE_VERSION}, "keys": [...]}`)
  }
  const kids = new Set<string>()
  d.keys.forEach((k: Partial<StoredKey> | null, i) => {
    const where = `key ring file: keys[${i}]`
    if (k === null || typeof k !== 'object') throw new TypeError(`${where} is not an object`)
    if (typeof k.kid !== 'string' || k.kid === '' || kids.has(k.kid)) throw new TypeError(`${where}.kid is missing or repeated`)
    kids.add(k.kid)
    if (!isAlgorithm(k.alg)) throw new TypeError(`${where}.alg is not a supported algorithm`)
    if (typeof k.created !== 'string' || Number.isNaN(Date.parse(k.created))) throw new TypeError(`${where}.created is not a date`)
    if (k.retires !== null && (typeof k.retires !== 'string' || Number.isNaN(Date.parse(k.retires)))) throw new TypeError(`${where}.retires is not a date or null`)
    if (k.source !== 'file' && k.source !== 'config') throw new TypeError(`${where}.source must be file or config`)
    if (k.standby !== undefined) {
      if (k.standby !== true) throw new TypeError(`${where}.standby must be true or absent`)
      if (k.retires !== null) throw new TypeError(`${where} is a standby key, so retires must be null`)
      if (k.source === 'config') throw new TypeError(`${where} is a standby key, so its source must be file (the configured key cannot be staged)`)
    }
    if (k.source === 'file') {
      const material = isSymmetric(k.alg) ? k.secret : k.privateKey
      if (typeof material !== 'string' || material === '') throw new TypeError(`${where} has no ${isSymmetric(k.alg) ? 'secret' : 'privateKey'}`)
    }
  })
  const keys = d.keys as StoredKey[]
  if (keys.filter(isSigning).length !== 1 || !isSigning(keys[0]!)) throw new TypeError('key ring file must have exactly one signing key (retires: null, not standby), listed first')
  if (keys.filter((k) => k.standby === true).length > 1) throw new TypeError('key ring file must have at most one standby key')
  return d as RingFile
}
