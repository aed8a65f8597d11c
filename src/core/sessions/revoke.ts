// Revocation: the store records it and the gate forgets the session in the same tick, so the
// session's access and refresh tokens stop working at once (not at their expiry).

import { isoAt, type AuthContext } from '../context.js'

/** How long a revoked session must be remembered: until any token naming it has expired. */
function horizon(ctx: AuthContext): number {
  return ctx.clock.now() + ctx.issuer.refreshTtl * 1000
}

export async function revokeSession(ctx: AuthContext, sid: string, reason: string): Promise<boolean> {
  const revoked = await ctx.store.revokeSession(sid, isoAt(ctx.clock.now()), reason)
  ctx.gate.revoke(sid, horizon(ctx))
  return revoked
}

/** Revokes all of a user's sessions but `exceptSid`; returns how many were revoked. */
export async function revokeUserSessions(ctx: AuthContext, userId: string, reason: string, exceptSid?: string): Promise<number> {
  // Legacy tokens (no session) issued until now die with the sessions, in the same tick.
  ctx.legacy?.revokeUser(userId, ctx.clock.now())
  const ids = await ctx.store.revokeUserSessions(userId, isoAt(ctx.clock.now()), reason, exceptSid)
  const until = horizon(ctx)
  for (const id of ids) ctx.gate.revoke(id, until)
  return ids.length
}
