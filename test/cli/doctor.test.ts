// `tokenwarden doctor`: a sound production configuration passes (exit 0); each problem is a line
// with its status and what to do, and a failure exits 1 (a loose key file, an unreachable
// database, cookies without Secure in production, a configuration that does not parse); pending
// migrations and development settings warn. It changes nothing and never prints a secret.

import assert from 'node:assert/strict'
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { doctorMain } from '../../src/cli/doctor.js'
import type { Check } from '../../src/cli/doctor-checks.js'
import { keysMain } from '../../src/cli/keys.js'
import { createStore } from '../../src/store/create.js'
import { capture, tempEnv } from './cli-io.js'

const PROD_SECRET = 'Vq3xK8mZ1pL7wN4rT9bY2cH6jF0dG5sA-uE_iO'

async function doctor(env: Record<string, string>, ...argv: string[]) {
  const c = capture()
  const code = await doctorMain(['--json', ...argv], env, c.io)
  const { checks } = JSON.parse(c.out.join('\n')) as { checks: Check[] }
  return { code, checks, text: c.all(), find: (status: string, re: RegExp) => checks.find((k) => k.status === status && re.test(k.message)) }
}

async function migrated(env: Record<string, string>) {
  const store = await createStore({ databaseUrl: env.DATABASE_URL! })
  await store.migrate()
  await store.close()
}

function production(t: TestContext, extra: Record<string, string> = {}) {
  const made = tempEnv(t, { NODE_ENV: 'production', JWT_SECRET: PROD_SECRET, ...extra })
  // Production argon2 costs (doctor hashes nothing).
  delete made.env.ARGON2_MEMORY_COST
  delete made.env.ARGON2_TIME_COST
  mkdirSync(made.env.DATA_DIR!, { recursive: true, mode: 0o700 })
  return made
}

test('a sound production configuration: every check ok, exit 0; the text output is one line per check and a summary', async (t) => {
  const { env } = production(t)
  await migrated(env)
  const r = await doctor(env)
  assert.equal(r.code, 0, r.text)
  assert.deepEqual(r.checks.filter((c) => c.status !== 'ok'), [])
  assert.ok(r.find('ok', /JWT_SECRET: HS256 secret of 38 bytes/))
  assert.ok(r.find('ok', /migrations up to date/))
  assert.ok(!r.text.includes(PROD_SECRET))
  const c = capture()
  assert.equal(await doctorMain([], env, c.io), 0)
  assert.match(c.out.at(-1)!, /^0 failed, 0 warnings, \d+ ok$/)
  assert.match(c.out[0]!, /^ok +keys +/)
})

test('failures exit 1: a group-readable key ring, cookies without Secure in production, an unreachable database', async (t) => {
  const { env } = production(t, { JWT_COOKIE_SECURE: 'false' })
  await migrated(env)
  assert.equal(keysMain(['generate'], env, { out: () => {}, err: () => {}, now: () => Date.now() }), 0)
  const ring = join(env.DATA_DIR!, 'keys.json')
  chmodSync(ring, 0o640)
  const r = await doctor(env)
  assert.equal(r.code, 1)
  assert.ok(r.find('fail', /keys\.json holds key material and has mode 0640: chmod 600/), r.text)
  assert.ok(r.find('fail', /JWT_COOKIE_SECURE=false in production/), r.text)
  assert.equal(statSync(ring).mode & 0o777, 0o640, 'doctor changes no mode')
  assert.ok(r.find('ok', /key ring .*keys\.json: 1 key/), r.text)

  const port = await closedPort()
  const down = await doctor({ ...env, JWT_COOKIE_SECURE: 'true', DATABASE_URL: `postgres://app:pg-Secret-1@127.0.0.1:${port}/auth` })
  assert.equal(down.code, 1)
  assert.ok(down.find('fail', /postgres:\/\/\*\*\*@127\.0\.0\.1:\d+\/auth unreachable/), down.text)
  assert.ok(!down.text.includes('pg-Secret-1'))
})

test('warnings keep exit 0: pending migrations, a missing database file (not created), development keys and settings, a short HS512 secret', async (t) => {
  const { env, dir } = tempEnv(t, { NODE_ENV: 'development', JWT_SECRET: '' })
  const missing = await doctor(env)
  assert.equal(missing.code, 0, missing.text)
  assert.ok(missing.find('warn', /no database file yet/))
  assert.ok(!existsSync(join(dir, 'auth.db')), 'doctor does not create the database')
  assert.ok(missing.find('warn', /no key yet: serve would generate the development secret/))
  assert.ok(!existsSync(join(env.DATA_DIR!, 'jwt-secret')), 'doctor does not generate a secret')
  assert.ok(missing.find('warn', /NODE_ENV=development/))

  // An empty database file: every migration pending.
  const { default: Database } = await import('better-sqlite3')
  new Database(join(dir, 'auth.db')).close()
  chmodSync(join(dir, 'auth.db'), 0o644)
  const pending = await doctor({ ...env, JWT_ALGORITHM: 'HS512', JWT_SECRET: PROD_SECRET })
  assert.equal(pending.code, 0, pending.text)
  assert.ok(pending.find('warn', /\d+ migration\(s\) pending \(0001_users_and_sessions, .*\): run tokenwarden migrate/), pending.text)
  assert.ok(pending.find('warn', /38 bytes for HS512, shorter than its 64-byte hash/), pending.text)
  assert.ok(pending.find('warn', /auth\.db has mode 0644: readable by other users; chmod 600/), pending.text)
})

test('a hand-written secret fails in production; a configuration that does not parse is one failed check, exit 1', async (t) => {
  const { env } = production(t, { JWT_SECRET: 'change-me-change-me-change-me-change-me' })
  await migrated(env)
  const r = await doctor(env)
  assert.equal(r.code, 1)
  assert.ok(r.find('fail', /JWT_SECRET looks written by hand/), r.text)
  assert.ok(!r.text.includes('change-me-change-me'))
  const bad = await doctor({ ...env, PORT: 'eighty' })
  assert.equal(bad.code, 1)
  assert.deepEqual(bad.checks.map((c) => [c.status, c.name]), [['fail', 'config']])
  assert.match(bad.checks[0]!.message, /PORT/)
})

test('doctor --help 0; an unknown option or argument 2 with the usage line', async (t) => {
  const { env } = tempEnv(t)
  const help = capture()
  assert.equal(await doctorMain(['--help'], env, help.io), 0)
  assert.match(help.out.join('\n'), /^Usage: tokenwarden doctor \[options\]/)
  assert.match(help.out.join('\n'), /--json/)
  for (const argv of [['--bogus'], ['extra']]) {
    const c = capture()
    assert.equal(await doctorMain(argv, env, c.io), 2, argv.join(' '))
    assert.match(c.err.join('\n'), /^Usage: tokenwarden doctor \[options\]$/m)
  }
})

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

