// Changing the email address of one's own account. The new address must be proven before it
// replaces the old one: a link goes to the new address, and the account keeps the old one until
// it is followed (POST /auth/email/verify takes both kinds of link). The old address is told at
// once, so a user whose session was stolen learns of the attempt. Without mail nothing can be
// proven: MAIL_NOT_CONFIGURED. (The link's security model: mailed-links.ts.)

import { auditEntry } from '../audit/record.js'
import type { AuditSource } from '../audit/types.js'
import { isoAt, type AuthContext } from '../context.js'
import { AuthError } from '../errors.js'
import type { AccountTokenRecord, UserRecord } from '../store.js'
import { mailLink } from './mailed-links.js'
import { emailProblem, normalizeEmail } from './rules.js'
import { requireUser } from './self.js'

/**
 * Mails a confirmation link to `newEmail` and a notice to the current address. VALIDATION_FAILED
 * (not an address, or the current one), EMAIL_TAKEN, MAIL_NOT_CONFIGURED, USER_NOT_FOUND.
 */
export async function requestEmailChange(ctx: AuthContext, userId: string, newEmail: string): Promise<void> {
  const mail = ctx.mail
  if (mail === undefined) throw new AuthError('MAIL_NOT_CONFIGURED')
  const problem = emailProblem(newEmail)
  if (problem !== undefined) throw new AuthError('VALIDATION_FAILED', problem, { details: { field: 'email' } })
  const email = normalizeEmail(newEmail)
  const user = await requireUser(ctx, userId)
  if (email === user.email) throw new AuthError('VALIDATION_FAILED', 'email must differ from the account\'s current address', { details: { field: 'email' } })
  if ((await ctx.store.findUserByEmail(email)) !== undefined) throw new AuthError('EMAIL_TAKEN')
  await mailLink(ctx, user, 'email_change', email)
  void mail.sender.send('email_change_notice', user.email, { app_name: mail.appName, email: user.email, new_email: email })
}

/**
 * Makes a taken email_change token's address the account's, verified. EMAIL_TAKEN when another
 * account took it meanwhile; VERIFICATION_TOKEN_INVALID when the account is gone.
 */
export async function applyEmailChange(ctx: AuthContext, taken: AccountTokenRecord, source?: AuditSource): Promise<UserRecord> {
  const now = isoAt(ctx.clock.now())
  // The row names neither address: the account's id is enough to find it.
  const audit = auditEntry(ctx, { event: 'email_changed', subjectId: taken.userId }, source)
  const updated = await ctx.store.updateUser(taken.userId, { email: taken.email, emailVerifiedAt: now, updatedAt: now }, { audit })
  if (updated === undefined) throw new AuthError('VERIFICATION_TOKEN_INVALID')
  if ('conflict' in updated) throw new AuthError('EMAIL_TAKEN')
  // A reset link mailed to the old address must not reach the account any more.
  await ctx.store.deleteAccountTokens(taken.userId, 'password_reset')
  return updated
}
