// The prepared-statement cache behind the SQLite dialect: one prepare per SQL text, bounded, cleared on close.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, SqliteDialect, sql, type SqliteDatabase as KyselySqliteDatabase } from 'kysely'
import { cachingDatabase } from '../../src/store/kysely/dialects/sqlite.js'

/** A real in-memory better-sqlite3 database that counts prepare calls per SQL text. */
function counted(): { db: KyselySqliteDatabase; prepared: Map<string, number>; closed: () => boolean } {
  const real = new SqliteDatabase(':memory:')
  const prepared = new Map<string, number>()
  let closed = false
  const db: KyselySqliteDatabase = {
    prepare(text) {
      prepared.set(text, (prepared.get(text) ?? 0) + 1)
      return real.prepare(text)
    },
    close() {
      closed = true
      real.close()
    },
  }
  return { db, prepared, closed: () => closed }
}

test('the same SQL through Kysely is prepared once and keeps answering with fresh parameters', async () => {
  const { db, prepared } = counted()
  const k = new Kysely<{ t: { id: number; name: string } }>({ dialect: new SqliteDialect({ database: cachingDatabase(db) }) })
  await sql`create table t (id integer primary key, name text)`.execute(k)
  for (let i = 1; i <= 5; i++) await k.insertInto('t').values({ id: i, name: `n${i}` }).execute()
  for (let i = 1; i <= 5; i++) {
    const row = await k.selectFrom('t').select('name').where('id', '=', i).executeTakeFirst()
    assert.equal(row?.name, `n${i}`)
  }
  const insert = [...prepared].filter(([s]) => s.startsWith('insert'))
  const select = [...prepared].filter(([s]) => s.startsWith('select'))
  assert.deepEqual(insert.map(([, n]) => n), [1])
  assert.deepEqual(select.map(([, n]) => n), [1])
  await k.destroy()
})

test('past its bound the least recently used statement is dropped, and close clears the cache', () => {
  const { db, prepared, closed } = counted()
  const cache = cachingDatabase(db, 2)
  cache.prepare('select 1')
  cache.prepare('select 2')
  cache.prepare('select 1') // hit: 1 is now the most recent
  cache.prepare('select 3') // evicts 2
  cache.prepare('select 1') // still cached
  cache.prepare('select 2') // prepared again
  assert.deepEqual(Object.fromEntries(prepared), { 'select 1': 1, 'select 2': 2, 'select 3': 1 })
  cache.close()
  assert.equal(closed(), true)
})

test('a cache size below 1 is a TypeError', () => {
  assert.throws(() => cachingDatabase(counted().db, 0), TypeError)
})
