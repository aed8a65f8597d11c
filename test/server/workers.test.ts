// `tokenwarden serve --workers N` as a real process tree: N cluster workers on a fresh SQLite
// file all come up (the migration lock) and share the port; a logout on one worker reaches every
// worker within the feed's bound; a worker killed with SIGKILL is restarted while the others
// answer; SIGHUP reaches every worker; workers that cannot start end the primary with their
// exit code; SIGTERM stops them all and frees the port; WORKERS is checked once, by the
// primary, before it forks.

import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, test, type TestContext } from 'node:test'
import { parseConfig } from '../../src/core/config.js'
import { CLI, cleanEnv, ensureBuilt, runCli } from './process.js'

before(() => ensureBuilt())

const PASSWORD = 'correct horse battery'

interface LogLine {
  pid: number
  msg: string
  [key: string]: unknown
}

interface Cluster {
  child: ChildProcess
  url: string
  port: number
  lines(): LogLine[]
  stderr(): string
  /** The first log line satisfying `match`, waiting up to `ms` for it. */
  waitFor(what: string, match: (line: LogLine) => boolean, ms?: number): Promise<LogLine>
  /** Resolves with the primary's exit code (null when killed by a signal). */
  exited: Promise<number | null>
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-workers-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Starts `tokenwarden serve <args>` and resolves once the primary logs that every worker listens. */
async function startCluster(t: TestContext, cwd: string, args: string[], env: NodeJS.ProcessEnv = cleanEnv({ PORT: '0' })): Promise<Cluster> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  // Registered before the temp directory's removal, so it runs first: SIGKILL the primary and its workers.
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    for (const pid of workerPids(lines)) killQuietly(pid)
    child.kill('SIGKILL')
    await exited
  })
  const lines: LogLine[] = []
  let partial = ''
  let stderr = ''
  const waiters = new Set<() => void>()
  child.stdout!.on('data', (d: Buffer) => {
    const chunks = (partial + d.toString()).split('\n')
    partial = chunks.pop()!
    for (const text of chunks) {
      try {
        lines.push(JSON.parse(text) as LogLine)
      } catch {
        // not a log line
      }
    }
    for (const wake of waiters) wake()
  })
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const waitFor = (what: string, match: (line: LogLine) => boolean, ms = 20_000): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = lines.find(match)
        if (found === undefined) return
        done()
        resolve(found)
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`timed out waiting for ${what}\nstdout:\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nstderr:\n${stderr}`))
      }, ms)
      const onExit = (): void => {
        done()
        reject(new Error(`the primary exited (${child.exitCode}) while waiting for ${what}\nstderr:\n${stderr}`))
      }
      const done = (): void => {
        clearTimeout(timer)
        waiters.delete(check)
        child.off('exit', onExit)
      }
      waiters.add(check)
      child.once('exit', onExit)
      check()
    })
  const up = await waitFor('the workers listening line', (l) => /^\d+ workers listening at /.test(l.msg))
  const url = /listening at (http:\/\/127\.0\.0\.1:\d+)$/.exec(up.msg)![1]!
  return { child, url, port: Number(new URL(url).port), lines: () => lines, stderr: () => stderr, waitFor, exited }
}

function workerPids(lines: LogLine[]): number[] {
  return lines.filter((l) => l.msg === 'worker started').map((l) => l.workerPid as number)
}

function killQuietly(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal)
  } catch {
    // already gone
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** One request on a connection of its own (no agent, Connection: close), so requests spread over the workers. */
function send(url: string, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body)
    const headers: Record<string, string> = { connection: 'close' }
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
    if (payload !== undefined) headers['content-type'] = 'application/json'
    const req = request(new URL(path, url), { method, headers, agent: false }, (res) => {
      let text = ''
      res.on('data', (d: Buffer) => (text += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode!, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) }))
    })
    req.on('error', reject)
    req.end(payload)
  })
}

/** How many requests for `path` each process has logged ('incoming request' lines). */
function servedBy(lines: LogLine[], path: string): Map<number, number> {
  const counts = new Map<number, number>()
  for (const l of lines) {
    if (l.msg === 'incoming request' && (l.req as { url?: string } | undefined)?.url === path) counts.set(l.pid, (counts.get(l.pid) ?? 0) + 1)
  }
  return counts
}

/** Sends `count` GET /auth/me on fresh connections; returns the statuses and the pids that logged them. */
async function meRound(c: Cluster, token: string, count: number): Promise<{ statuses: number[]; codes: unknown[]; pids: Set<number> }> {
  const before = servedBy(c.lines(), '/auth/me')
  const total = (m: Map<number, number>): number => [...m.values()].reduce((a, b) => a + b, 0)
  const statuses: number[] = []
  const codes: unknown[] = []
  for (let i = 0; i < count; i++) {
    const res = await send(c.url, 'GET', '/auth/me', { token })
    statuses.push(res.status)
    codes.push(res.body.code)
  }
  // The request lines reach us through a pipe, maybe after the responses.
  await c.waitFor(`${count} logged /auth/me requests`, () => total(servedBy(c.lines(), '/auth/me')) >= total(before) + count, 5_000)
  const after = servedBy(c.lines(), '/auth/me')
  const pids = new Set([...after].filter(([pid, n]) => n > (before.get(pid) ?? 0)).map(([pid]) => pid))
  return { statuses, codes, pids }
}

test('--workers 3 on a fresh SQLite file: all come up, and a logout on one worker is refused by every worker within the feed bound', async (t) => {
  const cwd = tempDir(t)
  const c = await startCluster(t, cwd, ['--workers', '3'])
  const pids = workerPids(c.lines())
  assert.equal(new Set(pids).size, 3, 'three worker processes')
  assert.ok(!pids.includes(c.child.pid!), 'the primary is not one of them')
  // Each worker's own line comes through its pipe, possibly after the primary's.
  for (const pid of pids) await c.waitFor(`worker ${pid} listens (migrated the fresh file or waited for the lock)`, (l) => l.pid === pid && /^Server listening at /.test(l.msg), 5_000)
  assert.equal(c.lines().filter((l) => l.pid === c.child.pid && /workers listening at/.test(l.msg)).length, 1, 'one line from the primary')

  assert.equal((await send(c.url, 'POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } })).status, 201)
  const login = await send(c.url, 'POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } })
  assert.equal(login.status, 200)
  const token = login.body.access_token as string

  // Every worker has seen the session live (and may hold it in memory).
  const live = await meRound(c, token, 9)
  assert.deepEqual(live.statuses, Array(9).fill(200))
  assert.deepEqual([...live.pids].sort(), [...pids].sort(), 'the requests spread over all three workers')

  const logout = await send(c.url, 'POST', '/auth/logout', { token })
  assert.equal(logout.status, 204)
  const loggedOutAt = Date.now()
  // INVALIDATION_MAX_LAG_MS (default 1000 ms) bounds how long another instance may trust its memory.
  await new Promise((r) => setTimeout(r, Math.max(0, loggedOutAt + 1000 - Date.now())))
  const refused = await meRound(c, token, 9)
  assert.deepEqual(refused.statuses, Array(9).fill(401))
  assert.deepEqual(refused.codes, Array(9).fill('TOKEN_REVOKED'))
  assert.deepEqual([...refused.pids].sort(), [...pids].sort(), 'every worker refused the token')
})

test('workers wake each other through the primary: a logout is refused by every worker long before a slow poll would', async (t) => {
  const cwd = tempDir(t)
  // A poll of 10 s and a bound of 20 s: only the IPC wake-up can make the others refuse quickly.
  const c = await startCluster(t, cwd, ['--workers', '3'], cleanEnv({ PORT: '0', INVALIDATION_POLL_MS: '10000', INVALIDATION_MAX_LAG_MS: '20000' }))
  const pids = workerPids(c.lines())
  assert.equal((await send(c.url, 'POST', '/auth/register', { body: { email: 'ada@example.com', password: PASSWORD } })).status, 201)
  const token = (await send(c.url, 'POST', '/auth/login', { body: { email: 'ada@example.com', password: PASSWORD } })).body.access_token as string
  const live = await meRound(c, token, 9)
  assert.deepEqual([...live.pids].sort(), [...pids].sort(), 'every worker holds the session live')
  assert.equal((await send(c.url, 'POST', '/auth/logout', { token })).status, 204)
  await new Promise((r) => setTimeout(r, 300))
  const refused = await meRound(c, token, 9)
  assert.deepEqual(refused.statuses, Array(9).fill(401))
  assert.deepEqual([...refused.pids].sort(), [...pids].sort(), 'every worker refused the token')
})

test('a worker killed with SIGKILL is logged and restarted; the others keep answering', async (t) => {
  const cwd = tempDir(t)
  const c = await startCluster(t, cwd, ['--workers', '2'])
  const [victim, survivor] = workerPids(c.lines()) as [number, number]
  process.kill(victim, 'SIGKILL')

  const exit = await c.waitFor('the restart line', (l) => l.msg === 'worker exited unexpectedly; restarting' && l.workerPid === victim)
  assert.equal(exit.pid, c.child.pid, 'logged by the primary')
  assert.equal(exit.signal, 'SIGKILL')
  assert.equal(exit.worker, 1)
  assert.equal(exit.restartInMs, 100)
  // While the replacement starts, the survivor answers every connection.
  for (let i = 0; i < 4; i++) assert.equal((await send(c.url, 'GET', '/health')).status, 200)

  const started = await c.waitFor('the replacement', (l) => l.msg === 'worker started' && l.worker === 1 && l.workerPid !== victim)
  const replacement = started.workerPid as number
  assert.notEqual(replacement, survivor)
  await c.waitFor('the replacement listening', (l) => l.msg === 'worker listening' && l.workerPid === replacement)
  assert.equal(alive(victim), false)

  assert.equal((await send(c.url, 'POST', '/auth/register', { body: { email: 'bo@example.com', password: PASSWORD } })).status, 201)
  const login = await send(c.url, 'POST', '/auth/login', { body: { email: 'bo@example.com', password: PASSWORD } })
  assert.equal(login.status, 200)
  const round = await meRound(c, login.body.access_token as string, 6)
  assert.deepEqual(round.statuses, Array(6).fill(200))
  assert.deepEqual([...round.pids].sort(), [replacement, survivor].sort(), 'both the replacement and the survivor serve')
})

test('SIGTERM on the primary: every worker closes its app and exits, the primary exits 0 and the port is free', async (t) => {
  const cwd = tempDir(t)
  const c = await startCluster(t, cwd, ['--workers', '2'])
  const pids = workerPids(c.lines())
  assert.equal((await send(c.url, 'GET', '/health')).status, 200)

  const sentAt = Date.now()
  c.child.kill('SIGTERM')
  assert.equal(await c.exited, 0)
  assert.ok(Date.now() - sentAt < 10_000, 'within the stop timeout')
  for (const pid of pids) {
    assert.equal(alive(pid), false, `worker ${pid} is gone`)
    assert.ok(c.lines().some((l) => l.pid === pid && l.msg === 'shutting down'), `worker ${pid} closed its app`)
  }
  assert.ok(c.lines().some((l) => l.pid === c.child.pid && l.msg === 'workers stopped'))
  const server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(c.port, '127.0.0.1', () => resolve())
  })
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

test('SIGHUP on the primary is forwarded: every worker reloads the key ring and signs with the rotated key', async (t) => {
  const cwd = tempDir(t)
  const env = cleanEnv({ PORT: '0', JWT_ALGORITHM: 'EdDSA' })
  assert.equal((await runCli(['keys', 'generate'], cwd, env)).code, 0)
  const c = await startCluster(t, cwd, ['--workers', '2'], env)
  const pids = workerPids(c.lines())
  const first = c.lines().find((l) => l.msg === 'signing key')!.kid
  assert.equal((await runCli(['keys', 'rotate'], cwd, env)).code, 0)
  c.child.kill('SIGHUP')
  for (const pid of pids) await c.waitFor(`worker ${pid} reloading`, (l) => l.pid === pid && l.msg === 'key ring reloaded')
  const kids = new Set(c.lines().filter((l) => l.msg === 'key ring reloaded').map((l) => l.kid))
  assert.equal(kids.size, 1, 'both workers sign with the same new key')
  assert.ok(!kids.has(first))
  assert.equal(c.child.exitCode, null, 'SIGHUP does not end the primary')
  assert.equal((await send(c.url, 'POST', '/auth/register', { body: { email: 'cy@example.com', password: PASSWORD } })).status, 201)
  for (let i = 0; i < 4; i++) {
    const login = await send(c.url, 'POST', '/auth/login', { body: { email: 'cy@example.com', password: PASSWORD } })
    const header = JSON.parse(Buffer.from((login.body.access_token as string).split('.')[0]!, 'base64url').toString('utf8')) as { kid: string }
    assert.ok(kids.has(header.kid), 'every worker signs with the rotated key')
  }
})

test('workers that cannot reach the database: the primary stops with exit code 1 rather than restarting them', async (t) => {
  const cwd = tempDir(t)
  const port = await closedPort()
  const started = Date.now()
  const r = await runCli(['serve', '--workers', '2'], cwd, cleanEnv({ PORT: '0', DATABASE_URL: `postgres://tw@127.0.0.1:${port}/tw` }))
  assert.equal(r.code, 1)
  assert.ok(Date.now() - started < 20_000)
  assert.match(r.stderr, /cannot reach the database/)
  assert.match(r.stdout, /worker failed to start; stopping \(exit code 1\)/)
  assert.doesNotMatch(r.stdout, /restarting/)
})

test('a worker that can no longer start after the others came up: the primary retries with backoff, then gives up with its exit code', async (t) => {
  const cwd = tempDir(t)
  const c = await startCluster(t, cwd, ['--workers', '2'])
  const [victim] = workerPids(c.lines()) as [number]
  // The database file becomes a directory: a new worker cannot open it; the survivor keeps its open file.
  const db = join(cwd, 'data', 'tokenwarden.db')
  renameSync(db, `${db}.moved`)
  mkdirSync(db)
  process.kill(victim, 'SIGKILL')
  assert.equal(await c.exited, 1)
  const restarts = c.lines().filter((l) => l.msg === 'worker exited unexpectedly; restarting').map((l) => l.restartInMs)
  // The killed worker's restart, then one per failed start until the fifth failure.
  assert.deepEqual(restarts, [100, 200, 400, 800, 1600], 'the delay doubles between attempts')
  const last = c.lines().find((l) => /^worker failed to start; stopping/.test(l.msg))
  assert.ok(last !== undefined, 'the primary says it gives up')
  assert.equal(last.failures, 5)
  assert.equal(last.code, 1)
})

test('WORKERS: auto is one per CPU; 0, x and --workers 0 are configuration errors (exit 2) named once, before any worker starts', async (t) => {
  assert.equal(parseConfig({ WORKERS: 'auto' }).workers, availableParallelism())
  assert.equal(parseConfig({ WORKERS: '4' }).workers, 4)
  assert.equal(parseConfig({}).workers, 1)
  const cwd = tempDir(t)
  const cases: [Record<string, string>, string[], RegExp][] = [
    [{ WORKERS: '0' }, [], /configuration error: WORKERS: /],
    [{ WORKERS: 'x' }, [], /configuration error: WORKERS: .*"x"/],
    [{}, ['--workers', '0'], /configuration error: --workers: /],
    [{ WORKERS: '2', DATABASE_URL: 'sqlite::memory:' }, [], /configuration error: WORKERS: needs a database the workers share/],
    // auto parses; the primary then finds the bad scheme itself, once.
    [{ WORKERS: 'auto', DATABASE_URL: 'nosuch://db' }, [], /configuration error: DATABASE_URL: unsupported database scheme/],
  ]
  for (const [vars, args, expected] of cases) {
    const r = await runCli(['serve', ...args], cwd, cleanEnv({ PORT: '0', ...vars }))
    const label = JSON.stringify({ vars, args })
    assert.equal(r.code, 2, label)
    assert.match(r.stderr, expected, label)
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${label}: ${r.stderr}`)
    assert.doesNotMatch(r.stdout, /worker started|listening/, label)
  }
  const migrate = await runCli(['migrate', '--workers', '2'], cwd, cleanEnv())
  assert.equal(migrate.code, 2)
  assert.match(migrate.stderr, /--workers applies to serve only/)
})

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
