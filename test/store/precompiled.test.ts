// Precompiled queries (src/store/kysely/precompiled.ts): compiled once, each call binds its own
// parameters (nulls included), rows come back through the CamelCase plugin, and a query with a
// value that is not a placeholder, or a call with the wrong number of parameters, is refused.
// The store's own use of them is covered by the conformance suite.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CamelCasePlugin, Kysely, SqliteDialect, sql } from 'kysely'
import Database from 'better-sqlite3'
import { precompiled } from '../../src/store/kysely/precompiled.js'

interface Db {
  items: { itemId: string; displayName: string | null; rank: number }
}

async function setup(): Promise<Kysely<Db>> {
  const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: new Database(':memory:') }), plugins: [new CamelCasePlugin()] })
  await sql`create table items (item_id text primary key, display_name text, rank integer not null)`.execute(db)
  return db
}

test('compiled once; every call binds its own parameters, nulls included; rows are camel-cased', async () => {
  const db = await setup()
  let builds = 0
  const insert = precompiled(db, 3, (id, name, rank) => {
    builds++
    return db.insertInto('items').values({ itemId: id!, displayName: name!, rank: rank as unknown as number })
  })
  await insert('a', 'Ada', 1)
  await insert('b', null, 2)
  await insert('c', 'Cy', 3)
  assert.equal(builds, 1)
  const byId = precompiled(db, 1, (id) => db.selectFrom('items').selectAll().where('itemId', '=', id!))
  assert.deepEqual((await byId('b')).rows, [{ itemId: 'b', displayName: null, rank: 2 }])
  assert.deepEqual((await byId('a')).rows, [{ itemId: 'a', displayName: 'Ada', rank: 1 }])
  assert.deepEqual((await byId('zzz')).rows, [])
  // The same parameters twice in one query, in another order than declared.
  const either = precompiled(db, 2, (first, second) =>
    db.selectFrom('items').select('itemId').where((eb) => eb.or([eb('itemId', '=', second!), eb('itemId', '=', first!)])).orderBy('itemId'),
  )
  assert.deepEqual((await either('c', 'a')).rows, [{ itemId: 'a' }, { itemId: 'c' }])
  await db.destroy()
})

test('a query holding a value that is not a placeholder is refused, and so is a wrong parameter count', async () => {
  const db = await setup()
  const literal = precompiled(db, 1, (id) => db.selectFrom('items').selectAll().where('itemId', '=', id!).where('rank', '=', 7))
  await assert.rejects(async () => literal('a'), { name: 'TypeError', message: /placeholder/ })
  const byId = precompiled(db, 1, (id) => db.selectFrom('items').selectAll().where('itemId', '=', id!))
  await assert.rejects(async () => byId(), { name: 'TypeError' })
  await assert.rejects(async () => byId('a', 'b'), { name: 'TypeError' })
  await db.destroy()
})
