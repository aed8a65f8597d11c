// MySQL and MariaDB through mysql2. Tables use utf8mb4 with a binary collation: ids and
// tokens compare byte for byte, as on the other dialects. No NOTIFY here: instances learn of
// events by polling, or sooner through Redis pub/sub when REDIS_URL is set.

import { MysqlDialect } from 'kysely'
import { importOptional } from '../../../core/optional-module.js'
import type { DialectFactory } from './types.js'

/** `Duplicate entry '...' for key 'users_email_key'` (MariaDB) or `... 'users.users_email_key'` (MySQL 8). */
function uniqueViolation(err: unknown): string | undefined {
  const e = err as { code?: unknown; sqlMessage?: unknown; message?: unknown }
  if (e.code !== 'ER_DUP_ENTRY') return undefined
  // Anchored at the end: the duplicated value, earlier in the message, is user input.
  const m = /for key '(?:[^.']*\.)?([^'.]+)'$/.exec(String(e.sqlMessage ?? e.message))
  return m?.[1] === 'PRIMARY' ? undefined : m?.[1]
}

export const mysql: DialectFactory = {
  name: 'mysql',
  schemes: ['mysql', 'mariadb'],
  lockRows: true,
  // InnoDB's default, REPEATABLE READ, reads from a snapshot taken at the transaction's first
  // plain read: any read made before the counter lock was granted would keep showing the rows
  // as they were, so the admin count under the lock (store.ts) could miss a demotion another
  // instance just committed, and both could remove the last admin. READ COMMITTED reads the
  // latest committed rows at each statement, as PostgreSQL does by default, and takes no gap
  // locks. (With binary logging on, it needs binlog_format ROW or MIXED, the servers' defaults.)
  eventIsolation: 'read committed',
  largeText: 'mediumtext',
  async create(url, { poolMax }) {
    const { createPool } = await importOptional('mysql2', 'MySQL and MariaDB (DATABASE_URL=mysql://...)', () => import('mysql2'))
    // mysql2 connects with CLIENT_FOUND_ROWS (its default): an UPDATE reports the rows it matched,
    // not only those it changed, as the other dialects do; updateUser relies on it (a patch
    // that changes no column still finds the user). A URL with flags=-FOUND_ROWS would break it.
    const pool = createPool({ uri: url.replace(/^mariadb:/, 'mysql:'), connectionLimit: poolMax, charset: 'utf8mb4' })
    // A connection lost while idle is reported here; the next query gets a fresh one.
    pool.on('connection', (conn) => conn.on('error', () => {}))
    return new MysqlDialect({ pool })
  },
  uniqueViolation,
}
