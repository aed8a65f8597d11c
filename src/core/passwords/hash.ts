// Password hashing: argon2id through @node-rs/argon2 (off the event loop, on libuv threads),
// stored as PHC strings. Hashes from a Flask app (Werkzeug pbkdf2/scrypt) verify too and are
// flagged for rehashing, so a migrated user's next login upgrades them to argon2id.

import type { Algorithm } from '@node-rs/argon2'
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2'
import { randomBytes } from 'node:crypto'
import { isWerkzeugHash, verifyWerkzeug } from './legacy.js'

/** argon2id cost. Defaults are OWASP's minimum (Password Storage Cheat Sheet). */
export interface Argon2Params {
  /** Memory in KiB. default: 19456 (19 MiB) */
  memoryCost: number
  /** Passes. default: 2 */
  timeCost: number
  /** Lanes. default: 1 */
  parallelism: number
}

export const DEFAULT_ARGON2: Readonly<Argon2Params> = Object.freeze({ memoryCost: 19456, timeCost: 2, parallelism: 1 })

/** Argon2id's value in @node-rs/argon2's (const) enum. */
const ARGON2ID = 2 as Algorithm

export interface PasswordCheck {
  ok: boolean
  /** True when the stored hash is legacy or weaker than the current parameters. */
  needsRehash: boolean
}

export interface PasswordHasher {
  hash(password: string): Promise<string>
  /** Verifies against a stored hash; a malformed hash is a mismatch, not an exception. */
  verify(stored: string, password: string): Promise<PasswordCheck>
  /** Spends the same time as a real verify, for unknown accounts (no user enumeration by timing). */
  verifyDummy(password: string): Promise<PasswordCheck>
  readonly params: Readonly<Argon2Params>
}

/**
 * @example
 * const hasher = createPasswordHasher()
 * const stored = await hasher.hash('correct horse battery staple')
 * (await hasher.verify(stored, 'correct horse battery staple')).ok // true
 */
export function createPasswordHasher(params: Partial<Argon2Params> = {}): PasswordHasher {
  const p = Object.freeze({ ...DEFAULT_ARGON2, ...params })
  if (!Number.isInteger(p.memoryCost) || p.memoryCost < 8 * p.parallelism) throw new TypeError('argon2 memoryCost must be an integer >= 8 * parallelism (KiB)')
  if (!Number.isInteger(p.timeCost) || p.timeCost < 1) throw new TypeError('argon2 timeCost must be an integer >= 1')
  if (!Number.isInteger(p.parallelism) || p.parallelism < 1 || p.parallelism > 255) throw new TypeError('argon2 parallelism must be an integer from 1 to 255')
  const options = { algorithm: ARGON2ID, memoryCost: p.memoryCost, timeCost: p.timeCost, parallelism: p.parallelism }
  const current = `$argon2id$v=19$m=${p.memoryCost},t=${p.timeCost},p=${p.parallelism}$`
  let dummy: Promise<string> | undefined

  async function verify(stored: string, password: string): Promise<PasswordCheck> {
    if (stored.startsWith('$argon2')) {
      let ok: boolean
      try {
        ok = await argon2Verify(stored, password)
      } catch {
        ok = false
      }
      return { ok, needsRehash: ok && !stored.startsWith(current) }
    }
    if (isWerkzeugHash(stored)) {
      const ok = await verifyWerkzeug(stored, password)
      return { ok, needsRehash: ok }
    }
    return { ok: false, needsRehash: false }
  }

  return {
    params: p,
    hash: (password) => argon2Hash(password, options),
    verify,
    async verifyDummy(password) {
      dummy ??= argon2Hash(randomBytes(16).toString('base64url'), options)
      await verify(await dummy, password)
      return { ok: false, needsRehash: false }
    },
  }
}
