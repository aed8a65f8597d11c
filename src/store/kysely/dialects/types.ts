// What a SQL dialect contributes to the Kysely store: how to connect (its driver imported
// lazily, so a SQLite user never loads pg or mysql2), how it names a unique violation, and the
// few places where its SQL or its locking differs.

import type { Dialect, Kysely } from 'kysely'

export type DialectName = 'sqlite' | 'postgres' | 'mysql'

export interface ConnectOptions {
  /** DATABASE_POOL_MAX: connections in the pool (PostgreSQL, MySQL). */
  poolMax: number
}

/** A live wake-up channel (PostgreSQL LISTEN): calls back whenever an event may have been written. */
export interface Listener {
  close(): Promise<void>
}

export interface DialectFactory {
  readonly name: DialectName
  /** URL schemes it serves, without the colon. */
  readonly schemes: readonly string[]
  /** Imports the driver and builds the Kysely dialect (connections are opened on first use). */
  create(url: string, options: ConnectOptions): Promise<Dialect>
  /** The name of the unique constraint (index) an error reports, or undefined when it is not a unique violation. */
  uniqueViolation(err: unknown): string | undefined
  /** Another process held the database past the busy timeout (SQLite): worth another try. */
  busy?(err: unknown): boolean
  /** SELECT ... FOR UPDATE exists (not on SQLite, whose writers are serialized anyway). */
  readonly lockRows: boolean
  /**
   * Isolation level for the transactions that record events, where the server's default would
   * let their reads see a snapshot older than the counter lock; undefined: the default.
   */
  readonly eventIsolation?: 'read committed'
  /** Column type for a potentially large text payload. */
  readonly largeText: string
  /** Signals listeners, from inside the transaction that wrote an event (delivered on commit). */
  notify?(trx: Kysely<any>): Promise<void>
  /** Opens a wake-up channel; reconnects by itself after failures (reported through onError). */
  listen?(url: string, onWake: () => void, onError: (err: unknown) => void): Promise<Listener>
}
