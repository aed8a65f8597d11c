// Single-use account tokens in SQL (the port: core/store.ts AccountTokenRecord). One row per user
// and purpose (the primary key), looked up by the secret's SHA-256. Issuing is one upsert, so two
// requests racing leave exactly one token (the later one); taking one is a select then a delete
// whose row count decides which of two racing callers got it.

import type { Kysely } from 'kysely'
import type { AccountTokenPurpose, AccountTokenRecord } from '../../core/store.js'
import type { DialectFactory } from './dialects/types.js'
import type { Database } from './schema.js'

export async function issueAccountToken(db: Kysely<Database>, dialect: DialectFactory, token: AccountTokenRecord): Promise<void> {
  const insert = db.insertInto('accountTokens').values(token)
  const replace = { tokenHash: token.tokenHash, email: token.email, createdAt: token.createdAt, expiresAt: token.expiresAt }
  // MySQL has no ON CONFLICT; its ON DUPLICATE KEY UPDATE does the same on the primary key.
  await (dialect.name === 'mysql' ? insert.onDuplicateKeyUpdate(replace) : insert.onConflict((oc) => oc.columns(['userId', 'purpose']).doUpdateSet(replace))).execute()
}

export async function consumeAccountToken(db: Kysely<Database>, tokenHash: string, purpose: AccountTokenPurpose, now: string): Promise<AccountTokenRecord | undefined> {
  const row = await db.selectFrom('accountTokens').selectAll().where('tokenHash', '=', tokenHash).where('purpose', '=', purpose).executeTakeFirst()
  if (row === undefined) return undefined
  const deleted = await db.deleteFrom('accountTokens').where('tokenHash', '=', tokenHash).where('purpose', '=', purpose).executeTakeFirst()
  if (deleted.numDeletedRows !== 1n) return undefined
  // An expired token is deleted all the same: it can never be taken.
  return row.expiresAt > now ? row : undefined
}

export function findAccountToken(db: Kysely<Database>, userId: string, purpose: AccountTokenPurpose): Promise<AccountTokenRecord | undefined> {
  return db.selectFrom('accountTokens').selectAll().where('userId', '=', userId).where('purpose', '=', purpose).executeTakeFirst()
}

export async function deleteAccountTokens(db: Kysely<Database>, userId: string, purpose?: AccountTokenPurpose): Promise<number> {
  let query = db.deleteFrom('accountTokens').where('userId', '=', userId)
  if (purpose !== undefined) query = query.where('purpose', '=', purpose)
  return Number((await query.executeTakeFirst()).numDeletedRows)
}
