// The line `tokenwarden serve` says once it listens: the address, the database (credentials
// masked), the docs, the console and the metrics when each is on, in one log line that replaces
// Fastify's; with WORKERS=2 the primary says it once, its facts as fields. JSON when stdout is
// not a terminal.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, test, type TestContext } from 'node:test'
import { cleanEnv, CLI, ensureBuilt, startServer } from './process.js'

before(() => ensureBuilt())

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-start-line-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

interface LogLine {
  msg: string
  pid: number
  [field: string]: unknown
}

function lines(output: string): LogLine[] {
  return output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine)
}

test('one start line: address, database, docs, console; nothing else says where it listens', async (t) => {
  const cwd = tempDir(t)
  const server = await startServer(cwd, cleanEnv({ PORT: '0', DATA_DIR: join(cwd, 'state') }))
  t.after(() => server.stop())
  const url = server.url
  const said = lines(server.output()).filter((l) => /listening/i.test(l.msg))
  assert.equal(said.length, 1, server.output())
  assert.equal(said[0]!.msg, `Server listening at ${url}; database sqlite:${join(cwd, 'state', 'tokenwarden.db')}; docs ${url}/docs; console ${url}/console`)
  assert.equal((await fetch(`${url}/health`)).status, 200)
})

test('docs and console named only when on; metrics named when on; a masked database URL', async (t) => {
  const cwd = tempDir(t)
  const env = cleanEnv({ PORT: '0', OPENAPI: 'false', CONSOLE: 'false', METRICS: 'true', METRICS_TOKEN: 'metrics-token-0123456789abcdef', DATA_DIR: join(cwd, 'd') })
  const server = await startServer(cwd, env)
  t.after(() => server.stop())
  const line = lines(server.output()).find((l) => l.msg.startsWith('Server listening at'))!
  assert.equal(line.msg, `Server listening at ${server.url}; database sqlite:${join(cwd, 'd', 'tokenwarden.db')}; metrics ${server.url}/metrics`)
  assert.doesNotMatch(server.output(), /metrics-token-0123456789abcdef/)
})

test('WORKERS=2: the primary says the start line once, with the database, docs and console as fields', async (t) => {
  const cwd = tempDir(t)
  const child = spawn(process.execPath, [CLI, 'serve'], { cwd, env: cleanEnv({ PORT: '0', WORKERS: '2', CONSOLE: 'false' }), stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise((resolve) => child.on('exit', resolve))
  t.after(async () => {
    child.kill('SIGTERM')
    await exited
  })
  const started = Date.now()
  while (!/workers listening at/.test(out)) {
    if (Date.now() - started > 30_000 || child.exitCode !== null) throw new Error(`no start line:\n${out}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  const primary = lines(out).filter((l) => l.pid === child.pid && /listening/.test(l.msg))
  assert.equal(primary.length, 1, out)
  const url = /^2 workers listening at (http:\/\/127\.0\.0\.1:\d+)$/.exec(primary[0]!.msg)![1]!
  assert.equal(primary[0]!.database, `sqlite:${join(cwd, 'data', 'tokenwarden.db')}`)
  assert.equal(primary[0]!.docs, `${url}/docs`)
  assert.equal(primary[0]!.console, undefined)
})
