// The audit log in SQL (table audit_log, migration 0005): rows appended inside the transaction of
// the change they record (the store's change methods call insertAudit with their transaction),
// or on their own for events that change nothing; listed newest first with a total; pruned by
// time. Rows are never updated.

import type { Insertable, Kysely, Selectable } from 'kysely'
import type { AuditDetail, AuditPage, AuditQuery, AuditRecord } from '../../core/audit/types.js'
import { precompiled, type Precompiled } from './precompiled.js'
import type { AuditLogTable, Database } from './schema.js'

function toRow(r: AuditRecord): Insertable<AuditLogTable> {
  return {
    id: r.id,
    at: r.at,
    event: r.event,
    outcome: r.outcome,
    reason: r.reason,
    actorId: r.actorId,
    subjectId: r.subjectId,
    sessionId: r.sessionId,
    ip: r.ip,
    userAgent: r.userAgent,
    detail: r.detail === null ? null : JSON.stringify(r.detail),
  }
}

function toRecord(row: Selectable<AuditLogTable>): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    // A name this version does not know (written by a newer one) is shown as it is.
    event: row.event as AuditRecord['event'],
    outcome: row.outcome === 'failure' ? 'failure' : 'success',
    reason: row.reason,
    actorId: row.actorId,
    subjectId: row.subjectId,
    sessionId: row.sessionId,
    ip: row.ip,
    userAgent: row.userAgent,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as AuditDetail),
  }
}

const COLUMNS = 11

/**
 * The insert, compiled once (it runs in every login's transaction: precompiled.ts).
 *
 * @example
 * const insert = auditInsert(db)
 * await db.transaction().execute(async (trx) => { ...; await insertAudit(insert, trx, record) })
 */
export function auditInsert(db: Kysely<Database>): Precompiled<unknown> {
  return precompiled(db, COLUMNS, (id, at, event, outcome, reason, actorId, subjectId, sessionId, ip, userAgent, detail) =>
    db.insertInto('auditLog').values({ id: id!, at: at!, event: event!, outcome: outcome!, reason: reason!, actorId: actorId!, subjectId: subjectId!, sessionId: sessionId!, ip: ip!, userAgent: userAgent!, detail: detail! }),
  )
}

/** Writes `record` (if any) through `executor`: the transaction of the change it records. */
export async function insertAudit(insert: Precompiled<unknown>, executor: Pick<Kysely<Database>, 'executeQuery'>, record: AuditRecord | undefined): Promise<void> {
  if (record === undefined) return
  const r = toRow(record)
  await insert.on(executor, r.id, r.at, r.event, r.outcome, r.reason ?? null, r.actorId ?? null, r.subjectId ?? null, r.sessionId ?? null, r.ip ?? null, r.userAgent ?? null, r.detail ?? null)
}

/** Writes `record` (if any) in `trx` through the query builder: for changes off the login path. */
export async function writeAudit(trx: Kysely<Database>, record: AuditRecord | undefined): Promise<void> {
  if (record !== undefined) await trx.insertInto('auditLog').values(toRow(record)).execute()
}

export async function listAudit(db: Kysely<Database>, { userId, subjectId, event, from, to, limit, offset }: AuditQuery): Promise<AuditPage> {
  // PostgreSQL refuses NUL in text; no stored id holds one, so such a filter matches nothing.
  if ([userId, subjectId, from, to].some((v) => v?.includes('\u0000'))) return { records: [], total: 0 }
  let query = db.selectFrom('auditLog')
  if (userId !== undefined) query = query.where((eb) => eb.or([eb('subjectId', '=', userId), eb('actorId', '=', userId)]))
  if (subjectId !== undefined) query = query.where('subjectId', '=', subjectId)
  if (event !== undefined) query = query.where('event', '=', event)
  if (from !== undefined) query = query.where('at', '>=', from)
  if (to !== undefined) query = query.where('at', '<', to)
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
    query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { records: rows.map(toRecord), total: Number(count.n) }
}

export async function pruneAudit(db: Kysely<Database>, before: string): Promise<number> {
  const result = await db.deleteFrom('auditLog').where('at', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows)
}
