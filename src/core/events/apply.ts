// What an auth event means to this instance's memory: the one subscriber that keeps the session
// gate, the user cache and legacy-token state in step with the store, for events made here and
// events read from the log (made by another instance or the CLI). Applying an event twice is
// harmless, so an instance may see its own events again through the feed.

import type { UserCache } from '../accounts/user-cache.js'
import type { Clock } from '../clock.js'
import type { SessionGate } from '../sessions/gate.js'
import type { LegacyTokens } from '../sessions/legacy.js'
import type { EventOrigin } from './bus.js'
import type { AuthEvent } from './types.js'

/**
 * How long a revocation read from the log is remembered for a session this instance does not
 * hold as live: long enough to outlast a store read that began before the revocation (which
 * must not bring the session back), after which the store's own row answers. Sessions it holds
 * live are remembered until their tokens expire, like the ones revoked here.
 */
export const FOREIGN_REVOCATION_MS = 60_000

export interface Caches {
  gate: SessionGate
  users: UserCache
  legacy: LegacyTokens | undefined
  clock: Clock
  /** Seconds a revoked session must be remembered: the longest a token naming it can verify. */
  refreshTtl: number
}

/**
 * @example
 * bus.subscribe(applyTo({ gate, users, legacy, clock, refreshTtl: 2592000 }))
 */
export function applyTo(caches: Caches): (event: AuthEvent, origin: EventOrigin) => void {
  const horizon = () => caches.clock.now() + caches.refreshTtl * 1000
  // Every instance sees every revocation of the cluster: remembering each for the refresh
  // lifetime would hold a month of other instances' logouts in every process.
  const revoke = (sid: string, origin: EventOrigin, until: number) =>
    caches.gate.revoke(sid, origin === 'local' || caches.gate.holdsLive(sid) ? until : caches.clock.now() + FOREIGN_REVOCATION_MS)
  return (event, origin) => {
    switch (event.type) {
      case 'session_revoked':
        revoke(event.sessionId, origin, horizon())
        return
      case 'user_sessions_revoked': {
        const until = horizon()
        for (const sid of event.sessionIds) revoke(sid, origin, until)
        caches.legacy?.revokeUser(event.userId, Date.parse(event.at))
        return
      }
      case 'user_updated':
      case 'user_deleted':
        caches.users.invalidate(event.userId)
        return
      case 'legacy_token_revoked':
        caches.legacy?.revokeJti(event.jti, event.forgetAt)
        return
    }
  }
}

/** Forget everything remembered as live (the feed missed events): the store is asked again. */
export function forgetLive(caches: Pick<Caches, 'gate' | 'users'>): void {
  caches.gate.forgetLive()
  caches.users.clear()
}
