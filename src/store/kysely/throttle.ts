// The login throttle kept in the database (table login_throttle), so every instance over the
// same database spends one budget per identifier: N instances do not give N times the guesses.
// The rules are core's (throttleRules, refusal, applyOutcome); this file only stores streaks.
//
// Atomicity. An identifier with no streak, the usual case, costs one statement per step: an
// insert that does nothing if the row exists (acquire), and a delete of a row that held only
// this check (a successful settle). A refusal needs one plain read. Anything else reads and
// rewrites the row in a transaction that locks it first: `SELECT ... FOR UPDATE` on PostgreSQL
// and MySQL; on SQLite a write statement comes first, so the transaction takes the database's
// write lock before it reads (a deferred transaction that read first could fail to upgrade
// while another process writes).
//
// Keys are stored as their SHA-256: the table is not a list of the addresses people tried.
// (A hash, not a secret: whoever can read this table can read the users table too.)
//
// Checks in flight are counted in `pending` so that parallel guesses cannot pass the budget. A
// process that dies mid-check never settles its reservation, so reservations expire: each
// acquire sets `pending_until` to now + PENDING_TTL_MS, and once it has passed the row's
// pending count is read as 0. A crash costs that identifier at most a minute of reduced budget.

import { createHash } from 'node:crypto'
import type { Kysely, Selectable, Transaction } from 'kysely'
import {
  applyOutcome,
  isStale,
  refusal,
  throttleRules,
  type AttemptOutcome,
  type LoginThrottle,
  type Streak,
  type ThrottleOptions,
  type ThrottleRules,
} from '../../core/accounts/throttle.js'
import type { DialectFactory } from './dialects/types.js'
import { precompiled } from './precompiled.js'
import type { Database, LoginThrottleTable } from './schema.js'

/** How long a reservation counts against the budget without being settled, ms: far above any password check. */
export const PENDING_TTL_MS = 60_000

/** Lock-and-retry rounds when a row vanishes between the insert and the lock (settled or pruned meanwhile). */
const MAX_ROUNDS = 5

/** The stored form of a throttle key. */
export function hashThrottleKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

/**
 * Login throttling shared through the database. `maxEntries` does not apply: rows with nothing
 * left to enforce are deleted by `prune()` (the server runs it hourly).
 *
 * @example
 * const store = await createStore({ databaseUrl })
 * const throttle = new SqlLoginThrottle(store.db, store.dialect, { maxFailures: 5 })
 * const auth = createAuth({ store, keyring, throttle })
 */
export class SqlLoginThrottle implements LoginThrottle {
  readonly #db: Kysely<Database>
  readonly #dialect: DialectFactory
  readonly #rules: ThrottleRules
  // The statements outside transactions, compiled once (precompiled.ts): through the query
  // builder they cost several times what SQLite does (bench/analysis.md).
  /** Inserts a row holding one reservation; false when the identifier already has one. */
  readonly #insertFresh: (hash: string, pendingUntil: number) => Promise<boolean>
  /** Deletes the row if this check was its only live reservation; false when others remain. */
  readonly #deleteIdle: (hash: string, now: number) => Promise<boolean>
  /** The row, unlocked. */
  readonly #read: (hash: string) => Promise<Selectable<LoginThrottleTable> | undefined>

  constructor(db: Kysely<Database>, dialect: DialectFactory, options: ThrottleOptions = {}) {
    this.#db = db
    this.#dialect = dialect
    this.#rules = throttleRules(options)
    // Every value a placeholder (precompiled() binds them per call); `n` types one as a number.
    const n = (p: string) => p as unknown as number
    const insert = precompiled(db, 6, (hash, failures, pending, until, lastFailureAt, waitUntil) => {
      const q = db.insertInto('loginThrottle').values({ keyHash: hash!, failures: n(failures!), pending: n(pending!), pendingUntil: n(until!), lastFailureAt: n(lastFailureAt!), waitUntil: n(waitUntil!) })
      // MySQL has no ON CONFLICT; INSERT IGNORE only ignores the duplicate key here (every value is ours).
      return dialect.name === 'mysql' ? q.ignore() : q.onConflict((oc) => oc.column('keyHash').doNothing())
    })
    this.#insertFresh = async (hash, pendingUntil) => changed(await insert(hash, 0, 1, pendingUntil, 0, 0))
    const remove = precompiled(db, 3, (hash, one, now) =>
      db.deleteFrom('loginThrottle').where('keyHash', '=', hash!).where((eb) => eb.or([eb('pending', '<=', n(one!)), eb('pendingUntil', '<=', n(now!))])),
    )
    this.#deleteIdle = async (hash, now) => changed(await remove(hash, 1, now))
    const read = precompiled(db, 1, (hash) => db.selectFrom('loginThrottle').selectAll().where('keyHash', '=', hash!))
    this.#read = async (hash) => (await read(hash)).rows[0]
  }

  async acquire(key: string): Promise<number> {
    if (this.#rules.maxFailures === 0) return 0
    const hash = hashThrottleKey(key)
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const now = this.#rules.clock.now()
      if (await this.#insertFresh(hash, now + PENDING_TTL_MS)) return 0
      // A refusal needs no lock, only a reservation does: attempts on a throttled identifier
      // (an attacker's, mostly) cost one read each, not a write transaction.
      const row = await this.#read(hash)
      const early = row === undefined ? 0 : decide(this.#rules, row, now).wait
      if (early > 0) return early
      const wait = await this.#db.transaction().execute((trx) => this.#acquireLocked(trx, hash, now))
      if (wait !== undefined) return wait
    }
    throw new Error('login throttle: the row kept vanishing under acquire')
  }

  async settle(key: string, outcome: AttemptOutcome): Promise<void> {
    if (this.#rules.maxFailures === 0) return
    const hash = hashThrottleKey(key)
    const now = this.#rules.clock.now()
    if (outcome === 'failure') {
      await this.#db.transaction().execute(async (trx) => {
        const row = await this.#lock(trx, hash)
        if (row === undefined) return
        const streak = toStreak(row)
        streak.pending = Math.max(0, streak.pending - 1)
        applyOutcome(this.#rules, streak, 'failure', now)
        await this.#write(trx, hash, streak, Number(row.pendingUntil))
      })
      return
    }
    if (outcome === 'success') {
      // The usual case: this was the row's only check in flight, and a success ends the streak.
      if (await this.#deleteIdle(hash, now)) return
    }
    // Single statements, each atomic: release the reservation (and reset on success), then
    // drop the row if that left it with nothing to enforce.
    await this.#db
      .updateTable('loginThrottle')
      .set((eb) => ({
        pending: eb.case().when('pending', '>', 0).then(eb('pending', '-', 1)).else(0).end(),
        ...(outcome === 'success' ? { failures: 0, waitUntil: 0 } : {}),
      }))
      .where('keyHash', '=', hash)
      .execute()
    await this.#db.deleteFrom('loginThrottle').where('keyHash', '=', hash).where('failures', '=', 0).where('pending', '=', 0).execute()
  }

  async prune(): Promise<number> {
    const now = this.#rules.clock.now()
    // isStale, in SQL: the window has passed since the last failure and since the end of the wait.
    const before = now - this.#rules.windowMs
    const result = await this.#db
      .deleteFrom('loginThrottle')
      .where((eb) => eb.or([eb('pending', '=', 0), eb('pendingUntil', '<=', now)]))
      .where('lastFailureAt', '<=', before)
      .where('waitUntil', '<=', before)
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  /** Decides under the row's lock; undefined when the row is gone (the caller starts over). */
  async #acquireLocked(trx: Transaction<Database>, hash: string, now: number): Promise<number | undefined> {
    const row = await this.#lock(trx, hash)
    if (row === undefined) return undefined
    const { streak, wait } = decide(this.#rules, row, now)
    if (wait > 0) return wait
    streak.pending++
    await this.#write(trx, hash, streak, now + PENDING_TTL_MS)
    return 0
  }

  /** Locks the row for the rest of the transaction and reads it. */
  async #lock(trx: Transaction<Database>, hash: string): Promise<Selectable<LoginThrottleTable> | undefined> {
    const select = trx.selectFrom('loginThrottle').selectAll().where('keyHash', '=', hash)
    if (this.#dialect.lockRows) return select.forUpdate().executeTakeFirst()
    // SQLite: a write first, which takes the database's write lock until commit.
    await trx.updateTable('loginThrottle').set((eb) => ({ pending: eb.ref('pending') })).where('keyHash', '=', hash).execute()
    return select.executeTakeFirst()
  }

  async #write(trx: Transaction<Database>, hash: string, streak: Streak, pendingUntil: number): Promise<void> {
    await trx
      .updateTable('loginThrottle')
      .set({ failures: streak.failures, pending: streak.pending, pendingUntil, lastFailureAt: streak.lastFailureAt, waitUntil: streak.waitUntil })
      .where('keyHash', '=', hash)
      .execute()
  }
}

/** The row's streak as of `now` (lapsed reservations dropped, a stale streak forgotten) and the answer to an attempt. */
function decide(rules: ThrottleRules, row: Selectable<LoginThrottleTable>, now: number): { streak: Streak; wait: number } {
  let streak = toStreak(row)
  // Reservations past their expiry belong to checks that will never settle.
  if (Number(row.pendingUntil) <= now) streak.pending = 0
  if (streak.pending === 0 && isStale(rules, streak, now)) streak = { failures: 0, pending: 0, lastFailureAt: 0, waitUntil: 0 }
  return { streak, wait: refusal(rules, streak, now) }
}

/** A write touched a row (numAffectedRows: set by every dialect's driver for insert and delete). */
function changed(result: { numAffectedRows?: bigint }): boolean {
  return (result.numAffectedRows ?? 0n) > 0n
}

function toStreak(row: Selectable<LoginThrottleTable>): Streak {
  return { failures: Number(row.failures), pending: Number(row.pending), lastFailureAt: Number(row.lastFailureAt), waitUntil: Number(row.waitUntil) }
}
