// The tables as Kysely sees them (camelCase here, snake_case in SQL via CamelCasePlugin).
// Times are ISO-8601 UTC strings everywhere: they sort correctly as text on every dialect and
// come back exactly as written (PostgreSQL and MySQL would turn a timestamp column into a Date).

import type { Generated } from 'kysely'
import type { AccountTokenRecord, SessionRecord } from '../../core/store.js'

export interface UsersTable {
  id: string
  email: string
  username: string | null
  passwordHash: string
  /** JSON array of role names. */
  roles: string
  /** 0 or 1. */
  disabled: Generated<number>
  emailVerifiedAt: string | null
  createdAt: string
  updatedAt: string
}

/** Sessions are stored exactly as the port describes them. */
export type SessionsTable = SessionRecord

export interface AuthEventsTable {
  /** bigint: a string from pg, a number from the others. */
  seq: number | string
  type: string
  /** The event as JSON. */
  payload: string
  createdAt: string
}

export interface CountersTable {
  name: string
  value: number | string
}

/**
 * One identifier's throttle streak (store/kysely/throttle.ts). Its times are epoch ms, not ISO
 * strings: the throttle does arithmetic on them. bigint: a string from pg, a number elsewhere.
 */
export interface LoginThrottleTable {
  /** SHA-256 hex of the throttle key. */
  keyHash: string
  failures: number
  pending: number
  /** Epoch ms after which the pending reservations are presumed dead. */
  pendingUntil: number | string
  /** Epoch ms. */
  lastFailureAt: number | string
  /** Epoch ms. */
  waitUntil: number | string
}

/** Single-use account tokens, stored as the port describes them (primary key: user and purpose). */
export type AccountTokensTable = AccountTokenRecord

/** A user's TOTP factor (store/kysely/mfa.ts). last_step is bigint: a string from pg, a number elsewhere. */
export interface MfaTotpTable {
  userId: string
  /** base32 */
  secret: string
  confirmedAt: string | null
  lastStep: number | string | null
  createdAt: string
}

/** Unused recovery codes, by SHA-256 hex (primary key: user and hash). */
export interface MfaRecoveryCodesTable {
  userId: string
  codeHash: string
  createdAt: string
}

/** The audit log (store/kysely/audit.ts); `detail` is JSON text. */
export interface AuditLogTable {
  id: string
  at: string
  event: string
  outcome: string
  reason: string | null
  actorId: string | null
  subjectId: string | null
  sessionId: string | null
  ip: string | null
  userAgent: string | null
  detail: string | null
}

export interface Database {
  users: UsersTable
  sessions: SessionsTable
  authEvents: AuthEventsTable
  twCounters: CountersTable
  loginThrottle: LoginThrottleTable
  accountTokens: AccountTokensTable
  auditLog: AuditLogTable
  mfaTotp: MfaTotpTable
  mfaRecoveryCodes: MfaRecoveryCodesTable
}
