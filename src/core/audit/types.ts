// The audit log's vocabulary: a closed set of security events, what one row records, and how
// the log is queried. A row names who acted, on whom, from where and with what outcome; it never
// holds a password, token, code, secret or email address (the detail is built by our own code
// from a closed set of fields, never from request input).

/** The events the audit log records: a closed set (filters and the console list them). */
export const AUDIT_EVENTS = [
  'register',
  'login',
  'login_mfa',
  'logout',
  'session_revoked',
  'sessions_revoked',
  'refresh_reused',
  'password_changed',
  'password_reset',
  'email_verified',
  'email_changed',
  'mfa_enrolled',
  'mfa_disabled',
  'mfa_reset',
  'user_updated',
  'user_deleted',
  'account_deleted',
  'token_issued',
] as const

export type AuditEvent = (typeof AUDIT_EVENTS)[number]

export function isAuditEvent(value: string): value is AuditEvent {
  return (AUDIT_EVENTS as readonly string[]).includes(value)
}

/** Whether what was attempted happened. Only logins (and MFA steps) record failures. */
export type AuditOutcome = 'success' | 'failure'

/**
 * Small facts about an event, from a closed set of fields: roles before and after, the account
 * now disabled, how many sessions ended, the channel (`via: 'cli'`). Never request input.
 */
export interface AuditDetail {
  readonly via?: 'cli'
  readonly roles?: readonly string[]
  readonly previousRoles?: readonly string[]
  readonly disabled?: boolean
}

/** One row of the audit log. Appended once, never changed. */
export interface AuditRecord {
  /** Sorts by time: 12 hex digits of epoch ms, then a per-process counter and random bits. */
  readonly id: string
  /** ISO-8601 UTC with milliseconds, from the Auth's clock. */
  readonly at: string
  readonly event: AuditEvent
  readonly outcome: AuditOutcome
  /**
   * Why, in one word from a closed set: a failed login's reason (invalid_credentials, throttled,
   * disabled, unverified, interrupted, error), a logout's scope (local, global, others).
   */
  readonly reason: string | null
  /** The user who acted (the subject itself for self-service, an admin); null: nobody signed in (a failed login, the CLI). */
  readonly actorId: string | null
  /** The account the event is about; null when none is known (a failed login naming no account). */
  readonly subjectId: string | null
  /** The session opened, ended, or that made the change. */
  readonly sessionId: string | null
  readonly ip: string | null
  readonly userAgent: string | null
  readonly detail: AuditDetail | null
}

/** Who is acting and from where: what the HTTP routes (or the CLI) know and the flows record. */
export interface AuditSource {
  /** The signed-in user making the change (an admin acting on another account). default: the subject itself */
  actorId?: string | undefined
  /** The session making the change (the caller's `sid`). default: none */
  sessionId?: string | undefined
  ip?: string | undefined
  userAgent?: string | undefined
  /** `cli`: an operator on the command line (no actor). default: none (the API) */
  via?: 'cli' | undefined
}

/** A filter over the log; every field narrows. */
export interface AuditQuery {
  /** Rows where this user is the actor or the subject. */
  userId?: string | undefined
  /** Rows about this user (the subject): a user's own activity. */
  subjectId?: string | undefined
  event?: AuditEvent | undefined
  /** Inclusive lower bound on `at` (ISO-8601). */
  from?: string | undefined
  /** Exclusive upper bound on `at` (ISO-8601). */
  to?: string | undefined
  limit: number
  offset: number
}

/** A page of rows, newest first, and how many match in all. */
export interface AuditPage {
  records: AuditRecord[]
  total: number
}
