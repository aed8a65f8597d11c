// Brute-force protection for password checks: failures are counted per submitted identifier
// (normalized email or username), whether or not an account exists, so a throttled answer
// says nothing about which accounts are real (OWASP Authentication Cheat Sheet, "Login
// Throttling"; RFC 6585 §4 for the 429 and its Retry-After).
//
// Model: each identifier has a streak of failed checks. Once the streak reaches `maxFailures`,
// every further attempt waits: `baseDelay` after that failure, doubling with each further
// failure, capped at `maxDelay`. A streak is forgotten `window` seconds after its last failure
// or the end of its wait, whichever is later, and a successful check resets it at once.
// Attempts refused during a wait never reach the password hasher and do not lengthen it, so a
// user retrying early is not punished further. Checks in flight count against the budget, so
// a burst of parallel guesses cannot slip past the limit before the first failure is recorded.

import { systemClock, type Clock } from '../clock.js'
import type { LoginIdentifier } from './login.js'
import { normalizeEmail, normalizeUsername } from './rules.js'

type MaybePromise<T> = T | Promise<T>

/** How a reserved password check ended. `aborted`: it never answered (e.g. a store error). */
export type AttemptOutcome = 'success' | 'failure' | 'aborted'

/**
 * The throttle port. The in-memory implementation below suits one instance; a shared one
 * (Redis, the database) implements the same three methods.
 */
export interface LoginThrottle {
  /** Reserves one password check for `key`: 0 to go ahead, or the seconds to wait (> 0). */
  acquire(key: string): MaybePromise<number>
  /** Settles a check that `acquire` let through. */
  settle(key: string, outcome: AttemptOutcome): MaybePromise<void>
  /** Forgets streaks with nothing left to enforce; returns how many. */
  prune(): MaybePromise<number>
}

export interface ThrottleOptions {
  /** default: the system clock */
  clock?: Clock
  /** Failed checks before waits begin (LOGIN_MAX_FAILURES); 0 disables throttling. default: 5 */
  maxFailures?: number
  /** Seconds without a failure (or a wait) after which a streak is forgotten. default: 900 (15 min) */
  window?: number
  /** The first wait, seconds; it doubles with each further failure. default: 60 */
  baseDelay?: number
  /** The longest wait, seconds. default: 900 (15 min) */
  maxDelay?: number
  /** Identifiers remembered at most; the least recently failed is forgotten first. default: 100000 */
  maxEntries?: number
}

interface Streak {
  failures: number
  /** Checks acquired and not yet settled. */
  pending: number
  lastFailureAt: number
  /** Epoch ms before which attempts are refused; 0 when not waiting. */
  waitUntil: number
}

/** The throttle key of a login identifier: its kind plus its normalized value. */
export function throttleKey(identifier: LoginIdentifier): string {
  return 'email' in identifier ? `email:${normalizeEmail(identifier.email)}` : `username:${normalizeUsername(identifier.username)}`
}

/**
 * Login throttling held in this process's memory.
 *
 * @example
 * const throttle = new MemoryLoginThrottle({ maxFailures: 5, clock })
 * const wait = throttle.acquire('email:ada@example.com') // 0: go ahead and check the password
 * throttle.settle('email:ada@example.com', 'failure')
 */
export class MemoryLoginThrottle implements LoginThrottle {
  readonly #streaks = new Map<string, Streak>()
  readonly #clock: Clock
  readonly #max: number
  readonly #windowMs: number
  readonly #baseMs: number
  readonly #maxDelayMs: number
  readonly #maxEntries: number

  constructor(options: ThrottleOptions = {}) {
    this.#clock = options.clock ?? systemClock
    this.#max = options.maxFailures ?? 5
    this.#windowMs = (options.window ?? 900) * 1000
    this.#baseMs = (options.baseDelay ?? 60) * 1000
    this.#maxDelayMs = (options.maxDelay ?? 900) * 1000
    this.#maxEntries = options.maxEntries ?? 100_000
    if (!Number.isInteger(this.#max) || this.#max < 0) throw new TypeError('maxFailures must be a whole number >= 0')
    for (const [name, v] of [['window', this.#windowMs], ['baseDelay', this.#baseMs], ['maxDelay', this.#maxDelayMs], ['maxEntries', this.#maxEntries]] as const) {
      if (!Number.isFinite(v) || v <= 0) throw new TypeError(`${name} must be a positive number`)
    }
  }

  acquire(key: string): number {
    if (this.#max === 0) return 0
    const now = this.#clock.now()
    let streak = this.#current(key, now)
    if (streak !== undefined && now < streak.waitUntil) return Math.ceil((streak.waitUntil - now) / 1000)
    // The budget left is spoken for by checks still running: this one would exceed it.
    if (streak !== undefined && streak.pending > 0 && streak.failures + streak.pending >= this.#max) return 1
    if (streak === undefined) {
      this.#evictIfFull()
      streak = { failures: 0, pending: 0, lastFailureAt: 0, waitUntil: 0 }
      this.#streaks.set(key, streak)
    }
    streak.pending++
    return 0
  }

  settle(key: string, outcome: AttemptOutcome): void {
    if (this.#max === 0) return
    const streak = this.#streaks.get(key)
    if (streak === undefined) return
    streak.pending = Math.max(0, streak.pending - 1)
    if (outcome === 'success') {
      streak.failures = 0
      streak.waitUntil = 0
    } else if (outcome === 'failure') {
      const now = this.#clock.now()
      if (this.#isStale(streak, now)) streak.failures = 0
      streak.failures++
      streak.lastFailureAt = now
      if (streak.failures >= this.#max) {
        const delay = Math.min(this.#baseMs * 2 ** Math.min(streak.failures - this.#max, 30), this.#maxDelayMs)
        streak.waitUntil = now + delay
      }
      // Most recently failed last, so eviction drops the coldest streak first.
      this.#streaks.delete(key)
      this.#streaks.set(key, streak)
    }
    if (streak.failures === 0 && streak.pending === 0) this.#streaks.delete(key)
  }

  prune(): number {
    const now = this.#clock.now()
    let n = 0
    for (const [key, streak] of this.#streaks) {
      if (streak.pending === 0 && this.#isStale(streak, now) && this.#streaks.delete(key)) n++
    }
    return n
  }

  /** Streaks held (for tests and metrics). */
  get size(): number {
    return this.#streaks.size
  }

  #current(key: string, now: number): Streak | undefined {
    const streak = this.#streaks.get(key)
    if (streak !== undefined && streak.pending === 0 && this.#isStale(streak, now)) {
      this.#streaks.delete(key)
      return undefined
    }
    return streak
  }

  #isStale(streak: Streak, now: number): boolean {
    return now >= Math.max(streak.lastFailureAt, streak.waitUntil) + this.#windowMs
  }

  #evictIfFull(): void {
    if (this.#streaks.size < this.#maxEntries) return
    for (const [key, streak] of this.#streaks) {
      if (streak.pending === 0) {
        this.#streaks.delete(key)
        return
      }
    }
  }
}
