// Password reset: a forgotten password recovered through a link mailed to the account's address
// (the link's security model: mailed-links.ts).
//
// No enumeration: forgotPassword does its work (the lookup, the token, the message) after it
// has answered, so the answer and its timing are the same whether or not the address has an
// account. A reset link is invalidated by a newer request and by any password change. Resetting
// sets the password under the same policy as registering, signs out every session of the
// account on every instance (revocation reason password_reset), counts as proof of the address,
// and mails a notice, so a user who did not do it learns of it.

import { auditEntry } from '../audit/record.js'
import type { AuditSource } from '../audit/types.js'
import { isoAt, type AuthContext } from '../context.js'
import { AuthError, isAuthError } from '../errors.js'
import { mailErrorCode } from '../mail/send.js'
import { revokeUserSessions } from '../sessions/revoke.js'
import type { UserRecord } from '../store.js'
import { mailLink, sentRecently, takeToken } from './mailed-links.js'
import { acceptNewPassword } from './password-policy.js'
import { normalizeEmail } from './rules.js'

/**
 * Mails a reset link to `email` when it names an enabled account not sent one within the resend
 * interval. Returns at once, before any of that is done; a failure (the database or the mail
 * server down) is published as a failed `password_reset` message.
 */
export function forgotPassword(ctx: AuthContext, email: string): void {
  const mail = ctx.mail
  if (mail === undefined) return
  const work = async () => {
    const user = await ctx.store.findUserByEmail(normalizeEmail(email))
    if (user === undefined || user.disabled || (await sentRecently(ctx, 'password_reset', user.id))) return
    await mailLink(ctx, user, 'password_reset')
  }
  work().catch((err: unknown) => ctx.activity.publish({ type: 'mail', kind: 'password_reset', outcome: 'failed', error: mailErrorCode(err) }))
}

/**
 * Sets a new password with a mailed reset token and signs out every session of the account.
 * PASSWORD_RESET_TOKEN_INVALID (unknown, used, replaced, expired, or for an address the account
 * no longer has), ACCOUNT_DISABLED, and the new password's VALIDATION_FAILED or
 * PASSWORD_TOO_WEAK (the token then stays usable).
 */
export async function resetPassword(ctx: AuthContext, token: string, newPassword: string, source?: AuditSource): Promise<{ user: UserRecord; revoked: number }> {
  const taken = await takeToken(ctx, token, 'password_reset')
  if (taken === undefined) throw new AuthError('PASSWORD_RESET_TOKEN_INVALID')
  const user = await ctx.store.findUserById(taken.userId)
  if (user === undefined || user.email !== taken.email) throw new AuthError('PASSWORD_RESET_TOKEN_INVALID')
  if (user.disabled) throw new AuthError('ACCOUNT_DISABLED')
  let password: string
  try {
    password = await acceptNewPassword(ctx, newPassword, user, 'new_password')
  } catch (err) {
    // A refused password must not cost the user their link: it goes back as it was.
    if (isAuthError(err)) await ctx.store.issueAccountToken(taken)
    throw err
  }
  const now = isoAt(ctx.clock.now())
  const passwordHash = await ctx.hasher.hash(password)
  const audit = auditEntry(ctx, { event: 'password_reset', subjectId: user.id }, source)
  const updated = await ctx.store.updateUser(user.id, { passwordHash, emailVerifiedAt: user.emailVerifiedAt ?? now, updatedAt: now }, { audit })
  if (updated === undefined || 'conflict' in updated) throw new AuthError('PASSWORD_RESET_TOKEN_INVALID')
  const revoked = await revokeUserSessions(ctx, user.id, 'password_reset')
  notifyPasswordChanged(ctx, updated)
  return { user: updated, revoked }
}

/** Mails the account's address that its password changed (in the background; never throws). */
export function notifyPasswordChanged(ctx: AuthContext, user: UserRecord): void {
  const mail = ctx.mail
  if (mail === undefined) return
  const time = `${new Date(ctx.clock.now()).toISOString().slice(0, 16).replace('T', ' ')} UTC`
  void mail.sender.send('password_changed', user.email, { app_name: mail.appName, email: user.email, time })
}
