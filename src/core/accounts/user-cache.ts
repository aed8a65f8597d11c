// A short-lived in-memory cache of user rows by id, for reads that may be a few seconds stale:
// GET /auth/me and the liveness of legacy tokens. Every user write made through core in this
// process drops the entry at once (see cached-store.ts), and so does its auth event on every
// other instance (events/apply.ts); a change made straight in the database, with no event, is
// seen once the entry expires (default 30 s). Security decisions
// that must see the latest row (refresh, opening a session) read the store, not this cache.

import type { Clock } from '../clock.js'
import type { UserRecord } from '../store.js'

export interface UserCacheOptions {
  clock: Clock
  /** Milliseconds an entry answers; 0 turns caching off. default: 30000 */
  ttlMs?: number
  /** Entries kept; the oldest goes first past it. default: 10000 */
  max?: number
  /** False while this instance may have missed other instances' changes: every read goes to the store. default: always true */
  trusted?: () => boolean
}

interface Entry {
  user: UserRecord | undefined
  until: number
}

/**
 * Rows are frozen: every caller shares them. An absent user is cached too (as `undefined`).
 *
 * @example
 * const users = new UserCache((id) => store.findUserById(id), { clock })
 * const user = await users.get(claims.sub) // from memory for 30 s, or until a write through core
 */
export class UserCache {
  readonly #load: (id: string) => Promise<UserRecord | undefined>
  readonly #clock: Clock
  readonly #ttlMs: number
  readonly #max: number
  readonly #trusted: () => boolean
  readonly #entries = new Map<string, Entry>()
  /** One store read per id at a time; dropped by a write so its (maybe older) answer is not kept. */
  readonly #loading = new Map<string, Promise<UserRecord | undefined>>()
  /** Writes in flight per id: while any runs, reads go to the store and nothing is kept. */
  readonly #writing = new Map<string, number>()
  #hits = 0
  #misses = 0

  constructor(load: (id: string) => Promise<UserRecord | undefined>, options: UserCacheOptions) {
    const { ttlMs = 30_000, max = 10_000 } = options
    if (!(ttlMs >= 0) || !Number.isFinite(ttlMs)) throw new TypeError('user cache ttl must be a finite number >= 0 (ms)')
    if (!Number.isInteger(max) || max < 1) throw new TypeError('user cache size must be an integer >= 1')
    this.#load = load
    this.#clock = options.clock
    this.#ttlMs = ttlMs
    this.#max = max
    this.#trusted = options.trusted ?? (() => true)
  }

  get size(): number {
    return this.#entries.size
  }

  /** Entries held, and reads since construction answered from memory (hits) or not (misses: the store, or a read of it in flight). */
  get stats(): { size: number; hits: number; misses: number } {
    return { size: this.#entries.size, hits: this.#hits, misses: this.#misses }
  }

  /** The user (or undefined when absent): synchronously from memory on a hit, else a promise. */
  get(id: string): UserRecord | undefined | Promise<UserRecord | undefined> {
    const now = this.#clock.now()
    if (!this.#trusted()) {
      this.#misses++
      return this.#load(id)
    }
    const hit = this.#entries.get(id)
    if (hit !== undefined) {
      if (now < hit.until) {
        this.#hits++
        return hit.user
      }
      this.#entries.delete(id)
    }
    this.#misses++
    if (this.#writing.has(id)) return this.#load(id)
    const inFlight = this.#loading.get(id)
    if (inFlight !== undefined) return inFlight
    const read: Promise<UserRecord | undefined> = this.#load(id).then(
      (user) => {
        if (this.#loading.get(id) !== read) return user
        this.#loading.delete(id)
        return this.#remember(id, user, now)
      },
      (err: unknown) => {
        if (this.#loading.get(id) === read) this.#loading.delete(id)
        throw err
      },
    )
    this.#loading.set(id, read)
    return read
  }

  /** Drops what is known of `id` (and any read of it in flight). */
  invalidate(id: string): void {
    this.#entries.delete(id)
    this.#loading.delete(id)
  }

  /**
   * Runs a write of user `id`: the entry is dropped before it starts and again after it ends,
   * and no read that overlaps it is cached, so the next read after it returns sees its result.
   */
  async write<T>(id: string, op: () => Promise<T>): Promise<T> {
    this.#writing.set(id, (this.#writing.get(id) ?? 0) + 1)
    this.invalidate(id)
    try {
      return await op()
    } finally {
      const left = this.#writing.get(id)! - 1
      if (left === 0) this.#writing.delete(id)
      else this.#writing.set(id, left)
      this.invalidate(id)
    }
  }

  /** Forgets expired entries; returns how many. */
  prune(now: number = this.#clock.now()): number {
    let n = 0
    for (const [id, e] of this.#entries) if (e.until <= now && this.#entries.delete(id)) n++
    return n
  }

  clear(): void {
    this.#entries.clear()
    this.#loading.clear()
  }

  #remember(id: string, user: UserRecord | undefined, readAt: number): UserRecord | undefined {
    if (this.#ttlMs === 0) return user
    const frozen = user === undefined ? undefined : Object.freeze({ ...user, roles: Object.freeze([...user.roles]) as string[] })
    this.#entries.delete(id)
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value!)
    this.#entries.set(id, { user: frozen, until: readAt + this.#ttlMs })
    return frozen
  }
}
