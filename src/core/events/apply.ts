// What an auth event means to this instance's memory: the one subscriber that keeps the session
// gate, the user cache and legacy-token state in step with the store, for events made here and
// events read from the log (made by another instance or the CLI). Applying an event twice is
// harmless, so an instance may see its own events again through the feed.

import type { UserCache } from '../accounts/user-cache.js'
import type { Clock } from '../clock.js'
import type { SessionGate } from '../sessions/gate.js'
import type { LegacyTokens } from '../sessions/legacy.js'
import type { AuthEvent } from './types.js'

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
export function applyTo(caches: Caches): (event: AuthEvent) => void {
  const horizon = () => caches.clock.now() + caches.refreshTtl * 1000
  return (event) => {
    switch (event.type) {
      case 'session_revoked':
        caches.gate.revoke(event.sessionId, horizon())
        return
      case 'user_sessions_revoked': {
        const until = horizon()
        for (const sid of event.sessionIds) caches.gate.revoke(sid, until)
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
