// `tokenwarden migrate`: applies the migrations to a fresh database once; a second run has
// nothing to do. Also the usage and unknown-command exits.

import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, test } from 'node:test'
import { cleanEnv, ensureBuilt, runCli } from '../server/process.js'

before(() => ensureBuilt())

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-migrate-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

test('migrate on a fresh directory applies the migration; a second run says the database is up to date', async (t) => {
  const cwd = tempDir(t)
  const first = await runCli(['migrate'], cwd)
  assert.equal(first.code, 0, first.stderr)
  assert.match(first.stdout, /0001_users_and_sessions/)
  assert.ok(existsSync(join(cwd, 'data', 'tokenwarden.db')))
  const second = await runCli(['migrate'], cwd)
  assert.equal(second.code, 0, second.stderr)
  assert.equal(second.stdout.trim(), 'Database is up to date.')
})

test('migrate honours DATABASE_URL from a .env-free environment', async (t) => {
  const cwd = tempDir(t)
  const env = cleanEnv({ DATABASE_URL: `sqlite:${join(cwd, 'elsewhere', 'db.sqlite')}` })
  const r = await runCli(['migrate'], cwd, env)
  assert.equal(r.code, 0, r.stderr)
  assert.ok(existsSync(join(cwd, 'elsewhere', 'db.sqlite')))
  assert.ok(!existsSync(join(cwd, 'data', 'tokenwarden.db')))
})

test('--help exits 0; an unknown command exits 2 with the usage', async (t) => {
  const cwd = tempDir(t)
  const help = await runCli(['--help'], cwd)
  assert.equal(help.code, 0)
  assert.match(help.stdout, /Usage: tokenwarden/)
  const unknown = await runCli(['frobnicate'], cwd)
  assert.equal(unknown.code, 2)
  assert.match(unknown.stderr, /unknown command/)
})

test('.env in the working directory is read; the real environment wins over it', async (t) => {
  const cwd = tempDir(t)
  writeFileSync(join(cwd, '.env'), 'PORT=abc\nDATA_DIR=from-dotenv\n')
  const bad = await runCli(['migrate'], cwd)
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /PORT/)
  const ok = await runCli(['migrate'], cwd, cleanEnv({ PORT: '8080' }))
  assert.equal(ok.code, 0, ok.stderr)
  assert.ok(existsSync(join(cwd, 'from-dotenv', 'tokenwarden.db')), 'DATA_DIR came from .env')
})

test('an unsupported DATABASE_URL scheme is a configuration error: exit 2 naming DATABASE_URL', async (t) => {
  const cwd = tempDir(t)
  const r = await runCli(['migrate'], cwd, cleanEnv({ DATABASE_URL: 'oracle://db.example.com/auth' }))
  assert.equal(r.code, 2)
  assert.match(r.stderr, /DATABASE_URL/)
})
