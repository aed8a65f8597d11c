// `tokenwarden users import --from <DATABASE_URL>`: a Flask app's live users table on SQLite,
// PostgreSQL and MariaDB (the servers `npm test` starts), mapped with --columns, with the same
// refusals, dry run and idempotence as a file import; its users log in with their old Werkzeug
// and bcrypt passwords. Names are checked and quoted (`user` is reserved on PostgreSQL), a SQLite
// source is opened read-only and left as it was, keyset reading loses no row at a batch edge,
// and the bundled command runs with no better-sqlite3 installed.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import SqliteDatabase from 'better-sqlite3'
import { usersMain } from '../../src/cli/users.js'
import { json, testApp } from '../helpers.js'
import { CLI, ensureBuilt, ROOT } from '../server/process.js'
import { freshDatabase, needService, type FreshDatabase } from '../support/services.js'
import { BCRYPT, BCRYPT_2Y, captureIo, importEnv, PBKDF2, SCRYPT, tempDir, usersIn } from './import-fixtures.js'

const dir = tempDir('tokenwarden-import-from-')

/** A Flask app's database: its users table made by the kind's own DDL, rows put in with its own driver. */
interface Source {
  url: string
  exec(sql: string, params?: unknown[]): Promise<void>
  close(): Promise<void>
}

interface Kind {
  name: 'sqlite' | 'postgres' | 'mysql'
  /** The Flask-SQLAlchemy model's table, as that database's DDL writes it (a DateTime column without a zone). */
  table: string
  placeholder(i: number): string
  quote(name: string): string
  make(): Promise<Source>
}

let files = 0
const KINDS: Kind[] = [
  {
    name: 'sqlite',
    table: 'create table user (id integer primary key, email varchar(120) not null unique, pw_hash varchar(255) not null, username varchar(80), created_at datetime)',
    placeholder: () => '?',
    quote: (n) => `"${n}"`,
    async make() {
      const path = join(dir, `flask${++files}.db`)
      const db = new SqliteDatabase(path)
      return {
        url: `sqlite:${path}`,
        exec: async (sql, params = []) => void db.prepare(sql).run(...params),
        close: async () => void db.close(),
      }
    },
  },
  {
    name: 'postgres',
    table: 'create table "user" (id serial primary key, email varchar(120) not null unique, pw_hash varchar(255) not null, username varchar(80), created_at timestamp)',
    placeholder: (i) => `$${i}`,
    quote: (n) => `"${n}"`,
    make: () => onServer('postgres', async (url) => {
      const { default: pg } = await import('pg')
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      return { exec: async (sql, params) => void (await client.query(sql, params)), close: () => client.end() }
    }),
  },
  {
    name: 'mysql',
    table: 'create table `user` (id int auto_increment primary key, email varchar(120) not null unique, pw_hash varchar(255) not null, username varchar(80), created_at datetime)',
    placeholder: () => '?',
    quote: (n) => `\`${n}\``,
    make: () => onServer('mysql', async (url) => {
      const { createConnection } = await import('mysql2/promise')
      const connection = await createConnection(url)
      return { exec: async (sql, params) => void (await connection.query(sql, params)), close: () => connection.end() }
    }),
  },
]

async function onServer(service: 'postgres' | 'mysql', connect: (url: string) => Promise<Omit<Source, 'url'>>): Promise<Source> {
  const db: FreshDatabase = await freshDatabase(service)
  const client = await connect(db.url)
  return {
    url: db.url,
    exec: client.exec,
    async close() {
      await client.close()
      await db.drop()
    },
  }
}

/** The rows of a Flask app with werkzeug and flask-bcrypt users, and two a migration must refuse. */
const ROWS: [number, string, string, string | null, string | null][] = [
  [1, 'ada@example.com', SCRYPT, 'ada', '2021-03-04 05:06:07'],
  [2, ' Bob@Example.COM ', BCRYPT, null, null],
  [3, 'carol@example.com', PBKDF2, 'Carol.C', '2022-07-01 23:30:00'],
  [4, 'not an email', PBKDF2, null, null],
  [5, 'dan@example.com', 'sha256$plain', null, null],
  [42, 'eve@example.com', BCRYPT_2Y, 'eve', null],
]

async function flaskSource(kind: Kind, rows = ROWS): Promise<Source> {
  const source = await kind.make()
  await source.exec(kind.table)
  const marks = [1, 2, 3, 4, 5].map(kind.placeholder).join(', ')
  for (const row of rows) await source.exec(`insert into ${kind.quote('user')} (id, email, pw_hash, username, created_at) values (${marks})`, row)
  return source
}

const COLUMNS = ['--columns', 'email=email,password=pw_hash,username=username']

for (const kind of KINDS) {
  describe(`users import --from ${kind.name}`, kind.name === 'sqlite' ? {} : needService(kind.name), () => {
    let source: Source
    const zone = process.env.TZ
    before(async () => {
      source = await flaskSource(kind)
      // The drivers hand a zoneless DateTime over in local time: read in New York, it must stay UTC.
      process.env.TZ = 'America/New_York'
    })
    after(async () => {
      if (zone === undefined) delete process.env.TZ
      else process.env.TZ = zone
      await source.close()
    })

    test('dry run, then the import: ids, hashes, usernames and times kept; bad rows refused by number; a re-run imports nothing twice', async () => {
      const e = importEnv(dir)
      const args = ['import', '--from', source.url, '--table', 'user', ...COLUMNS]
      const dry = captureIo()
      assert.equal(await usersMain([...args, '--dry-run', '--json'], e, dry.io), 1, dry.all())
      const report = JSON.parse(dry.out[0]!)
      assert.equal(report.imported, 4)
      assert.deepEqual(report.hash_formats, { 'werkzeug-scrypt': 1, 'werkzeug-pbkdf2': 1, bcrypt: 2 })
      assert.deepEqual(report.refused, [
        { row: 4, reason: 'email must be a valid email address' },
        { row: 5, reason: 'password_hash is not a format tokenwarden verifies (Werkzeug pbkdf2/scrypt, bcrypt $2a$/$2b$/$2y$, argon2 PHC)' },
      ])
      assert.equal((await usersIn(e.DATABASE_URL!)).length, 0, 'a dry run writes nothing')

      const t = captureIo()
      assert.equal(await usersMain(args, e, t.io), 1, t.all())
      assert.deepEqual(t.err, [
        'row 4: refused: email must be a valid email address',
        'row 5: refused: password_hash is not a format tokenwarden verifies (Werkzeug pbkdf2/scrypt, bcrypt $2a$/$2b$/$2y$, argon2 PHC)',
      ])
      assert.equal(t.out.at(-1), 'Imported 4, skipped 0 (email already exists), refused 2.')
      for (const hash of [SCRYPT, PBKDF2, BCRYPT, BCRYPT_2Y, 'sha256$plain']) assert.ok(!t.all().includes(hash.slice(-20)), hash)
      const users = await usersIn(e.DATABASE_URL!)
      assert.deepEqual(users.map((u) => [u.id, u.email, u.username, u.passwordHash, u.roles]), [
        ['1', 'ada@example.com', 'ada', SCRYPT, ['user']],
        ['2', 'bob@example.com', null, BCRYPT, ['user']],
        ['3', 'carol@example.com', 'carol.c', PBKDF2, ['user']],
        ['42', 'eve@example.com', 'eve', BCRYPT_2Y, ['user']],
      ])
      assert.equal(users[0]!.createdAt, '2021-03-04T05:06:07.000Z')
      assert.equal(users[2]!.createdAt, '2022-07-01T23:30:00.000Z', 'past midnight UTC, still evening in New York')

      const again = captureIo()
      assert.equal(await usersMain(args, e, again.io), 1)
      assert.equal(again.out.at(-1), 'Imported 0, skipped 4 (email already exists), refused 2.')
    })

    test('the imported users log in with their old passwords (Werkzeug, bcrypt $2b$ and $2y$) and their hashes become argon2id', async () => {
      const e = importEnv(dir)
      assert.equal(await usersMain(['import', '--from', source.url, ...COLUMNS], e, captureIo().io), 1)
      const { app } = await testApp({ DATABASE_URL: e.DATABASE_URL! })
      try {
        for (const email of ['ada@example.com', 'bob@example.com', 'carol@example.com', 'eve@example.com']) {
          const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: 'hunter22' } })
          assert.equal(login.statusCode, 200, `${email}: ${login.body}`)
        }
        const wrong = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'bob@example.com', password: 'hunter23' } })
        assert.equal(json(wrong).code, 'INVALID_CREDENTIALS')
      } finally {
        await app.close()
      }
      for (const user of await usersIn(e.DATABASE_URL!)) assert.ok(user.passwordHash.startsWith('$argon2id$'), user.id)
    })

    test('names are matched in the catalog and quoted; anything else is a usage error (exit 2) that runs no SQL', async () => {
      const e = importEnv(dir)
      const ok = captureIo()
      assert.equal(await usersMain(['import', '--from', source.url, '--table', 'USER', '--columns', 'email=EMAIL,password=PW_HASH', '--dry-run'], e, ok.io), 1, ok.all())
      assert.equal(ok.out.at(-1), 'Would import 4, skipped 0 (email already exists), refused 2.')
      const cases: [string[], RegExp][] = [
        [['--table', 'users'], /no table "users" in the source database/],
        [['--table', 'user; drop table user'], /--table must be a plain SQL table name/],
        [['--table', 'user"--'], /--table must be a plain SQL table name/],
        [['--table', 'a.b.c'], /--table must be a plain SQL table name/],
        [['--columns', 'password=pw_hash;drop table user'], /must be a plain SQL name/],
        [['--columns', 'email=mail'], /table "user" lacks column\(s\): mail \(for email\), password \(name others with --columns\)/],
        [['--columns', 'secret=pw_hash'], /the fields are id, email, password, username, roles, created_at/],
        [['--columns', 'email=email,email=email'], /names email twice/],
        [[], /lacks column\(s\): password/],
      ]
      for (const [extra, message] of cases) {
        const t = captureIo()
        assert.equal(await usersMain(['import', '--from', source.url, ...extra], e, t.io), 2, extra.join(' '))
        assert.match(t.err.join('\n'), message)
      }
      assert.equal((await usersIn(e.DATABASE_URL!)).length, 0)
    })
  })
}

describe('users import --from postgres: schemas, credentials, and a command without better-sqlite3', needService('postgres'), () => {
  let source: Source
  before(async () => {
    source = await flaskSource(KINDS[1]!)
    await source.exec('create schema legacy')
    await source.exec('create table legacy."user" (id text primary key, email text not null, password text not null)')
    await source.exec(`insert into legacy."user" values ('u-7', 'gus@example.com', $1)`, [PBKDF2])
  })
  after(() => source.close())

  test('SCHEMA.TABLE picks one of two tables of one name; the bare name is then ambiguous', async () => {
    const e = importEnv(dir)
    const t = captureIo()
    assert.equal(await usersMain(['import', '--from', source.url, '--table', 'legacy.user'], e, t.io), 0, t.all())
    assert.deepEqual((await usersIn(e.DATABASE_URL!)).map((u) => [u.id, u.email]), [['u-7', 'gus@example.com']])
    const both = captureIo()
    assert.equal(await usersMain(['import', '--from', source.url, ...COLUMNS], e, both.io), 2)
    assert.match(both.err[0]!, /names tables in several schemas \((public, legacy|legacy, public)\); use --table SCHEMA\.TABLE/)
  })

  test('a source that cannot be reached or logged into exits 2 without printing its password', async () => {
    const url = new URL(source.url)
    url.password = 'not-the-password-s3cret'
    const cases = [url.href, 'postgres://app:s3cret-word@127.0.0.1:1/flask']
    for (const from of cases) {
      const t = captureIo()
      assert.equal(await usersMain(['import', '--from', from], importEnv(dir), t.io), 2, from)
      assert.match(t.err[0]!, /^tokenwarden users import: cannot read the source database: /)
      assert.ok(!t.all().includes('s3cret'), t.all())
    }
    const scheme = captureIo()
    assert.equal(await usersMain(['import', '--from', 'mongodb://db/flask'], importEnv(dir), scheme.io), 2)
    assert.match(scheme.err[0]!, /^tokenwarden users import: --from: unsupported database scheme "mongodb:"/)
  })

  test('dist/tokenwarden.mjs imports PostgreSQL to PostgreSQL with better-sqlite3 not installed', async (t) => {
    ensureBuilt()
    const target = await freshDatabase('postgres')
    t.after(() => target.drop())
    const run = spawnSync(process.execPath, ['--import', './test/support/hide-packages.mjs', CLI, 'users', 'import', '--from', source.url, '--table', 'public.user', ...COLUMNS], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, TW_HIDE_PACKAGES: 'better-sqlite3', ...importEnv(dir, { DATABASE_URL: target.url }) },
      encoding: 'utf8',
      timeout: 60_000,
    })
    assert.equal(run.status, 1, run.stderr)
    assert.equal(run.stdout.trim(), 'Imported 4, skipped 0 (email already exists), refused 2.')
    // The same process cannot open SQLite: the hook really hides it.
    const sqlite = spawnSync(process.execPath, ['--import', './test/support/hide-packages.mjs', CLI, 'users', 'import', '--flask-sqlite', 'x.db'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, TW_HIDE_PACKAGES: 'better-sqlite3', ...importEnv(dir, { DATABASE_URL: target.url }) },
      encoding: 'utf8',
      timeout: 60_000,
    })
    assert.equal(sqlite.status, 2)
    assert.match(sqlite.stderr, /better-sqlite3: .* npm install better-sqlite3/)
  })
})

describe('users import --from sqlite: the source file is read, never written', () => {
  test('a read-only file imports and is left byte for byte as it was; a missing one is not created', async () => {
    const source = await flaskSource(KINDS[0]!)
    await source.close()
    const path = source.url.slice('sqlite:'.length)
    chmodSync(path, 0o444)
    const before = readFileSync(path)
    const t = captureIo()
    assert.equal(await usersMain(['import', '--flask-sqlite', path, ...COLUMNS], importEnv(dir), t.io), 1, t.all())
    assert.equal(t.out.at(-1), 'Imported 4, skipped 0 (email already exists), refused 2.')
    assert.ok(readFileSync(path).equals(before), 'not a byte changed')
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith(path.split('/').pop()!)), [path.split('/').pop()], 'no -wal or -shm beside it')

    const missing = join(dir, 'no-such-flask.db')
    const gone = captureIo()
    assert.equal(await usersMain(['import', '--from', `sqlite:${missing}`], importEnv(dir), gone.io), 2)
    assert.match(gone.err[0]!, /cannot open ".*no-such-flask\.db" as a SQLite database/)
    assert.equal(existsSync(missing), false)
    const memory = captureIo()
    assert.equal(await usersMain(['import', '--from', 'sqlite::memory:'], importEnv(dir), memory.io), 2)
    assert.match(memory.err[0]!, /sqlite::memory: is an empty database/)
  })

  test('2500 rows in batches of 1000: ids shared across a batch edge and missing ids are each read once and refused', async () => {
    const path = join(dir, `flask${++files}.db`)
    const db = new SqliteDatabase(path)
    // No primary key, as a hand-made table may have: ids can repeat or be missing.
    db.exec('create table user (id integer, email text, password text)')
    const insert = db.prepare('insert into user values (?, ?, ?)')
    db.transaction(() => {
      for (let i = 1; i <= 2500; i++) insert.run(i <= 999 ? i : i <= 1002 ? 1000 : i - 2, `u${i}@example.com`, PBKDF2)
      insert.run(null, 'nobody@example.com', PBKDF2)
      insert.run(null, 'nobody2@example.com', PBKDF2)
    })()
    db.close()
    const t = captureIo()
    assert.equal(await usersMain(['import', '--from', `sqlite:${path}`, '--dry-run', '--json'], importEnv(dir), t.io), 1, t.all())
    const report = JSON.parse(t.out[0]!)
    assert.equal(report.imported + report.refused.length + report.skipped.length, 2502, 'every row once')
    assert.equal(report.imported, 2498)
    assert.deepEqual(report.refused, [
      { row: 1001, id: '1000', reason: 'duplicate id (first seen in row 1000)' },
      { row: 1002, id: '1000', reason: 'duplicate id (first seen in row 1000)' },
      { row: 2501, reason: 'id must be 1 to 64 printable characters (or a whole number)' },
      { row: 2502, reason: 'id must be 1 to 64 printable characters (or a whole number)' },
    ])
  })

  test('an integer id past 2^53 keeps every digit', async () => {
    const path = join(dir, `flask${++files}.db`)
    const db = new SqliteDatabase(path)
    db.exec('create table user (id integer primary key, email text, password text)')
    db.prepare('insert into user values (?, ?, ?)').run(9007199254740993n, 'big@example.com', PBKDF2)
    db.close()
    const e = importEnv(dir)
    assert.equal(await usersMain(['import', '--from', `sqlite:${path}`], e, captureIo().io), 0)
    assert.deepEqual((await usersIn(e.DATABASE_URL!)).map((u) => u.id), ['9007199254740993'])
  })
})
