// DATABASE_URL -> a Kysely dialect. SQLite (better-sqlite3) is built in; other schemes are
// refused with a message naming the variable until their dialect lands.

import { closeSync, mkdirSync, openSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { SqliteDialect, type Dialect, type SqliteDatabase as KyselySqliteDatabase, type SqliteStatement } from 'kysely'
import { ConfigError } from '../../core/config.js'

export interface DialectChoice {
  dialect: Dialect
  name: 'sqlite'
}

/** Prepared statements kept per database; our store issues a few dozen distinct SQL texts. */
export const STATEMENT_CACHE_SIZE = 256

/** Parses `sqlite:./data/tokenwarden.db`, `sqlite:///abs/path.db` or `sqlite::memory:`. */
export function sqlitePath(url: string): string {
  const rest = url.replace(/^sqlite:(\/\/)?/, '')
  if (rest === ':memory:' || rest === '') return ':memory:'
  return rest
}

/**
 * The database as Kysely's SqliteDriver sees it, with `prepare` memoized by SQL text (least
 * recently used dropped past `max`, all dropped on close). The driver prepares a statement for
 * every query, which cost 13 µs of the ~78 µs of CPU a GET /auth/me took (bench/analysis.md).
 *
 * Sharing one statement between queries is safe here: better-sqlite3 is synchronous, and
 * Kysely 0.28's SqliteConnection.executeQuery calls `prepare(sql)` then `.all()` or `.run()`
 * in the same synchronous turn, so a statement is finished with before another query can
 * start. The one asynchronous use, `streamQuery` (`.iterate()` across yields), runs while the
 * driver's ConnectionMutex holds the single connection, so no other query can reach the same
 * statement mid-iteration; our store does not stream anyway.
 *
 * @example
 * const dialect = new SqliteDialect({ database: cachingDatabase(new SqliteDatabase(':memory:')) })
 */
export function cachingDatabase(db: KyselySqliteDatabase, max = STATEMENT_CACHE_SIZE): KyselySqliteDatabase {
  if (!Number.isInteger(max) || max < 1) throw new TypeError('statement cache size must be an integer >= 1')
  const statements = new Map<string, SqliteStatement>()
  return {
    prepare(sql: string): SqliteStatement {
      let stmt = statements.get(sql)
      if (stmt !== undefined) {
        // Map order is insertion order: re-inserting marks the entry most recently used.
        statements.delete(sql)
        statements.set(sql, stmt)
        return stmt
      }
      stmt = db.prepare(sql)
      if (statements.size >= max) statements.delete(statements.keys().next().value!)
      statements.set(sql, stmt)
      return stmt
    },
    close(): void {
      statements.clear()
      db.close()
    },
  }
}

export function createDialect(databaseUrl: string): DialectChoice {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = sqlitePath(databaseUrl)
    if (path !== ':memory:') {
      // The file holds password hashes: a database we create is private (SQLite gives its
      // -wal/-shm files the same mode). An existing file keeps the mode its owner chose.
      mkdirSync(dirname(resolve(path)), { recursive: true, mode: 0o700 })
      closeSync(openSync(path, 'a', 0o600))
    }
    const db = new SqliteDatabase(path)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
    return { dialect: new SqliteDialect({ database: cachingDatabase(db) }), name: 'sqlite' }
  }
  const scheme = databaseUrl.split(':')[0]
  throw new ConfigError('DATABASE_URL', `unsupported database scheme "${scheme}:" (supported: sqlite:)`)
}
