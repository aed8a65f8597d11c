// Email verification: proving an address is the user's by a link mailed to it (the link's
// security model: mailed-links.ts). A token proves the address it was sent to, and only while
// that is still the account's address; an email change's token (email-change.ts), sent to the
// new address, is followed here too and makes that address the account's. A resend answers the same whether the address has an
// account, is already verified, or was just sent one (no enumeration).

import { auditEntry } from '../audit/record.js'
import type { AuditSource } from '../audit/types.js'
import { isoAt, type AuthContext } from '../context.js'
import { AuthError } from '../errors.js'
import type { UserRecord } from '../store.js'
import { applyEmailChange } from './email-change.js'
import { mailLink, sentRecently, takeToken } from './mailed-links.js'
import { normalizeEmail } from './rules.js'

/** Mails the user a verification link; false when the Auth has no mail. */
export function sendVerification(ctx: AuthContext, user: UserRecord): Promise<boolean> {
  return mailLink(ctx, user, 'verify_email')
}

/**
 * Marks the address a token was sent to as verified, and returns the account. One refusal for
 * every failure (unknown, used, replaced, expired, the address changed since, the account gone):
 * VERIFICATION_TOKEN_INVALID. An email change's token makes its address the account's
 * (EMAIL_TAKEN when another account took it meanwhile).
 */
export async function verifyEmail(ctx: AuthContext, token: string, source?: AuditSource): Promise<UserRecord> {
  const taken = await takeToken(ctx, token, 'verify_email')
  if (taken === undefined) {
    const change = await takeToken(ctx, token, 'email_change')
    if (change === undefined) throw new AuthError('VERIFICATION_TOKEN_INVALID')
    return applyEmailChange(ctx, change, source)
  }
  const user = await ctx.store.findUserById(taken.userId)
  if (user === undefined || user.email !== taken.email) throw new AuthError('VERIFICATION_TOKEN_INVALID')
  if (user.emailVerifiedAt !== null) return user
  const now = isoAt(ctx.clock.now())
  const audit = auditEntry(ctx, { event: 'email_verified', subjectId: user.id }, source)
  const updated = await ctx.store.updateUser(user.id, { emailVerifiedAt: now, updatedAt: now }, { audit })
  if (updated === undefined || 'conflict' in updated) throw new AuthError('VERIFICATION_TOKEN_INVALID')
  return updated
}

/**
 * Sends a new link to `email` when it names an unverified, enabled account not sent one within
 * the resend interval. Resolves alike in every case.
 */
export async function resendVerification(ctx: AuthContext, email: string): Promise<void> {
  if (ctx.mail === undefined) return
  const user = await ctx.store.findUserByEmail(normalizeEmail(email))
  if (user === undefined || user.emailVerifiedAt !== null || user.disabled || (await sentRecently(ctx, 'verify_email', user.id))) return
  await sendVerification(ctx, user)
}
