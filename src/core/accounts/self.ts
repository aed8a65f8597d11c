// Self-service on one's own account: change the password, rename, delete (the flows behind the
// accounts service, service.ts). The sensitive two (password, delete) re-check the current
// password under the throttle, so a stolen access token cannot be turned into a
// password-guessing oracle; the HTTP layer also demands a fresh token for them
// (Flask-JWT-Extended's fresh_jwt_required).

import { auditEntry } from '../audit/record.js'
import type { AuditSource } from '../audit/types.js'
import { isoAt, type AuthContext } from '../context.js'
import { AuthError } from '../errors.js'
import { revokeUserSessions } from '../sessions/revoke.js'
import type { UserRecord } from '../store.js'
import { assertKeepsAnAdmin, isActiveAdmin } from './last-admin.js'
import { matchPassword, throttledCheck } from './login.js'
import { acceptNewPassword } from './password-policy.js'
import { notifyPasswordChanged } from './password-reset.js'
import { normalizeUsername, usernameProblem } from './rules.js'

/** Loads the user or throws USER_NOT_FOUND. */
export async function requireUser(ctx: AuthContext, userId: string): Promise<UserRecord> {
  const user = await ctx.store.findUserById(userId)
  if (user === undefined) throw new AuthError('USER_NOT_FOUND')
  return user
}

/**
 * Re-checks the password of a signed-in user: PASSWORD_INCORRECT when it does not match,
 * LOGIN_THROTTLED after too many misses (counted per user, apart from login identifiers).
 */
export async function confirmPassword(ctx: AuthContext, user: UserRecord, password: string): Promise<void> {
  // NFC first, then the raw input for a hash made before passwords were normalized (matchPassword).
  const ok = await throttledCheck(ctx, `reauth:${user.id}`, async () => ((await matchPassword(ctx, user.passwordHash, password)).ok ? true : undefined))
  if (ok === undefined) throw new AuthError('PASSWORD_INCORRECT')
}

/**
 * Changes the password after checking the current one, and revokes every other session of
 * the user (the one making the change, `keepSid`, stays signed in).
 *
 * @example
 * await changePassword(ctx, claims.sub, claims.sid, 'old password', 'new password')
 */
export async function changePassword(
  ctx: AuthContext,
  userId: string,
  keepSid: string | undefined,
  currentPassword: string,
  newPassword: string,
  source: AuditSource = {},
): Promise<{ revoked: number }> {
  const user = await requireUser(ctx, userId)
  // The strength rules need the account (its email and username); before the current password
  // is checked, so a refused new password does not count against the throttle.
  const password = await acceptNewPassword(ctx, newPassword, user, 'new_password')
  await confirmPassword(ctx, user, currentPassword)
  const passwordHash = await ctx.hasher.hash(password)
  const audit = auditEntry(ctx, { event: 'password_changed', subjectId: user.id, sessionId: keepSid ?? null }, source)
  const updated = await ctx.store.updateUser(user.id, { passwordHash, updatedAt: isoAt(ctx.clock.now()) }, { audit })
  if (updated === undefined || 'conflict' in updated) throw new AuthError('USER_NOT_FOUND')
  // A reset link mailed before this change must not undo it.
  await ctx.store.deleteAccountTokens(user.id, 'password_reset')
  // Without a session to keep (a token with no sid), every session goes.
  const revoked = await revokeUserSessions(ctx, user.id, 'password_changed', keepSid)
  notifyPasswordChanged(ctx, updated)
  return { revoked }
}

/**
 * Sets (or, with null, clears) the user's username. USERNAME_TAKEN when another account has it.
 *
 * @example
 * const user = await renameUser(ctx, claims.sub, 'ada')
 */
export async function renameUser(ctx: AuthContext, userId: string, username: string | null): Promise<UserRecord> {
  if (username !== null) {
    const problem = usernameProblem(username)
    if (problem !== undefined) throw new AuthError('VALIDATION_FAILED', problem, { details: { field: 'username' } })
  }
  const result = await ctx.store.updateUser(userId, {
    username: username === null ? null : normalizeUsername(username),
    updatedAt: isoAt(ctx.clock.now()),
  })
  if (result === undefined) throw new AuthError('USER_NOT_FOUND')
  if ('conflict' in result) throw new AuthError('USERNAME_TAKEN')
  return result
}

/**
 * Deletes a user and every session of theirs; the sessions' tokens stop working at once.
 * Used by self-service deletion (after confirmPassword) and by the admin API. False when
 * there is no such user; LAST_ADMIN (nothing changed) when it is the only enabled admin.
 *
 * @example
 * if (!(await deleteUser(ctx, id, 'user_deleted'))) throw new AuthError('USER_NOT_FOUND')
 */
export async function deleteUser(ctx: AuthContext, userId: string, reason: 'user_deleted' | 'account_deleted', source?: AuditSource): Promise<boolean> {
  const user = await ctx.store.findUserById(userId)
  if (user === undefined) return false
  await assertKeepsAnAdmin(ctx, user, undefined)
  // Disable, revoke, then delete: the gate must learn of every session before the rows go,
  // and a login racing with this either has its session revoked here or sees the account
  // disabled when it re-reads the user (sessions/open.ts).
  const disabled = await ctx.store.updateUser(userId, { disabled: true, updatedAt: isoAt(ctx.clock.now()) }, { keepAnAdmin: isActiveAdmin(user) })
  if (disabled === undefined) return false
  if ('conflict' in disabled) throw new AuthError('LAST_ADMIN')
  await revokeUserSessions(ctx, userId, reason)
  // The audit event is the reason: account_deleted by its owner, user_deleted by an admin or the CLI.
  return (await ctx.store.deleteUser(userId, { audit: auditEntry(ctx, { event: reason, subjectId: userId }, source) })) === true
}

/**
 * Deletes the caller's own account after checking the password; LAST_ADMIN when the caller
 * is the only enabled admin.
 *
 * @example
 * await deleteOwnAccount(ctx, claims.sub, 'current password')
 */
export async function deleteOwnAccount(ctx: AuthContext, userId: string, password: string, source?: AuditSource): Promise<void> {
  const user = await requireUser(ctx, userId)
  await confirmPassword(ctx, user, password)
  if (!(await deleteUser(ctx, user.id, 'account_deleted', source))) throw new AuthError('USER_NOT_FOUND')
}
