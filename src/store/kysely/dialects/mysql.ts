// MySQL and MariaDB through mysql2. Tables use utf8mb4 with a binary collation: ids and
// tokens compare byte for byte, as on the other dialects. No NOTIFY here: instances learn of
// events by polling, or sooner through Redis pub/sub when REDIS_URL is set.

import { MysqlDialect } from 'kysely'
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
  largeText: 'mediumtext',
  async create(url, { poolMax }) {
    const { createPool } = await import('mysql2')
    const pool = createPool({ uri: url.replace(/^mariadb:/, 'mysql:'), connectionLimit: poolMax, charset: 'utf8mb4' })
    // A connection lost while idle is reported here; the next query gets a fresh one.
    pool.on('connection', (conn) => conn.on('error', () => {}))
    return new MysqlDialect({ pool })
  },
  uniqueViolation,
}
