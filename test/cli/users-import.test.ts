// `tokenwarden users import`: a Flask + PyJWT app's SQLite users (real Werkzeug and bcrypt
// hashes) land with their ids and hashes, log in through the HTTP app with their old password
// (and the hash becomes argon2id), a re-run imports nothing twice, and bad rows are refused by
// row number without their hash ever being printed. Also: bcrypt's 72 bytes end at the rehash,
// the progress bar is drawn only on a terminal, a missing @node-rs/bcrypt is announced at import,
// and no file of the command statically imports a native module. (--from: users-import-from.test.ts.)

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { test } from 'node:test'
import SqliteDatabase from 'better-sqlite3'
import { usersMain } from '../../src/cli/users.js'
import { json, testApp } from '../helpers.js'
import { ARGON2, BCRYPT, captureIo as io, importEnv, PBKDF2, SCRYPT, tempDir, usersIn } from './import-fixtures.js'

const dir = tempDir('tokenwarden-import-')
const env = (extra: Record<string, string> = {}) => importEnv(dir, extra)
let n = 0

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

function subOf(token: string): unknown {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub
}

test('--verified: imported addresses count as verified, so REQUIRE_EMAIL_VERIFICATION lets them in; without it they start unverified', async () => {
  const plain = env()
  const trusted = env()
  for (const [e, args] of [[plain, []], [trusted, ['--verified']]] as const) {
    const t = io()
    assert.equal(await usersMain(['import', '--flask-sqlite', flaskDb([[7, 'ada@example.com', SCRYPT]]), ...args], e, t.io), 0, t.all())
  }
  assert.equal((await usersIn(plain.DATABASE_URL))[0]!.emailVerifiedAt, null)
  assert.match(String((await usersIn(trusted.DATABASE_URL))[0]!.emailVerifiedAt), /^\d{4}-\d\d-\d\dT/)
  for (const [e, status] of [[plain, 403], [trusted, 200]] as const) {
    // REQUIRE_EMAIL_VERIFICATION needs mail; any SMTP_URL will do, as no message is sent here.
    const { app } = await testApp({ DATABASE_URL: e.DATABASE_URL, REQUIRE_EMAIL_VERIFICATION: 'true', SMTP_URL: 'smtp://127.0.0.1:9', MAIL_FROM: 'no-reply@example.test' })
    try {
      const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: 'hunter22' } })
      assert.equal(login.statusCode, status, login.body)
    } finally {
      await app.close()
    }
  }
})

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
    { id: 2, email: 'bob@example.com', password_hash: `$2x$${BCRYPT.slice(4)}` },
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
    'row 2 (line 2): refused: password_hash is not a format tokenwarden verifies (Werkzeug pbkdf2/scrypt, bcrypt $2a$/$2b$/$2y$, argon2 PHC)',
    'row 3 (line 3): refused: email must be a valid email address',
    'row 4 (line 4, id "4"): refused: duplicate email (first seen in row 1)',
    'row 5 (line 5): refused: line is not a JSON object',
    'row 6 (line 6, id "1"): refused: duplicate id (first seen in row 1)',
    'row 7 (line 7): refused: email must be a valid email address',
    'row 8 (line 8): refused: password_hash is not a format tokenwarden verifies (Werkzeug pbkdf2/scrypt, bcrypt $2a$/$2b$/$2y$, argon2 PHC)',
  ])
  assert.equal(t.out.at(-1), 'Imported 2, skipped 0 (email already exists), refused 7.')
  for (const secret of [BCRYPT.slice(7), 'hunter22', 'pbkdf2:', 'scrypt:', '\u001b']) assert.ok(!t.all().includes(secret), secret)
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
    [['import'], /give one source: --from DATABASE_URL, --flask-sqlite PATH, or one FILE/],
    [['import', 'a.jsonl', 'b.jsonl'], /too many arguments for 'import'[^]*Usage: tokenwarden users import/],
    [['import', 'a.jsonl', '--from', 'sqlite:x.db'], /give one source/],
    [['import', '--flask-sqlite', 'x.db', '--from', 'sqlite:x.db'], /give one source/],
    [['import', join(dir, 'users.jsonl'), '--table', 'user'], /--table and --columns go with --from or --flask-sqlite/],
    [['import', '--flask-sqlite', join(dir, 'missing.db')], /cannot open/],
    [['import', '--flask-sqlite', flaskDb([]), '--table', 'users'], /no table "users"/],
    [['import', '--flask-sqlite', flaskDb([]), '--table', 'user; drop table user'], /plain SQL table name/],
    [['import', join(dir, 'missing.jsonl')], /cannot read/],
    [['import', join(dir, 'users.txt')], /\.jsonl or \.csv/],
    [['import', '--bogus'], /unknown option '--bogus'[^]*Usage: tokenwarden users import/],
    [['import', 'users.data', '--format', 'xml'], /argument 'xml' is invalid/],
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

// python3-bcrypt (flask-bcrypt's engine): bcrypt.hashpw(('x' * 72 + 'A').encode(), bcrypt.gensalt(4)).
const BCRYPT_73 = '$2b$04$eii4IZ2bDqSjnCpslNqix.iF.Y1pZ6ONU102DzRRBtP74rQePZxOS'

test('bcrypt\'s 72 bytes: any password sharing them logs in once; the argon2id rehash keeps the one typed, only', async () => {
  const e = env()
  assert.equal(await usersMain(['import', '--flask-sqlite', flaskDb([[7, 'long@example.com', BCRYPT_73]])], e, io().io), 0)
  const [original, other] = [`${'x'.repeat(72)}A`, `${'x'.repeat(72)}B-and-more`]
  const { app } = await testApp({ DATABASE_URL: e.DATABASE_URL })
  const login = (password: string) => app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'long@example.com', password } })
  try {
    assert.equal((await login(other)).statusCode, 200, 'bcrypt never read past byte 72')
    assert.ok((await usersIn(e.DATABASE_URL))[0]!.passwordHash.startsWith('$argon2id$'))
    assert.equal(json(await login(original)).code, 'INVALID_CREDENTIALS', 'argon2id reads every byte')
    assert.equal((await login(other)).statusCode, 200)
  } finally {
    await app.close()
  }
})

/** A stream that says it is a terminal, keeping what is drawn on it. */
function terminal(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 100 })
  let drawn = ''
  stream.on('data', (d: Buffer) => (drawn += d.toString()))
  return { stream, drawn: () => drawn }
}

test('a progress bar on a terminal (cleared before the report); none when standard error is not one', async () => {
  const file = join(dir, 'progress.jsonl')
  writeFileSync(file, [1, 2, 3].map((i) => JSON.stringify({ id: i, email: `p${i}@example.com`, password_hash: PBKDF2 })).join('\n'))
  const tty = terminal(true)
  const t = io(tty.stream)
  assert.equal(await usersMain(['import', file], env(), t.io), 0)
  assert.match(tty.drawn(), /Importing users \[[^\]]*\] 100% \| 3\/3 rows/)
  assert.ok(!tty.drawn().includes('Imported'), 'the report is not drawn on the bar')
  assert.deepEqual(t.out, ['Imported 3, skipped 0 (email already exists), refused 0.'])

  const piped = terminal(false)
  assert.equal(await usersMain(['import', file], env(), io(piped.stream).io), 0)
  assert.equal(piped.drawn(), '')
})

test('without @node-rs/bcrypt the import of bcrypt hashes succeeds and says how to make them usable', () => {
  const file = join(dir, 'bcrypt.jsonl')
  writeFileSync(file, `${JSON.stringify({ id: 1, email: 'b@example.com', password_hash: BCRYPT })}\n`)
  const run = spawnSync(process.execPath, ['--import', './test/support/hide-packages.mjs', '--import', 'tsx', 'src/cli/main.ts', 'users', 'import', file], {
    cwd: join(import.meta.dirname, '../..'),
    env: { PATH: process.env.PATH, TW_HIDE_PACKAGES: '@node-rs/bcrypt', ...env() },
    encoding: 'utf8',
  })
  assert.equal(run.status, 0, run.stderr)
  assert.equal(run.stdout.trim(), 'Imported 1, skipped 0 (email already exists), refused 0.')
  assert.match(run.stderr, /warning: 1 account\(s\) have bcrypt password hashes, .*npm install @node-rs\/bcrypt$/m)
  assert.ok(!run.stderr.includes(BCRYPT.slice(7)))
})

test('no file of the command imports a native module or driver statically (the bundle loads without them)', () => {
  const NATIVE = /^import\s+(?!type\b)[^'"]*from\s+'(better-sqlite3|pg|mysql2(\/promise)?|ioredis|@node-rs\/argon2|@node-rs\/bcrypt)'/m
  const cli = join(import.meta.dirname, '../../src/cli')
  const offenders = readdirSync(cli).filter((f) => f.endsWith('.ts') && NATIVE.test(readFileSync(join(cli, f), 'utf8')))
  assert.deepEqual(offenders, [])
})
