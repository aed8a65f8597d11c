// DATABASE_URL -> a Kysely dialect. SQLite (better-sqlite3) is built in; other schemes are
// refused with a message naming the variable until their dialect lands.

import { closeSync, mkdirSync, openSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { SqliteDialect, type Dialect } from 'kysely'
import { ConfigError } from '../../core/config.js'

export interface DialectChoice {
  dialect: Dialect
  name: 'sqlite'
}

/** Parses `sqlite:./data/tokenwarden.db`, `sqlite:///abs/path.db` or `sqlite::memory:`. */
export function sqlitePath(url: string): string {
  const rest = url.replace(/^sqlite:(\/\/)?/, '')
  if (rest === ':memory:' || rest === '') return ':memory:'
  return rest
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
    return { dialect: new SqliteDialect({ database: db }), name: 'sqlite' }
  }
  const scheme = databaseUrl.split(':')[0]
  throw new ConfigError('DATABASE_URL', `unsupported database scheme "${scheme}:" (supported: sqlite:)`)
}
