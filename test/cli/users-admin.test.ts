// `tokenwarden users disable | enable | set-roles | delete | revoke`: account changes from the
// command line reach a running server (sharing the database) within its bound, and refusals
// (unknown account, last admin, bad usage) have their exit codes.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { usersMain, type UsersIo } from '../../src/cli/users.js'
import { bearer, json, signUp, testApp, type TestApp } from '../helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'tokenwarden-users-admin-'))
const apps: TestApp[] = []
after(async () => {
  for (const t of apps) await t.app.close()
  rmSync(dir, { recursive: true, force: true })
})

let n = 0
async function server() {
  const databaseUrl = `sqlite:${join(dir, `db${++n}.sqlite`)}`
  const t = await testApp({ DATABASE_URL: databaseUrl, INVALIDATION_POLL_MS: '20' })
  apps.push(t)
  const env = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: databaseUrl, ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1' }
  return { t, env }
}

function io() {
  const out: string[] = []
  const err: string[] = []
  const value: UsersIo = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '' }
  return { io: value, out, err }
}

async function until(check: () => Promise<number>, status: number): Promise<number> {
  const start = Date.now()
  while ((await check()) !== status) {
    if (Date.now() - start > 1500) throw new Error(`still not ${status} after 1500 ms`)
    await new Promise((r) => setTimeout(r, 5))
  }
  return Date.now() - start
}

test('users disable: the running server refuses the account\'s token within its bound; enable lets it log in again', async (t) => {
  const { t: s, env } = await server()
  const { tokens } = await signUp(s.app)
  const me = async () => (await s.app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })).statusCode
  assert.equal(await me(), 200)
  const cli = io()
  assert.equal(await usersMain(['disable', '--email', 'ADA@example.com'], env, cli.io), 0, cli.err.join('\n'))
  assert.match(cli.out[0]!, /^Disabled \S+ <ada@example.com>; 1 sessions revoked$/)
  t.diagnostic(`refused ${await until(me, 401)} ms after the CLI returned`)
  const login = () => s.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: 'correct horse battery' } })
  assert.equal(json(await login()).code, 'ACCOUNT_DISABLED')
  assert.equal(await usersMain(['enable', '--email', 'ada@example.com'], env, io().io), 0)
  assert.equal((await login()).statusCode, 200)
})

test('users roles --set removes a role: sessions end; users revoke ends them too; users delete removes the account', async () => {
  const { t: s, env } = await server()
  const { tokens, user } = await signUp(s.app)
  const me = (token: string) => async () => (await s.app.inject({ url: '/auth/me', headers: bearer(token) })).statusCode
  const cli = io()
  assert.equal(await usersMain(['roles', '--id', String(user.id), '--set', ''], env, cli.io), 0, cli.err.join('\n'))
  assert.match(cli.out[0]!, /Roles of .*: \(none\); 1 sessions revoked/)
  await until(me(tokens.access_token), 401)

  const again = await s.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: 'correct horse battery' } })
  const token2 = json<{ access_token: string }>(again).access_token
  assert.equal(await usersMain(['revoke', '--email', 'ada@example.com'], env, io().io), 0)
  await until(me(token2), 401)

  const third = json<{ access_token: string }>(await s.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: 'correct horse battery' } })).access_token
  assert.equal(await usersMain(['delete', '--email', 'ada@example.com', '--yes'], env, io().io), 0)
  await until(me(third), 401)
  assert.equal((await s.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: 'correct horse battery' } })).statusCode, 401)
})

test('refusals: unknown account 1, last admin 1, missing --email/--id or --set 2', async () => {
  const { t: s, env } = await server()
  await s.auth.accounts.register({ email: 'root@example.com', password: 'admin password 1', roles: ['user', 'admin'] })
  let cli = io()
  assert.equal(await usersMain(['disable', '--email', 'nobody@example.com'], env, cli.io), 1)
  assert.match(cli.err[0]!, /USER_NOT_FOUND/)
  cli = io()
  assert.equal(await usersMain(['disable', '--email', 'root@example.com'], env, cli.io), 1)
  assert.match(cli.err[0]!, /LAST_ADMIN/)
  assert.equal(await usersMain(['delete', 'root@example.com', '--yes'], env, io().io), 1)
  assert.equal(await usersMain(['disable'], env, io().io), 2)
  assert.equal(await usersMain(['roles', '--email', 'root@example.com'], env, io().io), 2)
  assert.equal(await usersMain(['roles', '--email', 'root@example.com', '--set', 'bad role!'], env, io().io), 2)
})

test('the email as an argument: disable, enable, set-roles EMAIL ROLES (roles is its alias), revoke', async () => {
  const { t: s, env } = await server()
  await signUp(s.app)
  let cli = io()
  assert.equal(await usersMain(['disable', 'ada@example.com'], env, cli.io), 0, cli.err.join('\n'))
  assert.match(cli.out[0]!, /^Disabled \S+ <ada@example.com>/)
  assert.equal(await usersMain(['enable', 'ada@example.com'], env, io().io), 0)
  cli = io()
  assert.equal(await usersMain(['set-roles', 'ada@example.com', 'user,editor'], env, cli.io), 0, cli.err.join('\n'))
  assert.match(cli.out[0]!, /Roles of .*: user, editor$/)
  cli = io()
  assert.equal(await usersMain(['roles', 'ada@example.com', '--set', 'user'], env, cli.io), 0, cli.err.join('\n'))
  assert.match(cli.out[0]!, /Roles of .*: user/)
  assert.equal(await usersMain(['revoke', 'ada@example.com'], env, io().io), 0)
  // Named twice, or not at all: usage.
  assert.equal(await usersMain(['disable', 'ada@example.com', '--email', 'ada@example.com'], env, io().io), 2)
  assert.equal(await usersMain(['set-roles', 'ada@example.com'], env, io().io), 2)
})

test('users delete: asks on a terminal (no keeps the account, exit 1); refused without --yes elsewhere (exit 2)', async () => {
  const { t: s, env } = await server()
  await signUp(s.app)
  const exists = async () => (await s.auth.accounts.findByEmail('ada@example.com')) !== undefined
  let cli = io()
  assert.equal(await usersMain(['delete', 'ada@example.com'], env, cli.io), 2)
  assert.match(cli.err[0]!, /not on a terminal: add --yes/)
  assert.equal(await exists(), true)
  const no = { ...io(), answers: [] as string[] }
  no.io.confirm = async (q) => (no.answers.push(q), false)
  assert.equal(await usersMain(['delete', 'ada@example.com'], env, no.io), 1)
  assert.match(no.answers[0]!, /^Delete \S+ <ada@example.com> and end its sessions\?/)
  assert.equal(await exists(), true)
  cli = io()
  cli.io.confirm = async () => true
  assert.equal(await usersMain(['delete', 'ada@example.com'], env, cli.io), 0, cli.err.join('\n'))
  assert.match(cli.out[0]!, /^Deleted \S+ <ada@example.com>/)
  assert.equal(await exists(), false)
})

test('users: --help for each subcommand (0); an unknown option or subcommand exits 2 with the usage line', async () => {
  const { env } = await server()
  for (const sub of ['create', 'list', 'disable', 'enable', 'delete', 'revoke', 'set-roles']) {
    const help = io()
    assert.equal(await usersMain([sub, '--help'], env, help.io), 0, sub)
    assert.match(help.out.join('\n'), new RegExp(`^Usage: tokenwarden users ${sub}[| ]`), sub)
    const bad = io()
    assert.equal(await usersMain([sub, 'x@example.com', '--bogus'], env, bad.io), 2, sub)
    assert.match(bad.err.join('\n'), new RegExp(`^Usage: tokenwarden users ${sub}[| ]`, 'm'), sub)
  }
  const top = io()
  assert.equal(await usersMain(['--help'], env, top.io), 0)
  assert.match(top.out.join('\n'), /set-roles\|roles/)
  assert.equal(await usersMain(['frob'], env, io().io), 2)
  assert.equal(await usersMain([], env, io().io), 2)
  assert.equal(await usersMain(['list', '--limit', '0'], env, io().io), 2)
})
