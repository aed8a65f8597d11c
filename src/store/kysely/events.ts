// The auth-event log in SQL (table auth_events, numbered by the tw_counters row): writing an
// event inside the transaction of the change it describes, and reading it back for the feed.
//
// Every writer first bumps the counter row, which locks it until commit: event writers run one
// at a time, and seqs commit in the order they were given, with no gaps (a transaction that
// rolls back gives its number back). So a reader that has seen seq n has seen every event
// before it. On SQLite the bump is also the first statement, which takes the write lock at
// once (a deferred transaction that read first could fail to upgrade under another writer).
// Reads after the bump must see what the previous holder committed: PostgreSQL's READ COMMITTED
// does; MySQL is asked for it (dialects/mysql.ts eventIsolation).

import type { Kysely, Transaction } from 'kysely'
import { parseEvent, type AuthEvent, type EventLog, type LoggedEvent } from '../../core/events/types.js'
import type { DialectFactory } from './dialects/types.js'
import { EVENT_COUNTER } from './migrations.js'
import type { Database } from './schema.js'

/** Thrown inside a transaction to roll it back when the change turned out to change nothing. */
export class NothingChanged extends Error {}

/**
 * Runs `work` in a transaction that holds the event counter; `work` returns its result and the
 * event that describes its change, or throws NothingChanged (which rolls back the bump too).
 */
export async function withEvents<T>(
  db: Kysely<Database>,
  dialect: DialectFactory,
  work: (trx: Transaction<Database>) => Promise<{ result: T; event: AuthEvent }>,
): Promise<T> {
  let transaction = db.transaction()
  if (dialect.eventIsolation !== undefined) transaction = transaction.setIsolationLevel(dialect.eventIsolation)
  return transaction.execute(async (trx) => {
    await trx.updateTable('twCounters').set((eb) => ({ value: eb('value', '+', 1) })).where('name', '=', EVENT_COUNTER).execute()
    const { result, event } = await work(trx)
    // The number the bump gave this transaction.
    const row = await trx.selectFrom('twCounters').select('value').where('name', '=', EVENT_COUNTER).executeTakeFirstOrThrow()
    await trx
      .insertInto('authEvents')
      .values({ seq: Number(row.value), type: event.type, payload: JSON.stringify(event), createdAt: new Date().toISOString() })
      .execute()
    await dialect.notify?.(trx)
    return result
  })
}

/** Like withEvents, but a NothingChanged rollback answers `unchanged` instead of throwing. */
export async function changeWithEvents<T, U>(
  db: Kysely<Database>,
  dialect: DialectFactory,
  unchanged: U,
  work: (trx: Transaction<Database>) => Promise<{ result: T; event: AuthEvent }>,
): Promise<T | U> {
  try {
    return await withEvents(db, dialect, work)
  } catch (err) {
    if (err instanceof NothingChanged) return unchanged
    throw err
  }
}

export class KyselyEventLog implements EventLog {
  readonly #db: Kysely<Database>
  readonly #dialect: DialectFactory

  constructor(db: Kysely<Database>, dialect: DialectFactory) {
    this.#db = db
    this.#dialect = dialect
  }

  async read(after: number, limit: number): Promise<LoggedEvent[]> {
    const rows = await this.#db.selectFrom('authEvents').select(['seq', 'payload']).where('seq', '>', after).orderBy('seq').limit(limit).execute()
    return rows.map((r) => ({ seq: Number(r.seq), event: decode(r.payload) }))
  }

  async head(): Promise<number> {
    const row = await this.#db.selectFrom('twCounters').select('value').where('name', '=', EVENT_COUNTER).executeTakeFirst()
    return Number(row?.value ?? 0)
  }

  async append(event: AuthEvent): Promise<void> {
    await withEvents(this.#db, this.#dialect, async () => ({ result: undefined, event }))
  }

  async prune(before: string): Promise<number> {
    const result = await this.#db.deleteFrom('authEvents').where('createdAt', '<', before).executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}

function decode(payload: string): AuthEvent | undefined {
  try {
    return parseEvent(JSON.parse(payload))
  } catch {
    return undefined
  }
}
