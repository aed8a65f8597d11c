// Row helpers of the Kysely store: a users row as a UserRecord, the unique indexes' fields, LIKE
// patterns, and the guards and batching its queries share.

import type { Selectable } from 'kysely'
import type { UserRecord } from '../../core/store.js'
import type { UsersTable } from './schema.js'

export function toUser(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    passwordHash: row.passwordHash,
    roles: JSON.parse(row.roles) as string[],
    disabled: Number(row.disabled) === 1,
    emailVerifiedAt: row.emailVerifiedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

/** Our unique indexes, by the name a dialect reports, and the field each protects. */
export const UNIQUE_FIELDS: Record<string, 'email' | 'username'> = { users_email_key: 'email', users_username_key: 'username' }

/** LIKE with `!` as the escape character: a backslash means different things in MySQL string literals. */
export function likePattern(q: string): string {
  return `%${q.replace(/[!%_]/g, (c) => `!${c}`)}%`
}

/**
 * PostgreSQL refuses NUL in text (an error, not a miss); no stored id, email, username or jti
 * holds one, so a lookup or change keyed by such a value finds nothing, without asking.
 */
export function hasNul(value: string): boolean {
  return value.includes('\u0000')
}

/** Rows per `IN (...)` list: far below every dialect's limit on bound parameters. */
const IN_CHUNK = 500

export function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += IN_CHUNK) out.push(items.slice(i, i + IN_CHUNK))
  return out
}
