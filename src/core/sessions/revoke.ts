// Revocation: the store records it (with its auth event, for the other instances) and this
// instance applies the event in the same tick, so the session's access and refresh tokens stop
// working here at once (not at their expiry), and everywhere else within the feed's bound.

import type { AuditRecord } from '../audit/types.js'
import { isoAt, type AuthContext } from '../context.js'
import type { RevocationReason } from '../events/types.js'

/** Revokes one session; `audit`, the row recording it, is written with the revocation (none when it was not live). */
export async function revokeSession(ctx: AuthContext, sid: string, reason: RevocationReason, audit?: AuditRecord): Promise<boolean> {
  const at = isoAt(ctx.clock.now())
  const revoked = await ctx.store.revokeSession(sid, at, reason, { audit })
  // Published even when the row was already revoked: this gate may still hold it as live.
  ctx.events.publish({ type: 'session_revoked', sessionId: sid, reason, at })
  return revoked
}

/** Revokes all of a user's sessions but `exceptSid`, with its `audit` row; returns how many were revoked. */
export async function revokeUserSessions(ctx: AuthContext, userId: string, reason: RevocationReason, exceptSid?: string, audit?: AuditRecord): Promise<number> {
  const now = ctx.clock.now()
  // Legacy tokens (no session) issued until now die before the store is even asked.
  ctx.legacy?.revokeUser(userId, now)
  const at = isoAt(now)
  const ids = await ctx.store.revokeUserSessions(userId, at, reason, exceptSid, { audit })
  ctx.events.publish({ type: 'user_sessions_revoked', userId, sessionIds: ids, reason, at })
  return ids.length
}
