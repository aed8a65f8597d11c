// `tokenwarden audit`: the log from the command line, filtered like GET /admin/audit (by --user
// email or id, --event, --since as a time or a duration ago), as a table or JSON; bad filters
// are usage errors (exit 2); changes made with `tokenwarden users` are recorded as the CLI's;
// `audit prune` deletes rows past AUDIT_RETENTION.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { auditMain } from '../../src/cli/audit.js'
import { usersMain } from '../../src/cli/users.js'
import { createStore } from '../../src/store/create.js'
import { CLI, cleanEnv, ensureBuilt } from '../server/process.js'
import { capture, tempEnv } from './cli-io.js'

async function withAccounts(t: Parameters<typeof tempEnv>[0], extra: Record<string, string> = {}) {
  const { env } = tempEnv(t, extra)
  for (const email of ['ada@example.com', 'bob@example.com']) {
    const c = capture('correct horse battery\n')
    assert.equal(await usersMain(['create', '--email', email, '--password-stdin'], env, c.io), 0, c.all())
  }
  const c = capture()
  assert.equal(await usersMain(['disable', 'bob@example.com'], env, c.io), 0, c.all())
  return env
}

test('audit: a table of events, newest first; --json in the API\'s shape; the CLI\'s changes name no actor and say via cli', async (t) => {
  const env = await withAccounts(t)
  const table = capture()
  assert.equal(await auditMain([], env, table.io), 0, table.all())
  assert.match(table.out[0]!, /^AT\s+EVENT\s+OUTCOME\s+REASON\s+ACTOR\s+SUBJECT\s+IP$/)
  assert.match(table.out[1]!, /user_updated\s+success\s+-\s+\(cli\)\s+bob@example\.com\s+-$/)
  assert.match(table.out.at(-1)!, /^3 of 3 events$/)

  const json = capture()
  assert.equal(await auditMain(['--json', '--event', 'register'], env, json.io), 0, json.all())
  const body = JSON.parse(json.out[0]!) as { records: Array<Record<string, unknown>>; total: number }
  assert.equal(body.total, 2)
  assert.deepEqual(Object.keys(body.records[0]!).sort(), ['actor_id', 'at', 'detail', 'event', 'id', 'ip', 'outcome', 'reason', 'session_id', 'subject_id', 'user_agent'])
  assert.deepEqual([body.records[0]!.actor_id, body.records[0]!.detail], [null, { via: 'cli' }])
  assert.ok(!json.out[0]!.includes('correct horse battery') && !json.out[0]!.includes('@example.com'), 'no password, no address in the rows')
})

test('audit: --user by email, --since as a duration or a time, --limit; refusals and their exit codes', async (t) => {
  const env = await withAccounts(t)
  const run = async (...args: string[]) => {
    const c = capture()
    const code = await auditMain(args, env, c.io, () => Date.now())
    return { code, c }
  }
  let r = await run('--user', 'bob@example.com', '--json')
  assert.deepEqual((JSON.parse(r.c.out[0]!) as { records: Array<{ event: string }> }).records.map((x) => x.event), ['user_updated', 'register'])
  r = await run('--since', '1h', '--json')
  assert.equal((JSON.parse(r.c.out[0]!) as { total: number }).total, 3)
  r = await run('--since', '2999-01-01', '--json')
  assert.equal((JSON.parse(r.c.out[0]!) as { total: number }).total, 0)
  r = await run('--limit', '1')
  assert.match(r.c.out.at(-1)!, /^1 of 3 events$/)

  r = await run('--event', 'logged_in')
  assert.equal(r.code, 2)
  assert.match(r.c.err[0]!, /^tokenwarden audit: VALIDATION_FAILED: --event: event must be one of register, login/)
  r = await run('--since', 'yesterday')
  assert.equal(r.code, 2)
  assert.match(r.c.err[0]!, /--since: from must be an ISO-8601 time/)
  r = await run('--limit', '0')
  assert.equal(r.code, 2)
  r = await run('--user', 'nobody@example.com')
  assert.equal(r.code, 1)
  assert.match(r.c.err[0]!, /USER_NOT_FOUND/)
})

test('audit prune: deletes rows older than AUDIT_RETENTION; 0 keeps them all', async (t) => {
  const env = await withAccounts(t, { AUDIT_RETENTION: '30d' })
  const store = await createStore({ databaseUrl: env.DATABASE_URL! })
  const old = { at: '2001-01-01T00:00:00.000Z', event: 'login' as const, outcome: 'success' as const, reason: null, actorId: null, subjectId: 'gone', sessionId: null, ip: null, userAgent: null, detail: null }
  await store.appendAudit({ ...old, id: '00e000000000aaaaaaaa00000001' })
  await store.close()
  let c = capture()
  assert.equal(await auditMain(['prune'], { ...env, AUDIT_RETENTION: '0' }, c.io), 0, c.all())
  assert.equal(c.out[0], 'AUDIT_RETENTION is 0: every row is kept.')
  c = capture()
  assert.equal(await auditMain(['prune'], env, c.io), 0, c.all())
  assert.equal(c.out[0], 'Deleted 1 audit rows older than 30 days.')
  c = capture()
  await auditMain(['--json'], env, c.io)
  assert.equal((JSON.parse(c.out[0]!) as { total: number }).total, 3, 'the recent rows stay')
})

test('the built tokenwarden binary: audit --help, and audit --json over the same database', async (t) => {
  ensureBuilt()
  const env = await withAccounts(t)
  const help = spawnSync(process.execPath, [CLI, 'audit', '--help'], { encoding: 'utf8', env: cleanEnv() })
  assert.equal(help.status, 0, help.stderr)
  assert.match(help.stdout, /Usage: tokenwarden audit \[options\] \[command\]/)
  assert.match(help.stdout, /--since <time>/)
  assert.match(help.stdout, /prune/)
  const run = spawnSync(process.execPath, [CLI, 'audit', '--json', '--event', 'user_updated'], { encoding: 'utf8', env: cleanEnv(env) })
  assert.equal(run.status, 0, run.stderr)
  const body = JSON.parse(run.stdout) as { records: Array<{ event: string; detail: unknown }>; total: number }
  assert.deepEqual([body.total, body.records[0]!.event, body.records[0]!.detail], [1, 'user_updated', { disabled: true, via: 'cli' }])
  const bad = spawnSync(process.execPath, [CLI, 'audit', '--event', 'nope'], { encoding: 'utf8', env: cleanEnv(env) })
  assert.equal(bad.status, 2)
})
