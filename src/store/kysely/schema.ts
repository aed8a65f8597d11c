// The tables as Kysely sees them (camelCase here, snake_case in SQL via CamelCasePlugin).
// Times are ISO-8601 UTC strings everywhere: they sort correctly as text on every dialect.

import type { Generated } from 'kysely'

export interface UsersTable {
  id: string
  email: string
  username: string | null
  passwordHash: string
  /** JSON array of role names. */
  roles: string
  /** 0 or 1. */
  disabled: Generated<number>
  createdAt: string
  updatedAt: string
}

export interface SessionsTable {
  id: string
  userId: string
  createdAt: string
  lastUsedAt: string
  expiresAt: string
  userAgent: string | null
  ip: string | null
  refreshJti: string
  prevRefreshJti: string | null
  rotatedAt: string | null
  revokedAt: string | null
  revokedReason: string | null
}

export interface Database {
  users: UsersTable
  sessions: SessionsTable
}
