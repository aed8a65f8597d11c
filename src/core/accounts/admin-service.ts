// The admin service: list, read, change and delete any account and end its sessions, as plain
// methods over admin.ts, self.ts and bootstrap.ts. It trusts its caller: deciding who may call
// it (the server's /admin routes hold the `admin` role guard) is the caller's job. The rules
// are here: disabling or removing a role revokes the user's sessions at once, and no change
// may leave no enabled admin (LAST_ADMIN). A user that does not exist is USER_NOT_FOUND.

import type { AuditSource } from '../audit/types.js'
import type { AuthContext } from '../context.js'
import { AuthError } from '../errors.js'
import { publicSession, type Session } from '../sessions/session.js'
import { endUserSessions, listAccounts, updateAccount, userSessions, type AccountPatch } from './admin.js'
import { ensureAdmin, type AdminSeed } from './bootstrap.js'
import { deleteUser, requireUser } from './self.js'
import { resetTotp } from '../mfa/disable.js'
import { mfaStatus, type MfaStatus } from '../mfa/status.js'
import { publicUser, type User } from './user.js'

/** A page of users. */
export interface UserQuery {
  /** Case-insensitive substring of email or username. default: none (every user) */
  q?: string | undefined
  /** default: DEFAULT_PAGE_SIZE */
  limit?: number
  /** default: 0 */
  offset?: number
}

/** The page size of `listUsers` (and of the admin API) when none is asked for. */
export const DEFAULT_PAGE_SIZE = 20

export interface Admin {
  /** One page of users, oldest first, and how many match in all. */
  listUsers(query?: UserQuery): Promise<{ users: User[]; total: number }>
  /** The account, read from the store (never cached). USER_NOT_FOUND. */
  getUser(userId: string): Promise<User>
  /**
   * Changes roles (the complete new list) and/or `disabled`. Disabling or removing any role
   * revokes every session of the user; `revoked` says how many. VALIDATION_FAILED (roles),
   * LAST_ADMIN, USER_NOT_FOUND. Audited (`user_updated`, the roles before and after) as made by
   * `source` (the server passes the acting admin's id, IP and user agent; the CLI `via: 'cli'`).
   */
  updateUser(userId: string, patch: AccountPatch, source?: AuditSource): Promise<{ user: User; revoked: number }>
  /** Deletes the account and its sessions; their tokens stop working at once. LAST_ADMIN, USER_NOT_FOUND. Audited (`user_deleted`). */
  deleteUser(userId: string, source?: AuditSource): Promise<void>
  /** The user's live sessions, newest first. USER_NOT_FOUND. */
  listSessions(userId: string): Promise<Session[]>
  /** Ends every session of the user; returns how many were live. USER_NOT_FOUND. Audited (`sessions_revoked`). */
  endUserSessions(userId: string, source?: AuditSource): Promise<number>
  /** The user's two-factor login state. USER_NOT_FOUND. */
  mfaStatus(userId: string): Promise<MfaStatus>
  /**
   * Removes the user's two-factor login (a lost authenticator) and ends every session of the
   * user; `revoked` says how many. MFA_NOT_ENABLED (nothing to reset), USER_NOT_FOUND. Audited (`mfa_reset`) as made by `source`.
   */
  resetMfa(userId: string, source?: AuditSource): Promise<{ revoked: number }>
  /**
   * Creates an admin account (roles user, admin) unless an account with that email exists,
   * which is left exactly as it is (ADMIN_EMAIL / ADMIN_PASSWORD at the server's start).
   */
  ensureAdmin(seed: AdminSeed): Promise<{ user: User; created: boolean }>
}

export function createAdmin(ctx: AuthContext): Admin {
  return Object.freeze({
    async listUsers({ q, limit = DEFAULT_PAGE_SIZE, offset = 0 } = {}) {
      const { users, total } = await listAccounts(ctx, { q, limit, offset })
      return { users: users.map(publicUser), total }
    },
    getUser: async (userId) => publicUser(await requireUser(ctx, userId)),
    async updateUser(userId, patch, source) {
      const { user, revoked } = await updateAccount(ctx, userId, patch, source)
      return { user: publicUser(user), revoked }
    },
    async deleteUser(userId, source) {
      if (!(await deleteUser(ctx, userId, 'user_deleted', source))) throw new AuthError('USER_NOT_FOUND')
    },
    listSessions: async (userId) => (await userSessions(ctx, userId)).map(publicSession),
    endUserSessions: (userId, source) => endUserSessions(ctx, userId, 'admin_revoked', source),
    async mfaStatus(userId) {
      const user = await requireUser(ctx, userId)
      return mfaStatus(ctx, user.id, user.roles)
    },
    resetMfa: (userId, source) => resetTotp(ctx, userId, source),
    async ensureAdmin(seed) {
      const { user, created } = await ensureAdmin(ctx, seed)
      return { user: publicUser(user), created }
    },
  } satisfies Admin)
}
