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
 * The throttle port. The in-memory implementation below suits one instance; the database one
 * (store/kysely/throttle.ts) is shared by every instance over the same database.
 */
export interface LoginThrottle {
  /** Reserves one password check for `key`: 0 to go ahead, or the seconds to wait (> 0). */
  acquire(key: string): MaybePromise<number>
  /** Settles a check that `acquire` let through. */
  settle(key: string, outcome: AttemptOutcome): MaybePromise<void>
  /** Forgets streaks with nothing left to enforce; returns how many. */
  prune(): MaybePromise<number>
}

/** The throttle's defaults, written once (LOGIN_MAX_FAILURES and AuthOptions.loginMaxFailures refer to maxFailures). */
export const THROTTLE_DEFAULTS = Object.freeze({ maxFailures: 5, window: 900, baseDelay: 60, maxDelay: 900, maxEntries: 100_000 })

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
  /** Identifiers remembered at most, in memory; the least recently failed is forgotten first. default: 100000 */
  maxEntries?: number
}

/** One identifier's state; every implementation stores these four numbers. */
export interface Streak {
  failures: number
  /** Checks acquired and not yet settled. */
  pending: number
  /** Epoch ms of the last failure; 0 when none. */
  lastFailureAt: number
  /** Epoch ms before which attempts are refused; 0 when not waiting. */
  waitUntil: number
}

/** ThrottleOptions checked and resolved (times in ms): the rules every implementation applies. */
export interface ThrottleRules {
  readonly clock: Clock
  readonly maxFailures: number
  readonly windowMs: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  readonly maxEntries: number
}

/** Resolves the defaults and refuses nonsense with a TypeError, once, at construction. */
export function throttleRules(options: ThrottleOptions = {}): ThrottleRules {
  const rules: ThrottleRules = {
    clock: options.clock ?? systemClock,
    maxFailures: options.maxFailures ?? THROTTLE_DEFAULTS.maxFailures,
    windowMs: (options.window ?? THROTTLE_DEFAULTS.window) * 1000,
    baseDelayMs: (options.baseDelay ?? THROTTLE_DEFAULTS.baseDelay) * 1000,
    maxDelayMs: (options.maxDelay ?? THROTTLE_DEFAULTS.maxDelay) * 1000,
    maxEntries: options.maxEntries ?? THROTTLE_DEFAULTS.maxEntries,
  }
  if (!Number.isInteger(rules.maxFailures) || rules.maxFailures < 0) throw new TypeError('maxFailures must be a whole number >= 0')
  for (const [name, v] of [['window', rules.windowMs], ['baseDelay', rules.baseDelayMs], ['maxDelay', rules.maxDelayMs], ['maxEntries', rules.maxEntries]] as const) {
    if (!Number.isFinite(v) || v <= 0) throw new TypeError(`${name} must be a positive number`)
  }
  return Object.freeze(rules)
}

/** Nothing left to enforce: the window has passed since the last failure and since the end of the wait. */
export function isStale(rules: ThrottleRules, streak: Streak, now: number): boolean {
  return now >= Math.max(streak.lastFailureAt, streak.waitUntil) + rules.windowMs
}

/**
 * The answer to an attempt on a live streak (undefined: none): 0 to go ahead, or the seconds
 * to wait. The caller counts the attempt as pending when the answer is 0.
 */
export function refusal(rules: ThrottleRules, streak: Streak | undefined, now: number): number {
  if (streak === undefined) return 0
  if (now < streak.waitUntil) return Math.ceil((streak.waitUntil - now) / 1000)
  // The budget left is spoken for by checks still running: this one would exceed it.
  if (streak.pending > 0 && streak.failures + streak.pending >= rules.maxFailures) return 1
  return 0
}

/** Applies a settled check's outcome to its streak (pending already released by the caller). */
export function applyOutcome(rules: ThrottleRules, streak: Streak, outcome: AttemptOutcome, now: number): void {
  if (outcome === 'success') {
    streak.failures = 0
    streak.waitUntil = 0
  } else if (outcome === 'failure') {
    if (isStale(rules, streak, now)) streak.failures = 0
    streak.failures++
    streak.lastFailureAt = now
    if (streak.failures >= rules.maxFailures) {
      streak.waitUntil = now + Math.min(rules.baseDelayMs * 2 ** Math.min(streak.failures - rules.maxFailures, 30), rules.maxDelayMs)
    }
  }
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
  readonly #rules: ThrottleRules

  constructor(options: ThrottleOptions = {}) {
    this.#rules = throttleRules(options)
  }

  acquire(key: string): number {
    if (this.#rules.maxFailures === 0) return 0
    const now = this.#rules.clock.now()
    let streak = this.#current(key, now)
    const wait = refusal(this.#rules, streak, now)
    if (wait > 0) return wait
    if (streak === undefined) {
      this.#evictIfFull()
      streak = { failures: 0, pending: 0, lastFailureAt: 0, waitUntil: 0 }
      this.#streaks.set(key, streak)
    }
    streak.pending++
    return 0
  }

  settle(key: string, outcome: AttemptOutcome): void {
    if (this.#rules.maxFailures === 0) return
    const streak = this.#streaks.get(key)
    if (streak === undefined) return
    streak.pending = Math.max(0, streak.pending - 1)
    applyOutcome(this.#rules, streak, outcome, this.#rules.clock.now())
    if (outcome === 'failure') {
      // Most recently failed last, so eviction drops the coldest streak first.
      this.#streaks.delete(key)
      this.#streaks.set(key, streak)
    }
    if (streak.failures === 0 && streak.pending === 0) this.#streaks.delete(key)
  }

  prune(): number {
    const now = this.#rules.clock.now()
    let n = 0
    for (const [key, streak] of this.#streaks) {
      if (streak.pending === 0 && isStale(this.#rules, streak, now) && this.#streaks.delete(key)) n++
    }
    return n
  }

  /** Streaks held (for tests and metrics). */
  get size(): number {
    return this.#streaks.size
  }

  #current(key: string, now: number): Streak | undefined {
    const streak = this.#streaks.get(key)
    if (streak !== undefined && streak.pending === 0 && isStale(this.#rules, streak, now)) {
      this.#streaks.delete(key)
      return undefined
    }
    return streak
  }

  #evictIfFull(): void {
    if (this.#streaks.size < this.#rules.maxEntries) return
    for (const [key, streak] of this.#streaks) {
      if (streak.pending === 0) {
        this.#streaks.delete(key)
        return
      }
    }
  }
}
