// A session as the public API answers it: when and from where, never its refresh-token jtis or
// revocation bookkeeping.

import type { SessionRecord } from '../store.js'

/** One login's session, as a user's session list shows it (`expiresAt`: it ends then unless a refresh extends it). */
export type Session = Pick<SessionRecord, 'id' | 'userId' | 'createdAt' | 'lastUsedAt' | 'expiresAt' | 'userAgent' | 'ip'>

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
