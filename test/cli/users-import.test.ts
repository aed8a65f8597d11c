// `tokenwarden users import`: a Flask + PyJWT app's SQLite users (real Werkzeug hashes) land
// with their ids and hashes, log in through the HTTP app with their old password (and the hash
// becomes argon2id), a re-run imports nothing twice, and bad rows are refused by row number
// without their hash ever being printed.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import SqliteDatabase from 'better-sqlite3'
import { usersMain, type UsersIo } from '../../src/cli/users.js'
import { createStore } from '../../src/store/create.js'
import { json, testApp } from '../helpers.js'

// generate_password_hash('hunter22') from Werkzeug 3 (scrypt default) and with method='pbkdf2:sha256:1000'.
const SCRYPT = 'scrypt:32768:8:1$CJWYMGbhfdgqbA3v$0f277e07346b165e76c99a0ba3d20c85d3162150d151fe43b7906a0a3b5a7bb6d71e8916434ea1ad4c132a7e41d70aca044a9af8e19cab7f505774df140439c3'
const PBKDF2 = 'pbkdf2:sha256:1000$FYXZiSvtlwDQEHBN$a5169a4cce39d13d17df5f1f76375a3799cf9ea0edc5e739e80c459f104d8193'
const ARGON2 = '$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$3Ht2Fh2xZyBqDmEXK2Y4lMUXZ8qb5KF3JbYXuvT7G0A'
const BCRYPT = '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW'

const dir = mkdtempSync(join(tmpdir(), 'tokenwarden-import-'))
after(() => rmSync(dir, { recursive: true, force: true }))

let n = 0
function env(extra: Record<string, string> = {}) {
  return { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: `sqlite:${join(dir, `tw${++n}.sqlite`)}`, ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1', ...extra }
}

function io() {
  const out: string[] = []
  const err: string[] = []
  const value: UsersIo = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '' }
  return { io: value, out, err, all: () => [...out, ...err].join('\n') }
}

/** The seed app's own schema (shared/peers/flask_pyjwt_app.py), plus the rows given. */
function flaskDb(rows: [number, string, string][], extraColumns = ''): string {
  const path = join(dir, `flask${++n}.db`)
  const db = new SqliteDatabase(path)
  db.exec(`create table user (id integer primary key autoincrement, email text unique not null, password text not null${extraColumns})`)
  const insert = db.prepare('insert into user (id, email, password) values (?, ?, ?)')
  for (const row of rows) insert.run(...row)
  db.close()
  return path
}

async function usersIn(databaseUrl: string) {
  const store = (await createStore({ databaseUrl: databaseUrl }))
  try {
    await store.migrate()
    return (await store.listUsers({ limit: 100, offset: 0 })).users.sort((a, b) => a.id.localeCompare(b.id))
  } finally {
    await store.close()
  }
}

function subOf(token: string): unknown {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub
}

test('a Flask SQLite database imports with ids and hashes kept; the old password logs in and the hash becomes argon2id', async () => {
  const source = flaskDb([[1, 'ada@example.com', SCRYPT], [2, ' Bob@Example.COM ', PBKDF2], [42, 'carol@example.com', ARGON2]])
  const e = env()
  const t = io()
  assert.equal(await usersMain(['import', '--flask-sqlite', source], e, t.io), 0, t.all())
  assert.equal(t.out.at(-1), 'Imported 3, skipped 0 (email already exists), refused 0.')
  const users = await usersIn(e.DATABASE_URL)
  assert.deepEqual(users.map((u) => [u.id, u.email, u.passwordHash, u.roles]), [
    ['1', 'ada@example.com', SCRYPT, ['user']],
    ['2', 'bob@example.com', PBKDF2, ['user']],
    ['42', 'carol@example.com', ARGON2, ['user']],
  ])
  assert.ok(!t.all().includes('scrypt:') && !t.all().includes('pbkdf2:'))

  const { app } = await testApp({ DATABASE_URL: e.DATABASE_URL })
  try {
    for (const [email, id] of [['ada@example.com', '1'], ['BOB@example.com', '2']]) {
      const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: 'hunter22' } })
      assert.equal(login.statusCode, 200, login.body)
      const tokens = json<{ access_token: string }>(login)
      assert.equal(subOf(tokens.access_token), id)
      const me = await app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${tokens.access_token}` } })
      assert.equal(json(me).id, id)
    }
    const wrong = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: 'hunter23' } })
    assert.equal(json(wrong).code, 'INVALID_CREDENTIALS')
  } finally {
    await app.close()
  }
  const upgraded = await usersIn(e.DATABASE_URL)
  assert.ok(upgraded[0]!.passwordHash.startsWith('$argon2id$v=19$m=1024,t=1,p=1$'))
  assert.ok(upgraded[1]!.passwordHash.startsWith('$argon2id$'))
  assert.equal(upgraded[2]!.passwordHash, ARGON2, 'carol did not log in: her hash is untouched')

  // Idempotent: the same import again changes nothing (the upgraded hashes stay).
  const again = io()
  assert.equal(await usersMain(['import', '--flask-sqlite', source], e, again.io), 0, again.all())
  assert.equal(again.out.at(-1), 'Imported 0, skipped 3 (email already exists), refused 0.')
  assert.deepEqual((await usersIn(e.DATABASE_URL)).map((u) => u.passwordHash), upgraded.map((u) => u.passwordHash))
})

test('bad rows are refused by row number, the rest imported, exit code 1, no hash printed', async () => {
  const file = join(dir, 'users.jsonl')
  const lines = [
    { id: 1, email: 'ada@example.com', password_hash: SCRYPT },
    { id: 2, email: 'bob@example.com', password_hash: BCRYPT },
    { id: 3, email: 'not an email', password_hash: PBKDF2 },
    { id: 4, email: 'ADA@example.com', password_hash: PBKDF2 },
    'this line is not json',
    { id: 1, email: 'dan@example.com', password_hash: PBKDF2 },
    { id: 7, email: 'eve\u001b[2J@example.com', password_hash: PBKDF2 },
    { id: 8, email: 'fay@example.com', password_hash: 'plain$$hunter22' },
    { id: 9, email: 'gus@example.com', username: 'gus', roles: ['user', 'editor'], password_hash: PBKDF2, created_at: '2021-03-04T05:06:07Z' },
  ]
  writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n\n')
  const e = env()
  const t = io()
  assert.equal(await usersMain(['import', file], e, t.io), 1)
  assert.deepEqual(t.err, [
    'row 2 (line 2): refused: password_hash is not a format tokenwarden verifies (Werkzeug pbkdf2/scrypt, argon2 PHC)',
    'row 3 (line 3): refused: email must be a valid email address',
    'row 4 (line 4, id "4"): refused: duplicate email (first seen in row 1)',
    'row 5 (line 5): refused: line is not a JSON object',
    'row 6 (line 6, id "1"): refused: duplicate id (first seen in row 1)',
    'row 7 (line 7): refused: email must be a valid email address',
    'row 8 (line 8): refused: password_hash is not a format tokenwarden verifies (Werkzeug pbkdf2/scrypt, argon2 PHC)',
  ])
  assert.equal(t.out.at(-1), 'Imported 2, skipped 0 (email already exists), refused 7.')
  for (const secret of ['$2b$', 'hunter22', 'pbkdf2:', 'scrypt:', '\u001b']) assert.ok(!t.all().includes(secret), secret)
  const users = await usersIn(e.DATABASE_URL)
  assert.deepEqual(users.map((u) => u.id), ['1', '9'])
  assert.deepEqual(users[1]!.roles, ['user', 'editor'])
  assert.equal(users[1]!.username, 'gus')
  assert.equal(users[1]!.createdAt, '2021-03-04T05:06:07.000Z')
})

test('CSV: quoted fields, roles, SQLite timestamps; --dry-run writes nothing; --json reports', async () => {
  const file = join(dir, 'users.csv')
  writeFileSync(
    file,
    'id,email,username,password_hash,roles,created_at\r\n' +
      `u-1,ada@example.com,ada,${PBKDF2},"user admin",2020-01-02 03:04:05\r\n` +
      `u-2,"bob@example.com",,${SCRYPT},,\r\n` +
      `u-3,carol@example.com,c,${PBKDF2},,\r\n`,
  )
  const e = env()
  const dry = io()
  assert.equal(await usersMain(['import', file, '--dry-run', '--json'], e, dry.io), 1)
  const report = JSON.parse(dry.out[0]!)
  assert.equal(report.imported, 2)
  assert.deepEqual(report.refused, [{ row: 3, line: 4, reason: 'username must be 3 to 32 characters of a-z, 0-9, _ . -' }])
  assert.equal(report.dry_run, true)
  assert.equal((await usersIn(e.DATABASE_URL)).length, 0)

  const real = io()
  assert.equal(await usersMain(['import', file], e, real.io), 1)
  const users = await usersIn(e.DATABASE_URL)
  assert.deepEqual(users.map((u) => [u.id, u.username, u.roles, u.createdAt]), [
    ['u-1', 'ada', ['user', 'admin'], '2020-01-02T03:04:05.000Z'],
    ['u-2', null, ['user'], users[1]!.createdAt],
  ])
})

test('an email that already has another account is skipped and said so; an id taken by another email is refused', async () => {
  const e = env({ TOKENWARDEN_PASSWORD: 'user password 1' })
  assert.equal(await usersMain(['create', '--email', 'ada@example.com'], e, io().io), 0)
  const [existing] = await usersIn(e.DATABASE_URL)
  const source = flaskDb([[1, 'ada@example.com', SCRYPT], [2, 'bob@example.com', PBKDF2]])
  // An account already holding id "2" under another email.
  const seed = join(dir, 'seed.jsonl')
  writeFileSync(seed, JSON.stringify({ id: '2', email: 'zed@example.com', password_hash: PBKDF2 }) + '\n')
  assert.equal(await usersMain(['import', seed], e, io().io), 0)
  const t = io()
  assert.equal(await usersMain(['import', '--flask-sqlite', source], e, t.io), 1)
  assert.deepEqual(t.out, [
    `row 1 (id "1"): skipped: email already belongs to account ${existing!.id} (tokens naming 1 will not find it)`,
    'Imported 0, skipped 1 (email already exists), refused 1.',
  ])
  assert.deepEqual(t.err, ['row 2 (id "2"): refused: id already belongs to an account with another email'])
})

test('usage and source errors exit 2 and import nothing', async () => {
  const e = env()
  const cases: [string[], RegExp][] = [
    [['import'], /either --flask-sqlite PATH or one FILE/],
    [['import', 'a.jsonl', 'b.jsonl'], /either --flask-sqlite/],
    [['import', '--flask-sqlite', join(dir, 'missing.db')], /cannot open/],
    [['import', '--flask-sqlite', flaskDb([]), '--table', 'users'], /no table "users"/],
    [['import', '--flask-sqlite', flaskDb([]), '--table', 'user; drop table user'], /plain SQL table name/],
    [['import', join(dir, 'missing.jsonl')], /cannot read/],
    [['import', join(dir, 'users.txt')], /\.jsonl or \.csv/],
    [['import', '--bogus'], /Unknown option/],
  ]
  for (const [args, message] of cases) {
    const t = io()
    assert.equal(await usersMain(args, e, t.io), 2, args.join(' '))
    assert.match(t.err.join('\n'), message)
  }
  const noPassword = join(dir, 'nopw.db')
  const db = new SqliteDatabase(noPassword)
  db.exec('create table user (id integer primary key, email text)')
  db.close()
  const t = io()
  assert.equal(await usersMain(['import', '--flask-sqlite', noPassword], e, t.io), 2)
  assert.match(t.err[0]!, /lacks column\(s\): password/)
  const csv = join(dir, 'bad.csv')
  writeFileSync(csv, 'id,mail,password_hash\n1,a@example.com,x\n')
  assert.equal(await usersMain(['import', csv], e, io().io), 2)
  const config = io()
  assert.equal(await usersMain(['import', '--flask-sqlite', flaskDb([])], { ...e, RATE_LIMIT_MAX: 'lots' }, config.io), 2)
  assert.match(config.err[0]!, /RATE_LIMIT_MAX/)
  assert.equal((await usersIn(e.DATABASE_URL)).length, 0)
})

test('the tokenwarden binary runs `users import --flask-sqlite`', () => {
  const e = env()
  const source = flaskDb([[5, 'ada@example.com', SCRYPT]], ', username text')
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'users', 'import', '--flask-sqlite', source], {
    cwd: join(import.meta.dirname, '../..'),
    env: { PATH: process.env.PATH, ...e },
    encoding: 'utf8',
  })
  assert.equal(run.status, 0, run.stderr)
  assert.equal(run.stdout.trim(), 'Imported 1, skipped 0 (email already exists), refused 0.')
})
