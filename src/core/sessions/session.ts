// A session as the public API answers it: when and from where, never its refresh-token jtis or
// revocation bookkeeping.

import type { SessionRecord } from '../store.js'

/** One login's session, as a user's session list shows it. */
export interface Session {
  id: string
  userId: string
  createdAt: string
  lastUsedAt: string
  /** The session ends then unless a refresh extends it. */
  expiresAt: string
  userAgent: string | null
  ip: string | null
}

/** The record's public fields, copied. */
export function publicSession(record: SessionRecord): Session {
  return {
    id: record.id,
    userId: record.userId,
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt,
    expiresAt: record.expiresAt,
    userAgent: record.userAgent,
    ip: record.ip,
  }
}
