// `tokenwarden users create | list`: creating a plain user and an admin into a SQLite file, the
// password from stdin or TOKENWARDEN_PASSWORD (never an argument), refusals and exit codes,
// and the command wired into the real binary entry point.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { usersMain, type UsersIo } from '../../src/cli/users.js'
import { createStore } from '../../src/store/create.js'

const dir = mkdtempSync(join(tmpdir(), 'tokenwarden-users-'))
after(() => rmSync(dir, { recursive: true, force: true }))

let n = 0
function env(extra: Record<string, string> = {}) {
  return { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: `sqlite:${join(dir, `db${++n}.sqlite`)}`, ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1', ...extra }
}

function io(stdin = '') {
  const out: string[] = []
  const err: string[] = []
  const value: UsersIo = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => stdin }
  return { io: value, out, err }
}

async function usersIn(databaseUrl: string) {
  const store = (await createStore({ databaseUrl: databaseUrl }))
  try {
    return (await store.listUsers({ limit: 100, offset: 0 })).users
  } finally {
    await store.close()
  }
}

test('create --admin with --password-stdin makes an admin; the password is stored hashed', async () => {
  const e = env()
  const t = io('admin password 1\n')
  assert.equal(await usersMain(['create', '--email', 'Root@Example.com', '--username', 'root', '--admin', '--password-stdin'], e, t.io), 0, t.err.join('\n'))
  assert.match(t.out[0]!, /^Created user \S+ <root@example.com> roles: user, admin$/)
  const [user] = await usersIn(e.DATABASE_URL)
  assert.deepEqual(user!.roles, ['user', 'admin'])
  assert.equal(user!.username, 'root')
  assert.ok(user!.passwordHash.startsWith('$argon2id$'))
  assert.ok(!t.out.join('').includes('admin password 1'))
})

test('create takes TOKENWARDEN_PASSWORD; a plain user gets the user role', async () => {
  const e = env({ TOKENWARDEN_PASSWORD: 'user password 1' })
  const t = io()
  assert.equal(await usersMain(['create', '--email', 'ada@example.com', '--json'], e, t.io), 0)
  const created = JSON.parse(t.out[0]!)
  assert.deepEqual(created.roles, ['user'])
  assert.equal('password' in created || 'password_hash' in created, false)
})

test('a --password argument is refused outright', async () => {
  for (const args of [['--password', 'hunter22!'], ['--password=hunter22!']]) {
    const t = io()
    assert.equal(await usersMain(['create', '--email', 'ada@example.com', ...args], env(), t.io), 2)
    assert.match(t.err[0]!, /--password-stdin/)
    assert.ok(!t.err.join('').includes('hunter22!'))
  }
})

test('refusals: no password, no email, bad input, a taken email', async () => {
  const e = env({ TOKENWARDEN_PASSWORD: 'user password 1' })
  const noPw = io()
  assert.equal(await usersMain(['create', '--email', 'ada@example.com'], env(), noPw.io), 2)
  assert.match(noPw.err[0]!, /no password/)
  assert.equal(await usersMain(['create'], e, io().io), 2)
  const weak = io('short\n')
  assert.equal(await usersMain(['create', '--email', 'ada@example.com', '--password-stdin'], e, weak.io), 2)
  assert.match(weak.err[0]!, /VALIDATION_FAILED/)
  assert.ok(!weak.err.join('').includes('short\n'))
  assert.equal(await usersMain(['create', '--email', 'ada@example.com'], e, io().io), 0)
  const taken = io()
  assert.equal(await usersMain(['create', '--email', 'ADA@example.com'], e, taken.io), 1)
  assert.match(taken.err[0]!, /EMAIL_TAKEN/)
  assert.equal(await usersMain(['delete'], e, io().io), 2)
  const bad = io()
  assert.equal(await usersMain(['create', '--email', 'a@example.com'], { ...e, RATE_LIMIT_MAX: 'lots' }, bad.io), 2)
  assert.match(bad.err[0]!, /RATE_LIMIT_MAX/)
})

test('list prints a table or JSON, with search and paging', async () => {
  const e = env({ TOKENWARDEN_PASSWORD: 'user password 1' })
  for (const email of ['ada@example.com', 'bob@example.com', 'carol@corp.example']) {
    assert.equal(await usersMain(['create', '--email', email], e, io().io), 0)
  }
  const table = io()
  assert.equal(await usersMain(['list'], e, table.io), 0)
  assert.match(table.out[0]!, /^ID\s+EMAIL\s+USERNAME\s+ROLES\s+DISABLED\s+CREATED$/)
  assert.equal(table.out.length, 5)
  assert.equal(table.out.at(-1), '3 of 3 users')
  const json = io()
  assert.equal(await usersMain(['list', '--q', 'corp', '--json'], e, json.io), 0)
  const body = JSON.parse(json.out[0]!)
  assert.equal(body.total, 1)
  assert.equal(body.users[0].email, 'carol@corp.example')
  const page = io()
  await usersMain(['list', '--limit', '1', '--offset', '1', '--json'], e, page.io)
  assert.equal(JSON.parse(page.out[0]!).users.length, 1)
  assert.equal(await usersMain(['list', '--limit', '0'], e, io().io), 2)
})

test('the tokenwarden binary entry point runs `users create` with the password on stdin', () => {
  const e = env()
  const run = (args: string[], input = '') =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'users', ...args], {
      cwd: join(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH, ...e },
      input,
      encoding: 'utf8',
    })
  const created = run(['create', '--email', 'root@example.com', '--admin', '--password-stdin'], 'admin password 1\n')
  assert.equal(created.status, 0, created.stderr)
  assert.match(created.stdout, /roles: user, admin/)
  const listed = run(['list', '--json'])
  assert.equal(listed.status, 0, listed.stderr)
  assert.equal(JSON.parse(listed.stdout).users[0].email, 'root@example.com')
})

test('create refuses a weak or too short password (exit 2) and honours PASSWORD_MIN_LENGTH', async () => {
  for (const [extra, password, code] of [
    [{}, 'password1', 'PASSWORD_TOO_WEAK'],
    [{}, 'root@example.com', 'PASSWORD_TOO_WEAK'],
    [{ PASSWORD_MIN_LENGTH: '12' }, 'ten chars!', 'VALIDATION_FAILED'],
  ] as const) {
    const e = env(extra)
    const t = io(`${password}\n`)
    assert.equal(await usersMain(['create', '--email', 'root@example.com', '--password-stdin'], e, t.io), 2)
    assert.match(t.err.join('\n'), new RegExp(`^tokenwarden users create: ${code}: password `))
    assert.deepEqual(await usersIn(e.DATABASE_URL), [])
  }
})
