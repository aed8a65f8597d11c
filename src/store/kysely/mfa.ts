// TOTP factors and recovery codes in SQL (the port: core/store.ts TotpRecord). Confirming and
// removing a factor change what a login asks for, so each records user_updated in its own
// transaction (events.ts). The replay guard is one conditional UPDATE of `last_step`, and taking a
// recovery code one DELETE: the row count decides which of two racing callers won, on every
// instance, since both live in the database.

import type { Kysely } from 'kysely'
import type { AuditRecord } from '../../core/audit/types.js'
import type { TotpRecord } from '../../core/store.js'
import { writeAudit } from './audit.js'
import type { DialectFactory } from './dialects/types.js'
import { changeWithEvents, NothingChanged } from './events.js'
import type { Database } from './schema.js'

export async function findTotp(db: Kysely<Database>, userId: string): Promise<TotpRecord | undefined> {
  const row = await db.selectFrom('mfaTotp').selectAll().where('userId', '=', userId).executeTakeFirst()
  if (row === undefined) return undefined
  return { ...row, lastStep: row.lastStep === null ? null : Number(row.lastStep) }
}

export async function savePendingTotp(db: Kysely<Database>, userId: string, secret: string, at: string): Promise<boolean> {
  // Delete-then-insert: portable (MySQL has no conditional upsert). Two enrollments racing: the
  // loser's insert hits the primary key, and its second round replaces the winner's pending
  // secret, as a later enrollment does.
  for (let attempt = 1; ; attempt++) {
    await db.deleteFrom('mfaTotp').where('userId', '=', userId).where('confirmedAt', 'is', null).execute()
    try {
      await db.insertInto('mfaTotp').values({ userId, secret, confirmedAt: null, lastStep: null, createdAt: at }).execute()
      return true
    } catch (err) {
      const current = await findTotp(db, userId)
      if (current !== undefined && current.confirmedAt !== null) return false
      if (attempt === 2) throw err
    }
  }
}

export function confirmTotp(
  db: Kysely<Database>,
  dialect: DialectFactory,
  userId: string,
  step: number,
  codeHashes: readonly string[],
  at: string,
  audit?: AuditRecord,
): Promise<boolean> {
  return changeWithEvents(db, dialect, false, async (trx) => {
    const updated = await trx
      .updateTable('mfaTotp')
      .set({ confirmedAt: at, lastStep: step })
      .where('userId', '=', userId)
      .where('confirmedAt', 'is', null)
      .executeTakeFirst()
    if (updated.numUpdatedRows !== 1n) throw new NothingChanged()
    await trx.deleteFrom('mfaRecoveryCodes').where('userId', '=', userId).execute()
    if (codeHashes.length > 0) {
      await trx
        .insertInto('mfaRecoveryCodes')
        .values(codeHashes.map((codeHash) => ({ userId, codeHash, createdAt: at })))
        .execute()
    }
    await writeAudit(trx, audit)
    return { result: true, event: { type: 'user_updated', userId } }
  })
}

export async function useTotpStep(db: Kysely<Database>, userId: string, step: number): Promise<boolean> {
  const updated = await db
    .updateTable('mfaTotp')
    .set({ lastStep: step })
    .where('userId', '=', userId)
    .where('confirmedAt', 'is not', null)
    .where((eb) => eb.or([eb('lastStep', 'is', null), eb('lastStep', '<', step)]))
    .executeTakeFirst()
  return updated.numUpdatedRows === 1n
}

export async function consumeRecoveryCode(db: Kysely<Database>, userId: string, codeHash: string): Promise<boolean> {
  const deleted = await db.deleteFrom('mfaRecoveryCodes').where('userId', '=', userId).where('codeHash', '=', codeHash).executeTakeFirst()
  return deleted.numDeletedRows === 1n
}

export async function countRecoveryCodes(db: Kysely<Database>, userId: string): Promise<number> {
  const row = await db
    .selectFrom('mfaRecoveryCodes')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('userId', '=', userId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export function deleteTotp(db: Kysely<Database>, dialect: DialectFactory, userId: string, audit?: AuditRecord): Promise<boolean> {
  return changeWithEvents(db, dialect, false, async (trx) => {
    await trx.deleteFrom('mfaRecoveryCodes').where('userId', '=', userId).execute()
    const deleted = await trx.deleteFrom('mfaTotp').where('userId', '=', userId).executeTakeFirst()
    if (deleted.numDeletedRows !== 1n) throw new NothingChanged()
    await writeAudit(trx, audit)
    return { result: true, event: { type: 'user_updated', userId } }
  })
}
