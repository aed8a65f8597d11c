// Review: the SQLite file holds password hashes and session state, so a database the server
// creates is private to its user (0600, directory 0700), like the development secret.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { createStore } from '../../src/store/create.js'

test('a database file created by the store is mode 0600, in a 0700 directory it creates', { skip: process.platform === 'win32' }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'tw-modes-'))
  const previous = process.umask(0o022)
  try {
    const path = join(root, 'data', 'tokenwarden.db')
    const store = (await createStore({ databaseUrl: `sqlite:${path}` }))
    await store.migrate()
    assert.equal(statSync(path).mode & 0o777, 0o600)
    assert.equal(statSync(`${path}-wal`).mode & 0o077, 0, 'the WAL file follows the database file')
    assert.equal(statSync(join(root, 'data')).mode & 0o777, 0o700)
    await store.close()
  } finally {
    process.umask(previous)
    rmSync(root, { recursive: true, force: true })
  }
})
