import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import { loadSqliteDriver, sqliteDriverProblem } from '../../src/store/kysely/dialects/sqlite.js'

test('each better-sqlite3 line runs only on the Node versions it supports', () => {
  assert.equal(sqliteDriverProblem('v20.20.2', '12.11.1'), undefined)
  assert.equal(sqliteDriverProblem('v22.12.0', '12.11.1'), undefined)
  assert.equal(sqliteDriverProblem('v22.12.0', '13.2.0'), undefined)
  assert.equal(sqliteDriverProblem('v24.11.0', '13.2.0'), undefined)
  assert.equal(sqliteDriverProblem('v25.0.0', '14.0.0'), undefined)
  // better-sqlite3 13 segfaults on Node 20; 12 aborts on Node 24 (ObjectWrap's cleanup hook).
  assert.match(sqliteDriverProblem('v20.19.0', '13.0.0') ?? '', /needs Node 22 or later .*npm install better-sqlite3@12$/)
  assert.match(sqliteDriverProblem('v24.0.0', '12.11.1') ?? '', /aborts the process on Node 24: npm install better-sqlite3@13$/)
  assert.match(sqliteDriverProblem('v26.1.0', '11.10.0') ?? '', /npm install better-sqlite3@13$/)
})

test('the installed driver suits this Node and loads', async () => {
  const { version } = createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string }
  assert.equal(sqliteDriverProblem(process.version, version), undefined, 'CI installs the line that suits each Node')
  const Database = await loadSqliteDriver()
  const db = new Database(':memory:')
  assert.deepEqual(db.prepare('select 1 as one').get(), { one: 1 })
  db.close()
})
