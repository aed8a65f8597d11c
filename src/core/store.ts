// The Store port: everything core needs from persistence, and nothing about how it is done.
// src/store/ implements it (Kysely over SQLite, PostgreSQL, MySQL; an in-memory one for tests).
// Expected outcomes ("no such user", "email taken") are values, not exceptions.

import type { AuditPage, AuditQuery, AuditRecord } from './audit/types.js'
import type { EventLog, RevocationReason } from './events/types.js'

export interface UserRecord {
  id: string
  email: string
  username: string | null
  passwordHash: string
  roles: string[]
  disabled: boolean
  /** When the address was shown to be the user's (a verification link followed); null: not yet. */
  emailVerifiedAt: string | null
  createdAt: string
  updatedAt: string
}

export interface NewUser {
  id: string
  email: string
  username: string | null
  passwordHash: string
  roles: string[]
  /** default: null (not verified) */
  emailVerifiedAt?: string | null
  createdAt: string
}

/** What a single-use account token is for: a closed set. */
export const ACCOUNT_TOKEN_PURPOSES = ['verify_email', 'password_reset', 'email_change', 'mfa_login'] as const
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number]

/**
 * A single-use secret mailed to a user (a verification link). Only its SHA-256 is stored, so the
 * table is no list of working links. A user holds at most one per purpose: a newer one replaces it.
 */
export interface AccountTokenRecord {
  /** SHA-256 of the secret, hex. */
  tokenHash: string
  userId: string
  purpose: AccountTokenPurpose
  /** The address it was sent to: it proves that address (for email_change, the new address it makes the account's). */
  email: string
  createdAt: string
  expiresAt: string
}

/**
 * A user's TOTP factor (RFC 6238). Pending (`confirmedAt` null) from enrollment until a first
 * code proves the authenticator has it; only a confirmed one is asked for at login.
 */
export interface TotpRecord {
  userId: string
  /** The shared secret, base32 (RFC 4648 §6): TOTP needs it in the clear to compute codes. */
  secret: string
  confirmedAt: string | null
  /** The last time step a code was accepted for (RFC 6238 §5.2: a code is good once); null: none yet. */
  lastStep: number | null
  createdAt: string
}

export interface SessionRecord {
  id: string
  userId: string
  createdAt: string
  lastUsedAt: string
  expiresAt: string
  userAgent: string | null
  ip: string | null
  /** jti of the refresh token that may be spent next. */
  refreshJti: string
  /** jti of the refresh token spent last (RFC 9700 §4.14.2 reuse detection). */
  prevRefreshJti: string | null
  rotatedAt: string | null
  revokedAt: string | null
  revokedReason: string | null
}

export type NewSession = Omit<SessionRecord, 'prevRefreshJti' | 'rotatedAt' | 'revokedAt' | 'revokedReason'>

export interface UserPatch {
  /** A new address (already normalized); another account's is the `email` conflict. */
  email?: string
  username?: string | null
  passwordHash?: string
  roles?: string[]
  disabled?: boolean
  emailVerifiedAt?: string | null
  updatedAt: string
}

export interface UserQuery {
  /** Case-insensitive substring of email or username. */
  q?: string
  limit: number
  offset: number
}

export interface Rotation {
  sessionId: string
  /** The refresh jti presented; the swap only happens when it is still the current one. */
  fromJti: string
  toJti: string
  at: string
  expiresAt: string
}

/**
 * Options of the changes an audited flow makes: `audit` is written in the same transaction as the
 * change, and only when something changed (no row for a revocation of a dead session).
 */
export interface ChangeOptions {
  /** The audit row that records this change. default: none */
  audit?: AuditRecord | undefined
}

export interface UpdateOptions extends ChangeOptions {
  /**
   * Refuse (`{ conflict: 'last_admin' }`, nothing changed) when, after the change, no other
   * enabled user would hold the admin role; checked atomically with the write.
   */
  keepAnAdmin?: boolean
}

export type UserUpdateResult = UserRecord | undefined | { conflict: 'email' | 'username' | 'last_admin' }

export type CreateUserResult = { ok: true; user: UserRecord } | { ok: false; conflict: 'email' | 'username' }

/**
 * Times cross this port as ISO-8601 UTC strings with milliseconds (`Date.prototype.toISOString`),
 * and every store returns exactly the string it was given.
 *
 * A store with an `events` log records, in the same transaction as the change, the auth event
 * each change below describes (core/events/types.ts): revokeSession -> session_revoked,
 * revokeUserSessions -> user_sessions_revoked (even when no session was live), updateUser ->
 * user_updated, deleteUser -> user_deleted. No change without its event, no event without its
 * change. A store without one serves a single instance.
 */
export interface Store {
  /** The durable log of auth events that every instance tails. */
  readonly events?: EventLog | undefined
  /** Brings the schema to the latest version; returns the names of migrations applied. */
  migrate(): Promise<string[]>
  close(): Promise<void>

  createUser(user: NewUser, options?: ChangeOptions): Promise<CreateUserResult>
  findUserById(id: string): Promise<UserRecord | undefined>
  findUserByEmail(email: string): Promise<UserRecord | undefined>
  findUserByUsername(username: string): Promise<UserRecord | undefined>
  /** Returns the updated user, undefined when absent, or the conflict that refused it. */
  updateUser(id: string, patch: UserPatch, options?: UpdateOptions): Promise<UserUpdateResult>
  /** Deletes the user and their sessions; false when absent. */
  deleteUser(id: string, options?: UpdateOptions): Promise<boolean | { conflict: 'last_admin' }>
  listUsers(query: UserQuery): Promise<{ users: UserRecord[]; total: number }>
  /**
   * How many enabled users hold the `admin` role (exactly that name). Optional: a store without
   * it (one written before it existed) is counted through `listUsers`, page by page.
   */
  countActiveAdmins?(): Promise<number>

  createSession(session: NewSession, options?: ChangeOptions): Promise<void>
  findSession(id: string): Promise<SessionRecord | undefined>
  /** Compare-and-swap of the refresh jti: true when this call made the swap. */
  rotateRefresh(rotation: Rotation): Promise<boolean>
  /** Revokes one session if live; true when this call revoked it. */
  revokeSession(id: string, at: string, reason: RevocationReason, options?: ChangeOptions): Promise<boolean>
  /** Revokes the user's live sessions (but `exceptId`); returns the ids revoked. */
  revokeUserSessions(userId: string, at: string, reason: RevocationReason, exceptId?: string, options?: ChangeOptions): Promise<string[]>
  /** Live (not revoked, not expired) sessions of a user, newest first. */
  listLiveSessions(userId: string, now: string): Promise<SessionRecord[]>
  /** Deletes sessions expired or revoked before `before`; returns how many. */
  pruneSessions(before: string): Promise<number>

  /** Stores a single-use token, replacing the user's earlier one of the same purpose (which stops working). */
  issueAccountToken(token: AccountTokenRecord): Promise<void>
  /**
   * Takes a token: deletes it and returns it when it exists with that purpose and has not expired
   * at `now`; undefined otherwise (unknown, used, replaced, expired). Of two callers racing for
   * one token, exactly one gets it.
   */
  consumeAccountToken(tokenHash: string, purpose: AccountTokenPurpose, now: string): Promise<AccountTokenRecord | undefined>
  /**
   * The user's stored token of `purpose` (expired ones too, until replaced or taken), for its
   * creation time: every instance sees when a link was last sent. Optional: without it the
   * resend interval holds per instance only.
   */
  findAccountToken?(userId: string, purpose: AccountTokenPurpose): Promise<AccountTokenRecord | undefined>
  /** Deletes the user's tokens (of one purpose, or all); returns how many. */
  deleteAccountTokens(userId: string, purpose?: AccountTokenPurpose): Promise<number>

  /** Appends an audit row on its own (an event that changes nothing: a refused login). */
  appendAudit(record: AuditRecord): Promise<void>
  /** Audit rows matching `query`, newest first (by `at`, then `id`), and how many match in all. */
  listAudit(query: AuditQuery): Promise<AuditPage>
  /** Deletes audit rows older than `before`; returns how many. */
  pruneAudit(before: string): Promise<number>

  /** The user's TOTP factor, pending or confirmed, or undefined. */
  findTotp(userId: string): Promise<TotpRecord | undefined>
  /**
   * Stores a pending secret, replacing a pending one; false (nothing changed) when the user
   * already has a confirmed one.
   */
  savePendingTotp(userId: string, secret: string, at: string): Promise<boolean>
  /**
   * Confirms the pending factor, recording `step` as used and replacing the recovery codes with
   * `codeHashes`; records user_updated. false when nothing is pending (none, or already confirmed).
   */
  confirmTotp(userId: string, step: number, codeHashes: readonly string[], at: string, options?: ChangeOptions): Promise<boolean>
  /**
   * Records `step` as used if it is later than the last step used on the confirmed factor: true
   * when this call did. Of two callers presenting one step, exactly one gets true (replay refusal).
   */
  useTotpStep(userId: string, step: number): Promise<boolean>
  /** Takes a recovery code (by its SHA-256): true when this call deleted it; of two racing callers exactly one. */
  consumeRecoveryCode(userId: string, codeHash: string): Promise<boolean>
  /** How many unused recovery codes the user has. */
  countRecoveryCodes(userId: string): Promise<number>
  /** Removes the factor and the recovery codes; records user_updated. false when there was no factor. */
  deleteTotp(userId: string, options?: ChangeOptions): Promise<boolean>
}
