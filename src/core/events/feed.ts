// The feed: how one instance learns the auth events other instances (and the CLI) recorded.
//
// Model: the store's event log is the truth; every event has a seq, and seqs commit in order.
// The feed reads the log from the last seq it applied, on a timer (`pollMs`, the floor that a
// lost wake-up signal, a dropped connection or a restarted broker can only delay) and whenever
// a wake-up signal says something was written (PostgreSQL NOTIFY, Redis pub/sub). Each event
// is published on the bus, so the gate, the user cache and legacy state drop what it changed.
//
// The bound: a read that started at time t and completed sees every event committed before t.
// `isCurrent()` is true only while the last completed catch-up started less than `maxLagMs`
// ago, so an instance that answers "live" from memory has seen every revocation committed more
// than `maxLagMs` earlier, whatever happened to the network. When it is not current, callers
// stop trusting memory and ask the store (fail closed: sessions/check.ts); when the store
// cannot answer either, the request fails with SERVICE_UNAVAILABLE, never a 200. Catching up
// makes it current again by itself. Time here is monotonic (not the domain clock): the bound
// is about real elapsed time, and tests that move the domain clock do not make it stale.

import { performance } from 'node:perf_hooks'
import type { AuthEventBus } from './bus.js'
import type { EventLog } from './types.js'

/** The feed's defaults, written once (INVALIDATION_POLL_MS and INVALIDATION_MAX_LAG_MS refer to them). */
export const FEED_DEFAULTS = Object.freeze({ pollMs: 250, maxLagMs: 1000, batch: 500 })

export interface EventFeedOptions {
  log: EventLog
  bus: AuthEventBus
  /** INVALIDATION_POLL_MS: milliseconds between reads when no wake-up arrives. default: 250 */
  pollMs?: number
  /** INVALIDATION_MAX_LAG_MS: how old the last catch-up may be before memory is not trusted. default: 1000 */
  maxLagMs?: number
  /** Events read per query. default: 500 */
  batch?: number
  /** Monotonic milliseconds. default: performance.now */
  now?: () => number
  /** A read failed (the database is down); the feed keeps trying every pollMs. */
  onError?: (err: unknown) => void
  /** A read succeeded after failures. */
  onRecover?: () => void
  /** The log no longer holds events this instance has not read (pruned while it was away): drop every cache. */
  onGap?: () => void
}

export interface FeedStatus {
  current: boolean
  /** Milliseconds since the last completed catch-up started; Infinity before the first. */
  lagMs: number
  /** The seq of the last event applied. */
  seq: number
  /** The last read's failure, while reads fail. */
  error: string | undefined
}

/**
 * @example
 * const feed = new EventFeed({ log: store.events, bus })
 * await feed.start()        // reads the head: events before now are already in the store
 * signal.onWake(() => feed.wake())
 * if (!feed.isCurrent()) { ... ask the store ... }
 */
export class EventFeed {
  readonly #log: EventLog
  readonly #bus: AuthEventBus
  readonly #pollMs: number
  readonly #maxLagMs: number
  readonly #batch: number
  readonly #now: () => number
  readonly #onError: (err: unknown) => void
  readonly #onRecover: () => void
  readonly #onGap: () => void
  #seq = 0
  /** Start time of the last catch-up that completed. */
  #syncedAt = -Infinity
  #error: string | undefined
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  #again = false
  #stopped = true
  /** Callers of sync() waiting for a catch-up that starts after their call. */
  #waiters: { after: number; resolve: () => void; reject: (err: unknown) => void }[] = []

  constructor(options: EventFeedOptions) {
    this.#log = options.log
    this.#bus = options.bus
    this.#pollMs = options.pollMs ?? FEED_DEFAULTS.pollMs
    this.#maxLagMs = options.maxLagMs ?? FEED_DEFAULTS.maxLagMs
    this.#batch = options.batch ?? FEED_DEFAULTS.batch
    this.#now = options.now ?? (() => performance.now())
    this.#onError = options.onError ?? (() => {})
    this.#onRecover = options.onRecover ?? (() => {})
    this.#onGap = options.onGap ?? (() => {})
    if (!Number.isInteger(this.#pollMs) || this.#pollMs < 1) throw new TypeError('pollMs must be a whole number of milliseconds >= 1')
    // maxLagMs <= pollMs is allowed (tests use it) but means going to the store between polls;
    // the server's configuration refuses it (INVALIDATION_MAX_LAG_MS).
    if (!(this.#maxLagMs > 0)) throw new TypeError('maxLagMs must be > 0')
    if (!Number.isInteger(this.#batch) || this.#batch < 1) throw new TypeError('batch must be a whole number >= 1')
  }

  /** Starts at the log's head (the store already holds everything before it) and polls. */
  async start(): Promise<void> {
    const startedAt = this.#now()
    this.#seq = await this.#log.head()
    this.#syncedAt = startedAt
    this.#stopped = false
    this.#schedule()
  }

  /** Stops polling; a read in flight finishes. */
  async stop(): Promise<void> {
    this.#stopped = true
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = undefined
    await this.#running?.catch(() => {})
    for (const w of this.#waiters.splice(0)) w.reject(new Error('event feed stopped'))
  }

  /** Something was written: read now (coalesced with a read in flight). */
  wake(): void {
    if (this.#stopped) return
    if (this.#running !== undefined) {
      this.#again = true
      return
    }
    this.#running = this.#catchUp().finally(() => {
      this.#running = undefined
      if (this.#again && !this.#stopped) {
        this.#again = false
        this.wake()
      } else this.#schedule()
    })
  }

  /** Resolves after a catch-up that started after this call has completed (tests, health checks). */
  sync(): Promise<void> {
    const after = this.#now()
    const waiting = new Promise<void>((resolve, reject) => this.#waiters.push({ after, resolve, reject }))
    this.wake()
    return waiting
  }

  /** True while memory may be trusted; O(1), for the request path. */
  isCurrent(): boolean {
    return this.#now() - this.#syncedAt <= this.#maxLagMs
  }

  status(): FeedStatus {
    return { current: this.isCurrent(), lagMs: this.#now() - this.#syncedAt, seq: this.#seq, error: this.#error }
  }

  #schedule(): void {
    if (this.#stopped || this.#running !== undefined) return
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      this.wake()
    }, this.#pollMs)
    this.#timer.unref()
  }

  async #catchUp(): Promise<void> {
    const startedAt = this.#now()
    try {
      for (;;) {
        const events = await this.#log.read(this.#seq, this.#batch)
        // Seqs are consecutive: a jump means rows were pruned before this instance read them.
        if (events.length > 0 && events[0]!.seq > this.#seq + 1) this.#onGap()
        for (const { seq, event } of events) {
          if (event === undefined) this.#onGap()
          else this.#bus.publish(event, 'feed')
          this.#seq = seq
        }
        if (events.length < this.#batch) break
      }
      this.#syncedAt = startedAt
      if (this.#error !== undefined) this.#onRecover()
      this.#error = undefined
      for (const w of this.#waiters.filter((w) => w.after <= startedAt)) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1)
        w.resolve()
      }
    } catch (err) {
      this.#error = err instanceof Error ? err.message : String(err)
      this.#onError(err)
    }
  }
}
