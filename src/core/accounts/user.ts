// A user as the public API answers it: the stored record without its password hash, so a host
// can show or serialize it as it is.

import type { UserRecord } from '../store.js'

/** An account, without its password hash. */
export type User = Omit<UserRecord, 'passwordHash'>

/** The record's public fields, copied (nothing else of the record leaves). */
export function publicUser(record: UserRecord): User {
  return {
    id: record.id,
    email: record.email,
    username: record.username,
    roles: [...record.roles],
    disabled: record.disabled,
    emailVerifiedAt: record.emailVerifiedAt,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  }
}
