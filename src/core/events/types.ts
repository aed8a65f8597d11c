// Auth events: every change that affects an auth decision, as one closed union. The store
// records each in the same transaction as the change (its durable log carries them to other
// instances); this process applies its own at once through the bus (bus.ts).

/** Why a session was revoked. A closed set: metrics and the audit log count by it. */
export const REVOCATION_REASONS = [
  'logout',
  'logout_global',
  'logout_others',
  'refresh_token_reused',
  'user_revoked',
  'user_disabled',
  'user_deleted',
  'account_deleted',
  'roles_changed',
  'password_changed',
  'password_reset',
  'admin_revoked',
  // An admin reset the account's two-factor login (a lost or stolen authenticator).
  'mfa_reset',
] as const

export type RevocationReason = (typeof REVOCATION_REASONS)[number]

export function isRevocationReason(value: string): value is RevocationReason {
  return (REVOCATION_REASONS as readonly string[]).includes(value)
}

/** One session stopped being live. */
export interface SessionRevoked {
  readonly type: 'session_revoked'
  readonly sessionId: string
  readonly reason: RevocationReason
  /** ISO-8601 time of the revocation. */
  readonly at: string
}

/**
 * A user's sessions were revoked together (all, or all but `exceptId`). Also retires the
 * user's legacy tokens issued until `at`, which have no session row (sessions/legacy.ts).
 */
export interface UserSessionsRevoked {
  readonly type: 'user_sessions_revoked'
  readonly userId: string
  readonly sessionIds: readonly string[]
  readonly reason: RevocationReason
  readonly at: string
}

/** A user row changed (roles, disabled, password, username): cached copies are stale. */
export interface UserUpdated {
  readonly type: 'user_updated'
  readonly userId: string
}

/** A user row and its sessions were deleted. */
export interface UserDeleted {
  readonly type: 'user_deleted'
  readonly userId: string
}

/** One legacy token (no session) was retired by a logout; dead until it would expire. */
export interface LegacyTokenRevoked {
  readonly type: 'legacy_token_revoked'
  readonly jti: string
  /** Epoch ms after which the token cannot verify anyway. */
  readonly forgetAt: number
}

export type AuthEvent = SessionRevoked | UserSessionsRevoked | UserUpdated | UserDeleted | LegacyTokenRevoked
export type AuthEventType = AuthEvent['type']

export const AUTH_EVENT_TYPES: readonly AuthEventType[] = Object.freeze([
  'session_revoked',
  'user_sessions_revoked',
  'user_updated',
  'user_deleted',
  'legacy_token_revoked',
])

/** An event as the log holds it: its place in the log and the event. */
export interface LoggedEvent {
  /** Strictly increasing, in commit order, without gaps (a gap means rows were pruned unread). */
  readonly seq: number
  /** undefined: a type this version does not know (written by a newer one); readers drop their caches. */
  readonly event: AuthEvent | undefined
}

/**
 * Checks the shape of an event read back from a log (another version of tokenwarden may have
 * written it); undefined for anything this version does not know, which the reader skips.
 */
export function parseEvent(value: unknown): AuthEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  const e = value as Record<string, unknown>
  const str = (k: string) => typeof e[k] === 'string'
  switch (e.type) {
    case 'session_revoked':
      return str('sessionId') && str('at') && isRevocationReason(String(e.reason)) ? (e as unknown as SessionRevoked) : undefined
    case 'user_sessions_revoked':
      return str('userId') && str('at') && Array.isArray(e.sessionIds) && e.sessionIds.every((s) => typeof s === 'string') && isRevocationReason(String(e.reason))
        ? (e as unknown as UserSessionsRevoked)
        : undefined
    case 'user_updated':
    case 'user_deleted':
      return str('userId') ? (e as unknown as UserUpdated | UserDeleted) : undefined
    case 'legacy_token_revoked':
      return str('jti') && typeof e.forgetAt === 'number' ? (e as unknown as LegacyTokenRevoked) : undefined
    default:
      return undefined
  }
}

/**
 * The log a store keeps of the events it recorded, read by every instance's feed (feed.ts).
 * A store without one serves a single instance only.
 */
export interface EventLog {
  /** Events with seq > `after`, oldest first, at most `limit`. */
  read(after: number, limit: number): Promise<LoggedEvent[]>
  /** The newest seq, or 0 when the log is empty. */
  head(): Promise<number>
  /** Records an event that has no row change of its own (a legacy token's logout). */
  append(event: AuthEvent): Promise<void>
  /** Deletes events recorded before `before` (ISO-8601); returns how many. */
  prune(before: string): Promise<number>
}
