// Turning two-factor login off. The user does it with a fresh token (the route's guard) and a
// current code or a recovery code, so a stolen session alone cannot remove the factor; their
// sessions stay (they proved both factors just now). An admin resets it for a user who lost the
// authenticator: every session of that user ends, since any of them may be the thief's.

import { auditEntry } from '../audit/record.js'
import type { AuditSource } from '../audit/types.js'
import type { AuthContext } from '../context.js'
import { AuthError } from '../errors.js'
import { requireUser } from '../accounts/self.js'
import { throttledCheck } from '../accounts/login.js'
import { revokeUserSessions } from '../sessions/revoke.js'
import { checkSecondFactor, codeThrottleKey, type SecondFactor } from './second-factor.js'

/** Turns the user's factor off after checking `factor`. MFA_CODE_INVALID, MFA_NOT_ENABLED, LOGIN_THROTTLED, USER_NOT_FOUND. */
export async function disableTotp(ctx: AuthContext, userId: string, factor: SecondFactor, source?: AuditSource): Promise<void> {
  const user = await requireUser(ctx, userId)
  const totp = await ctx.store.findTotp(user.id)
  if (totp === undefined || totp.confirmedAt === null) throw new AuthError('MFA_NOT_ENABLED')
  const ok = await throttledCheck(ctx, codeThrottleKey(user.id), () => checkSecondFactor(ctx, user.id, factor))
  if (ok === undefined) throw new AuthError('MFA_CODE_INVALID')
  const audit = auditEntry(ctx, { event: 'mfa_disabled', subjectId: user.id }, source)
  if (!(await ctx.store.deleteTotp(user.id, { audit }))) throw new AuthError('MFA_NOT_ENABLED')
}

/**
 * An admin's reset: removes the user's factor (pending or confirmed) and recovery codes and ends
 * every session of the user; returns how many sessions ended. MFA_NOT_ENABLED, USER_NOT_FOUND.
 */
export async function resetTotp(ctx: AuthContext, userId: string, source?: AuditSource): Promise<{ revoked: number }> {
  const user = await requireUser(ctx, userId)
  const audit = auditEntry(ctx, { event: 'mfa_reset', subjectId: user.id }, source)
  if (!(await ctx.store.deleteTotp(user.id, { audit }))) throw new AuthError('MFA_NOT_ENABLED')
  return { revoked: await revokeUserSessions(ctx, user.id, 'mfa_reset') }
}
