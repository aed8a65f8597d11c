// SQLite through better-sqlite3: the default, one file in DATA_DIR. Several processes may
// share the file (WAL mode, a busy timeout); migrations take the write lock first so two
// instances starting together on a fresh file do not both create the tables.

import { closeSync, mkdirSync, openSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, resolve } from 'node:path'
import { sql, SqliteAdapter, SqliteDialect, type Kysely, type SqliteDatabase, type SqliteStatement } from 'kysely'
import { ConfigError } from '../../../core/config-env.js'
import { importOptional } from '../../../core/optional-module.js'
import type { DialectFactory } from './types.js'

/** Prepared statements kept per database; our store issues a few dozen distinct SQL texts. */
export const STATEMENT_CACHE_SIZE = 256

/** Milliseconds a writer waits for another process's write lock before failing. */
const BUSY_TIMEOUT_MS = 10_000

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
export function cachingDatabase(db: SqliteDatabase, max = STATEMENT_CACHE_SIZE): SqliteDatabase {
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

/**
 * Kysely's SQLite adapter takes no migration lock (one connection per process). Across
 * processes sharing a file, the migrations run inside BEGIN IMMEDIATE: the second process waits
 * for the first to commit, then finds the migrations applied.
 */
class LockingSqliteAdapter extends SqliteAdapter {
  readonly #open = new WeakSet<object>()
  override async acquireMigrationLock(db: Kysely<any>): Promise<void> {
    await sql`begin immediate`.execute(db)
    this.#open.add(db)
  }
  override async releaseMigrationLock(db: Kysely<any>): Promise<void> {
    if (!this.#open.delete(db)) return
    await sql`commit`.execute(db)
  }
}

class LockingSqliteDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new LockingSqliteAdapter()
  }
}

/**
 * Why this better-sqlite3 cannot run on this Node, or undefined when it can. Each major line
 * works on some Node versions only: 12 and earlier subclass node::ObjectWrap, whose destructor
 * on Node 24 asserts on an environment that is gone, so the process aborts at exit or at a GC
 * (WiseLibs/better-sqlite3#1515); 13 is built on Node-API for Node 22 and later and crashes
 * on Node 20 at the first statement.
 */
export function sqliteDriverProblem(nodeVersion: string, driverVersion: string): string | undefined {
  const node = Number(nodeVersion.replace(/^v/, '').split('.')[0])
  const driver = Number(driverVersion.split('.')[0])
  if (driver >= 13 && node < 22) return `better-sqlite3 ${driverVersion} needs Node 22 or later and crashes on Node ${node}: npm install better-sqlite3@12`
  if (driver <= 12 && node >= 24) return `better-sqlite3 ${driverVersion} aborts the process on Node ${node}: npm install better-sqlite3@13`
  return undefined
}

/** The better-sqlite3 Database class, once its version is known to suit this Node. */
export async function loadSqliteDriver(): Promise<typeof import('better-sqlite3')> {
  const { default: Database } = await importOptional('better-sqlite3', 'SQLite (DATABASE_URL=sqlite:..., the default)', () => import('better-sqlite3'))
  const { version } = createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string }
  const problem = sqliteDriverProblem(process.version, version)
  if (problem !== undefined) throw new ConfigError('better-sqlite3', problem)
  return Database
}

/** `UNIQUE constraint failed: users.email` names columns: mapped to our index names (`users_email_key`). */
function uniqueViolation(err: unknown): string | undefined {
  const e = err as { code?: unknown; message?: unknown }
  if (e.code !== 'SQLITE_CONSTRAINT_UNIQUE' && e.code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') return undefined
  const m = /constraint failed: (\w+)\.(\w+(?:, \w+\.\w+)*)$/.exec(String(e.message))
  if (m === null) return undefined
  const columns = m[2]!.split(', ').map((c) => c.split('.').pop())
  return e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ? `${m[1]}_pkey` : `${m[1]}_${columns.join('_')}_key`
}

export const sqlite: DialectFactory = {
  name: 'sqlite',
  schemes: ['sqlite'],
  lockRows: false,
  largeText: 'text',
  async create(url) {
    const Database = await loadSqliteDriver()
    const path = sqlitePath(url)
    if (path !== ':memory:') {
      // The file holds password hashes: a database we create is private (SQLite gives its
      // -wal/-shm files the same mode). An existing file keeps the mode its owner chose.
      mkdirSync(dirname(resolve(path)), { recursive: true, mode: 0o700 })
      closeSync(openSync(path, 'a', 0o600))
    }
    const db = new Database(path)
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    return new LockingSqliteDialect({ database: cachingDatabase(db) })
  },
  uniqueViolation,
  busy: (err) => String((err as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY'),
}
