// The session gate: is this session still live? Asked on every protected request, so it
// answers from memory.
//
// Model: a session is live until it is revoked or expires. The gate remembers sessions it
// has seen live (with their expiry) and sessions it knows are dead (until the last token
// that could name them has expired). Revocation in this process updates the gate in the same
// tick as the store, so it takes effect immediately with no database round trip on the
// request path. A session the gate has never seen answers 'unknown' and the caller asks the
// store once. Other instances' revocations arrive as auth events (events/apply.ts), read from
// the store's log by the feed, which is why revocation is a method here, not a store callback.

import type { SessionRecord } from '../store.js'

export type Liveness = 'live' | 'dead' | 'unknown'

interface LiveEntry {
  readonly userId: string
  readonly expiresAt: number
}

/**
 * Forget-after times of dead sessions are kept in whole seconds, rounded up (never forgotten
 * early): a small integer is stored inline in the map, where epoch milliseconds would each
 * take a 16-byte heap number (16 MB per million revoked sessions). Inline until 2038.
 */
function seconds(ms: number): number {
  return Math.ceil(ms / 1000)
}

export class SessionGate {
  readonly #live = new Map<string, LiveEntry>()
  /** sid -> epoch seconds after which no token of that session can verify, so it can be forgotten. */
  readonly #dead = new Map<string, number>()

  /** Answers from memory only; O(1). */
  check(sid: string, userId: string, now: number): Liveness {
    const live = this.#live.get(sid)
    if (live !== undefined) {
      if (live.userId === userId && now < live.expiresAt) return 'live'
      return 'dead'
    }
    return this.#dead.has(sid) ? 'dead' : 'unknown'
  }

  /** Records what the store said about a session the gate did not know. */
  learn(session: SessionRecord | undefined, sid: string, now: number, forgetAfter: number): Liveness {
    // Revocation is final: a store read that began before a revoke must not bring the session back.
    if (this.#dead.has(sid)) return 'dead'
    if (session === undefined || session.revokedAt !== null || Date.parse(session.expiresAt) <= now) {
      this.#dead.set(sid, seconds(session === undefined ? forgetAfter : Math.max(forgetAfter, Date.parse(session.expiresAt))))
      this.#live.delete(sid)
      return 'dead'
    }
    this.#live.set(sid, { userId: session.userId, expiresAt: Date.parse(session.expiresAt) })
    return 'live'
  }

  /**
   * A session just created or extended in this process. False (and nothing admitted) when it
   * was revoked meanwhile, e.g. between a refresh rotation's commit and this call.
   */
  admit(sid: string, userId: string, expiresAt: number): boolean {
    if (this.#dead.has(sid)) return false
    this.#live.set(sid, { userId, expiresAt })
    return true
  }

  /** Marks a session dead until `forgetAfter` (epoch ms): its tokens stop working now. */
  revoke(sid: string, forgetAfter: number): void {
    const live = this.#live.get(sid)
    this.#live.delete(sid)
    this.#dead.set(sid, seconds(Math.max(forgetAfter, live?.expiresAt ?? 0)))
  }

  /** True when the gate holds the session as live (whatever its user or expiry). */
  holdsLive(sid: string): boolean {
    return this.#live.has(sid)
  }

  /** Forgets every live entry (revocations may have been missed); dead ones stay dead. */
  forgetLive(): void {
    this.#live.clear()
  }

  /** Forgets dead sessions whose tokens have all expired, and live ones that expired. */
  prune(now: number): number {
    let n = 0
    for (const [sid, until] of this.#dead) if (until * 1000 <= now && this.#dead.delete(sid)) n++
    for (const [sid, e] of this.#live) if (e.expiresAt <= now && this.#live.delete(sid)) n++
    return n
  }

  get size(): { live: number; dead: number } {
    return { live: this.#live.size, dead: this.#dead.size }
  }
}
