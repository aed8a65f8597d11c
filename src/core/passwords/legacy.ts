// Password hashes another stack made, verified so users of a migrated Flask app can log in with
// their old passwords (and are then rehashed to argon2id): Werkzeug's (generate_password_hash),
// here, bcrypt's (flask-bcrypt, passlib: bcrypt.ts) and passlib's PBKDF2 (passlib.ts). Werkzeug's formats:
//   pbkdf2:<hash>:<iterations>$<salt>$<hex>   (Werkzeug >= 2.3 default was pbkdf2:sha256:600000)
//   scrypt:<n>:<r>:<p>$<salt>$<hex>           (Werkzeug >= 3.0 default, 64-byte key)

import { pbkdf2, scrypt, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'
import { isBcryptHash, verifyBcrypt } from './bcrypt.js'
import { isPasslibPbkdf2Hash, verifyPasslibPbkdf2 } from './passlib.js'

const pbkdf2Async = promisify(pbkdf2)
const scryptAsync = promisify(scrypt) as (pw: string, salt: string, len: number, opts: object) => Promise<Buffer>
const PBKDF2_DIGESTS: Record<string, number> = { sha1: 20, sha256: 32, sha512: 64 }
const WERKZEUG = /^(pbkdf2:(sha1|sha256|sha512)(?::(\d{1,7}))?|scrypt(?::(\d{1,8}):(\d{1,3}):(\d{1,3}))?)\$([^$]{1,128})\$([0-9a-f]{2,256})$/

export function isWerkzeugHash(stored: string): boolean {
  return WERKZEUG.test(stored)
}

/** A hash another stack made, with its algorithm (for metrics) and its check. */
export interface LegacyVerifier {
  readonly algorithm: 'pbkdf2' | 'scrypt' | 'bcrypt'
  /** Resolves to false on a mismatch and on a malformed hash. */
  verify(password: string): Promise<boolean>
}

/**
 * The check for a hash another stack made (Werkzeug pbkdf2/scrypt, bcrypt, passlib pbkdf2), or undefined when
 * `stored` is none of them.
 *
 * @example
 * const legacy = legacyVerifier(user.passwordHash)
 * if (legacy !== undefined && (await legacy.verify('hunter22'))) rehash()
 */
export function legacyVerifier(stored: string): LegacyVerifier | undefined {
  if (isWerkzeugHash(stored)) return { algorithm: stored.startsWith('scrypt') ? 'scrypt' : 'pbkdf2', verify: (password) => verifyWerkzeug(stored, password) }
  if (isBcryptHash(stored)) return { algorithm: 'bcrypt', verify: (password) => verifyBcrypt(stored, password) }
  if (isPasslibPbkdf2Hash(stored)) return { algorithm: 'pbkdf2', verify: (password) => verifyPasslibPbkdf2(stored, password) }
  return undefined
}

/** Constant-time check of a password against a Werkzeug hash; malformed input is a mismatch. */
export async function verifyWerkzeug(stored: string, password: string): Promise<boolean> {
  const m = WERKZEUG.exec(stored)
  if (m === null) return false
  const [, method, digest, iter, n, r, p, salt, hex] = m as unknown as string[]
  const expected = Buffer.from(hex!, 'hex')
  let actual: Buffer
  try {
    if (method!.startsWith('pbkdf2')) {
      const iterations = iter === undefined ? 600_000 : Number(iter)
      if (iterations < 1 || expected.length !== PBKDF2_DIGESTS[digest!]) return false
      actual = await pbkdf2Async(password, salt!, iterations, expected.length, digest!)
    } else {
      const N = n === undefined ? 32768 : Number(n)
      const R = r === undefined ? 8 : Number(r)
      const P = p === undefined ? 1 : Number(p)
      actual = await scryptAsync(password, salt!, expected.length, { N, r: R, p: P, maxmem: 132 * N * R * P + 1024 * 1024 })
    }
  } catch {
    return false
  }
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}
