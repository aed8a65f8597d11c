// Administering accounts: list, change roles, disable, delete, and look at or end a user's
// sessions (the flows behind the admin service, admin-service.ts). The security rule lives
// here, not in the HTTP layer: disabling a user or taking a role away revokes every session of
// theirs at once, so no token carrying the old roles (or belonging to a disabled account) is
// accepted on the next request.

import { auditEntry } from '../audit/record.js'
import type { AuditDetail, AuditSource } from '../audit/types.js'
import { isoAt, type AuthContext } from '../context.js'
import { AuthError } from '../errors.js'
import type { RevocationReason } from '../events/types.js'
import { revokeUserSessions } from '../sessions/revoke.js'
import type { SessionRecord, UserQuery, UserRecord } from '../store.js'
import { assertKeepsAnAdmin, isActiveAdmin } from './last-admin.js'
import { requireUser } from './self.js'

/** What an administrator may change on an account. */
export interface AccountPatch {
  /** The complete new role list (replaces the old one). */
  roles?: readonly string[]
  disabled?: boolean
}

export const ROLE_PATTERN = '^[A-Za-z0-9_.:-]{1,64}$'
export const MAX_ROLES = 32
const ROLE_RE = new RegExp(ROLE_PATTERN)

/** Why a role list is unacceptable, or undefined when it is fine. */
export function rolesProblem(roles: readonly string[]): string | undefined {
  if (roles.length > MAX_ROLES) return `roles must list at most ${MAX_ROLES} roles`
  if (!roles.every((r) => ROLE_RE.test(r))) return 'roles must be 1 to 64 characters of A-Z, a-z, 0-9, _ . : -'
  return undefined
}

/**
 * Applies an admin change. Revokes all the user's sessions when the change disables the
 * account or removes any role it held; adding roles or re-enabling revokes nothing (the
 * user's next refresh or login picks up the new roles). LAST_ADMIN when the change would
 * demote or disable the only enabled admin.
 *
 * @example
 * const { user, revoked } = await updateAccount(ctx, id, { disabled: true })
 */
export async function updateAccount(ctx: AuthContext, userId: string, patch: AccountPatch, source?: AuditSource): Promise<{ user: UserRecord; revoked: number }> {
  const roles = patch.roles === undefined ? undefined : [...new Set(patch.roles)]
  if (roles !== undefined) {
    const problem = rolesProblem(roles)
    if (problem !== undefined) throw new AuthError('VALIDATION_FAILED', problem, { details: { field: 'roles' } })
  }
  const before = await requireUser(ctx, userId)
  const after = { roles: roles ?? before.roles, disabled: patch.disabled ?? before.disabled }
  await assertKeepsAnAdmin(ctx, before, after)
  // The check above answers most cases early; the store repeats it atomically with the write,
  // so two admins demoting each other at once cannot both succeed.
  const keepAnAdmin = isActiveAdmin(before) && !isActiveAdmin(after)
  const detail: AuditDetail = {
    ...(roles === undefined ? {} : { roles, previousRoles: before.roles }),
    ...(patch.disabled === undefined ? {} : { disabled: patch.disabled }),
  }
  const audit = auditEntry(ctx, { event: 'user_updated', subjectId: userId, detail }, source)
  const updated = await ctx.store.updateUser(userId, { roles, disabled: patch.disabled, updatedAt: isoAt(ctx.clock.now()) }, { keepAnAdmin, audit })
  if (updated !== undefined && 'conflict' in updated && updated.conflict === 'last_admin') throw new AuthError('LAST_ADMIN')
  if (updated === undefined || 'conflict' in updated) throw new AuthError('USER_NOT_FOUND')
  const disabling = patch.disabled === true && !before.disabled
  const removed = roles === undefined ? [] : before.roles.filter((r) => !roles.includes(r))
  // Written first, revoked second: sessions/open.ts relies on this order to close the race
  // with a login in flight.
  let revoked = 0
  if (disabling || removed.length > 0) {
    revoked = await revokeUserSessions(ctx, userId, disabling ? 'user_disabled' : 'roles_changed')
  }
  return { user: updated, revoked }
}

/**
 * One page of users, optionally filtered by a case-insensitive substring of email or username.
 *
 * @example
 * const { users, total } = await listAccounts(ctx, { q: 'example.com', limit: 20, offset: 0 })
 */
export async function listAccounts(ctx: AuthContext, query: UserQuery): Promise<{ users: UserRecord[]; total: number }> {
  const q = query.q?.trim()
  return ctx.store.listUsers({ q: q === '' ? undefined : q, limit: query.limit, offset: query.offset })
}

/** The user's live sessions, newest first; USER_NOT_FOUND when there is no such user. */
export async function userSessions(ctx: AuthContext, userId: string): Promise<SessionRecord[]> {
  await requireUser(ctx, userId)
  return ctx.store.listLiveSessions(userId, isoAt(ctx.clock.now()))
}

/** Revokes every session of the user (audited as `sessions_revoked`, made by `source`); returns how many were live. */
export async function endUserSessions(ctx: AuthContext, userId: string, reason: RevocationReason = 'admin_revoked', source?: AuditSource): Promise<number> {
  await requireUser(ctx, userId)
  return revokeUserSessions(ctx, userId, reason, undefined, auditEntry(ctx, { event: 'sessions_revoked', reason, subjectId: userId }, source))
}
