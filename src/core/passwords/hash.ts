// Password hashing: argon2id through @node-rs/argon2 (off the event loop, on libuv threads),
// stored as PHC strings. Hashes from a Flask app (Werkzeug pbkdf2/scrypt, bcrypt) verify too and
// are flagged for rehashing, so a migrated user's next login upgrades them to argon2id.
// Every hash and verify (dummy, Werkzeug and bcrypt ones included) passes one FIFO limit, by default
// one per CPU this process may run on: libuv's four pool threads hashing on one core ran
// 74 verifies/s against 124.5/s one at a time, and starved the event loop (bench/analysis.md).
// With a listener on the activity channel, each one reports its duration (`password_hashed`).

// @node-rs/argon2 is an optional peer dependency (a host that only verifies tokens never hashes):
// it is imported at the first hash or verify, or by ready(), which a server awaits before it listens.

import type { Algorithm } from '@node-rs/argon2'
import { randomBytes } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import type { ActivityChannel, HashAlgorithm, HashOperation } from '../events/activity.js'
import { importOptional, MissingPackageError } from '../optional-module.js'
import { legacyVerifier } from './legacy.js'
import { createLimiter } from './limiter.js'

/** argon2id cost. Defaults are OWASP's minimum (Password Storage Cheat Sheet). */
export interface Argon2Params {
  /** Memory in KiB. default: 19456 (19 MiB) */
  memoryCost: number
  /** Passes. default: 2 */
  timeCost: number
  /** Lanes. default: 1 */
  parallelism: number
}

export interface HasherOptions {
  /**
   * Hashes and verifies running at once; more wait, first come first served.
   * default: os.availableParallelism() (on Linux it honours CPU affinity, e.g. taskset)
   */
  maxConcurrent?: number
  /** Where each hash and verify reports its duration (`password_hashed`), while anyone listens. default: none */
  activity?: ActivityChannel
}

export const DEFAULT_ARGON2: Readonly<Argon2Params> = Object.freeze({ memoryCost: 19456, timeCost: 2, parallelism: 1 })

/** Which argon2 a PHC string names (imported hashes may be argon2i or argon2d; ours are argon2id). */
function argon2Variant(stored: string): HashAlgorithm {
  return stored.startsWith('$argon2i$') ? 'argon2i' : stored.startsWith('$argon2d$') ? 'argon2d' : 'argon2id'
}

/** Argon2id's value in @node-rs/argon2's (const) enum. */
const ARGON2ID = 2 as Algorithm

let argon2: Promise<typeof import('@node-rs/argon2')> | undefined
const loadArgon2 = (): Promise<typeof import('@node-rs/argon2')> =>
  (argon2 ??= importOptional('@node-rs/argon2', 'Password hashing (argon2id)', () => import('@node-rs/argon2')))

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
  /** The concurrency limit in force, and what it is doing now. */
  readonly load: { readonly max: number; readonly running: number; readonly queued: number }
  /** Loads the hashing module: rejects with a MissingPackageError when @node-rs/argon2 is not installed. */
  ready(): Promise<void>
}

/**
 * @example
 * const hasher = createPasswordHasher()
 * const stored = await hasher.hash('correct horse battery staple')
 * (await hasher.verify(stored, 'correct horse battery staple')).ok // true
 * createPasswordHasher({}, { maxConcurrent: 1 }) // one hash at a time
 */
export function createPasswordHasher(params: Partial<Argon2Params> = {}, hasherOptions: HasherOptions = {}): PasswordHasher {
  const p = Object.freeze({ ...DEFAULT_ARGON2, ...params })
  if (!Number.isInteger(p.memoryCost) || p.memoryCost < 8 * p.parallelism) throw new TypeError('argon2 memoryCost must be an integer >= 8 * parallelism (KiB)')
  if (!Number.isInteger(p.timeCost) || p.timeCost < 1) throw new TypeError('argon2 timeCost must be an integer >= 1')
  if (!Number.isInteger(p.parallelism) || p.parallelism < 1 || p.parallelism > 255) throw new TypeError('argon2 parallelism must be an integer from 1 to 255')
  const limit = createLimiter(hasherOptions.maxConcurrent ?? availableParallelism())
  const { activity } = hasherOptions
  /** Runs `task` under the limit, timed from when it gets its slot when the activity channel has a listener. */
  const run = <T>(algorithm: HashAlgorithm, operation: HashOperation, task: () => Promise<T>): Promise<T> =>
    limit.run(async () => {
      if (activity === undefined || !activity.active) return task()
      const started = performance.now()
      try {
        return await task()
      } finally {
        activity.publish({ type: 'password_hashed', algorithm, operation, seconds: (performance.now() - started) / 1000 })
      }
    })
  const options = { algorithm: ARGON2ID, memoryCost: p.memoryCost, timeCost: p.timeCost, parallelism: p.parallelism }
  const current = `$argon2id$v=19$m=${p.memoryCost},t=${p.timeCost},p=${p.parallelism}$`
  let dummy: Promise<string> | undefined

  async function verify(stored: string, password: string): Promise<PasswordCheck> {
    if (stored.startsWith('$argon2')) {
      let ok: boolean
      try {
        ok = await run(argon2Variant(stored), 'verify', async () => (await loadArgon2()).verify(stored, password))
      } catch (err) {
        // A missing module is an error to report; anything else the library throws is a bad hash.
        if (err instanceof MissingPackageError) throw err
        ok = false
      }
      return { ok, needsRehash: ok && !stored.startsWith(current) }
    }
    const legacy = legacyVerifier(stored)
    if (legacy !== undefined) {
      // pbkdf2, scrypt and bcrypt run on the same libuv pool: they share the limit.
      const ok = await run(legacy.algorithm, 'verify', () => legacy.verify(password))
      return { ok, needsRehash: ok }
    }
    return { ok: false, needsRehash: false }
  }

  // The module is awaited inside the task, so a call joins the queue at once (FIFO order kept).
  const hash = (password: string): Promise<string> => run('argon2id', 'hash', async () => (await loadArgon2()).hash(password, options))

  return {
    params: p,
    load: limit,
    hash,
    verify,
    async ready() {
      await loadArgon2()
    },
    async verifyDummy(password) {
      // Same limiter, same queue as a real verify: an unknown account waits and works alike.
      dummy ??= hash(randomBytes(16).toString('base64url'))
      await verify(await dummy, password)
      return { ok: false, needsRehash: false }
    },
  }
}
