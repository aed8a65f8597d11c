// Revocation: the store records it (with its auth event, for the other instances) and this
// instance applies the event in the same tick, so the session's access and refresh tokens stop
// working here at once (not at their expiry), and everywhere else within the feed's bound.

import { isoAt, type AuthContext } from '../context.js'
import type { RevocationReason } from '../events/types.js'

export async function revokeSession(ctx: AuthContext, sid: string, reason: RevocationReason): Promise<boolean> {
  const at = isoAt(ctx.clock.now())
  const revoked = await ctx.store.revokeSession(sid, at, reason)
  // Published even when the row was already revoked: this gate may still hold it as live.
  ctx.events.publish({ type: 'session_revoked', sessionId: sid, reason, at })
  return revoked
}

/** Revokes all of a user's sessions but `exceptSid`; returns how many were revoked. */
export async function revokeUserSessions(ctx: AuthContext, userId: string, reason: RevocationReason, exceptSid?: string): Promise<number> {
  const now = ctx.clock.now()
  // Legacy tokens (no session) issued until now die before the store is even asked.
  ctx.legacy?.revokeUser(userId, now)
  const at = isoAt(now)
  const ids = await ctx.store.revokeUserSessions(userId, at, reason, exceptSid)
  ctx.events.publish({ type: 'user_sessions_revoked', userId, sessionIds: ids, reason, at })
  return ids.length
}
