// Several real `tokenwarden serve` processes (dist/tokenwarden.mjs) against one database, for
// the multi-instance tests: start them on free ports, call them over HTTP, poll one of them
// until an answer changes (with a deadline, recording how long it took), kill them all.
//
// Every child is killed when the test file's process exits, however it exits: an 'exit' hook
// for the ordinary ways, and setpriv --pdeathsig for a test process that is itself SIGKILLed.

import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { CLI, cleanEnv, ensureBuilt } from '../server/process.js'

const SETPRIV = '/usr/bin/setpriv'
const READY_MS = 20_000

/** Every live child of this process, SIGKILLed on exit. */
const children = new Set<ChildProcess>()
let hooked = false

function guardExit(): void {
  if (hooked) return
  hooked = true
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL')
  })
}

/** One running server. */
export interface Instance {
  readonly name: string
  readonly url: string
  readonly child: ChildProcess
  /** Everything it wrote to stdout and stderr so far. */
  output(): string
  /** SIGTERM, then SIGKILL after 5 s; resolves with its exit code once it has exited. */
  stop(): Promise<number | null>
}

/** A port nobody listened on a moment ago (a server that then fails on EADDRINUSE is retried). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/**
 * Starts `tokenwarden serve` with `env` (plus PORT) and resolves once GET /health answers 200.
 * LOG_LEVEL=warn hides the 'Server listening' line, so readiness is probed over HTTP.
 */
export async function startInstance(name: string, env: NodeJS.ProcessEnv, cwd: string): Promise<Instance> {
  ensureBuilt()
  guardExit()
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(name, env, cwd)
    } catch (err) {
      if (attempt >= 3 || !/EADDRINUSE/.test((err as Error).message)) throw err
    }
  }
}

async function launch(name: string, env: NodeJS.ProcessEnv, cwd: string): Promise<Instance> {
  const port = await freePort()
  const argv = [process.execPath, CLI, 'serve']
  const command = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...argv] : argv
  const child = spawn(command[0]!, command.slice(1), { cwd, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.add(child)
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child)
      resolve(code ?? (signal === null ? null : 128))
    }),
  )
  const url = `http://127.0.0.1:${port}`
  const instance: Instance = {
    name,
    url,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
        const code = await exited
        clearTimeout(timer)
        return code
      }
      return child.exitCode
    },
  }
  const deadline = Date.now() + READY_MS
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before answering /health:\n${out}`)
    }
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false)
    if (ok) return instance
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${name} did not answer /health within ${READY_MS} ms:\n${out}`)
    }
    await sleep(25)
  }
}

export const ADMIN = { email: 'admin@example.com', password: 'cluster admin password 1' }

export interface ClusterOptions {
  databaseUrl: string
  /** Instance names, one process each. default: A, B, C */
  names?: readonly string[]
  /**
   * 'first': the first instance starts alone (migrations, the admin), then the others together;
   * 'together': all at the same moment (the migration lock and the admin bootstrap race).
   * default: 'first'
   */
  start?: 'first' | 'together'
  /** Extra environment for every instance (REDIS_URL, INVALIDATION_* ...). */
  env?: Record<string, string>
}

export interface Cluster {
  readonly instances: readonly Instance[]
  /** The instance by name. */
  get(name: string): Instance
  /** The environment the instances run with (DATABASE_URL, JWT_SECRET ...), for the CLI. */
  readonly env: NodeJS.ProcessEnv
  /** The directory the instances (and the CLI) run in. */
  readonly cwd: string
  /** Stops every instance and removes the directory. */
  stop(): Promise<void>
}

/**
 * @example
 * const cluster = await startCluster({ databaseUrl: 'sqlite:/tmp/x/tw.db' })
 * after(() => cluster.stop())
 * await call(cluster.get('A'), 'GET', '/health')
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const cwd = mkdtempSync(join(tmpdir(), 'tw-cluster-'))
  const env = cleanEnv({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATA_DIR: join(cwd, 'data'),
    DATABASE_URL: options.databaseUrl,
    JWT_SECRET: randomBytes(48).toString('base64'),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    RATE_LIMIT_MAX: '0',
    INVALIDATION_POLL_MS: '250',
    INVALIDATION_MAX_LAG_MS: '1000',
    ...options.env,
  })
  const names = options.names ?? ['A', 'B', 'C']
  const instances: Instance[] = []
  const stop = async () => {
    await Promise.all(instances.map((i) => i.stop()))
    rmSync(cwd, { recursive: true, force: true })
  }
  const startAll = async (list: readonly string[]) => {
    const results = await Promise.allSettled(list.map((name) => startInstance(name, env, cwd)))
    for (const r of results) if (r.status === 'fulfilled') instances.push(r.value)
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
  }
  try {
    if ((options.start ?? 'first') === 'first') {
      await startAll(names.slice(0, 1))
      await startAll(names.slice(1))
    } else {
      await startAll(names)
    }
  } catch (err) {
    await stop()
    throw err
  }
  instances.sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name))
  return {
    instances,
    get(name) {
      const found = instances.find((i) => i.name === name)
      if (found === undefined) throw new Error(`no instance ${name}`)
      return found
    },
    env,
    cwd,
    stop,
  }
}

export interface Answer {
  status: number
  /** The parsed JSON body, or undefined when there is none. */
  body: any
  /** `code` of an error body. */
  code: string | undefined
}

/** One HTTP request to an instance; a bearer token and a JSON body are optional. */
export async function call(instance: Instance, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = {}
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${instance.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  const text = await res.text()
  let body: any
  try {
    body = text === '' ? undefined : JSON.parse(text)
  } catch {
    body = text
  }
  return { status: res.status, body, code: typeof body?.code === 'string' ? body.code : undefined }
}

export interface Polled<T> {
  /** The probe's last answer (the one that satisfied `done`, when `ok`). */
  last: T
  ok: boolean
  /** Milliseconds from the start of polling to the arrival of the answer that satisfied `done` (or to giving up). */
  ms: number
  /** Every answer, in order, with its arrival time from the start. */
  seen: { at: number; value: T }[]
}

/**
 * Calls `probe` every `everyMs` (20) until `done(answer)` or `deadlineMs` has passed since the
 * call; the latency is measured to the arrival of the first satisfying answer.
 */
export async function pollUntil<T>(probe: () => Promise<T>, done: (value: T) => boolean, deadlineMs: number, everyMs = 20): Promise<Polled<T>> {
  const start = performance.now()
  const seen: { at: number; value: T }[] = []
  for (;;) {
    const sent = performance.now()
    const value = await probe()
    const at = performance.now() - start
    seen.push({ at, value })
    if (done(value)) return { last: value, ok: true, ms: at, seen }
    if (at >= deadlineMs) return { last: value, ok: false, ms: at, seen }
    await sleep(Math.max(0, everyMs - (performance.now() - sent)))
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Latencies by scenario, for the per-test diagnostics and the file's summary. */
export class Latencies {
  readonly #by = new Map<string, number[]>()

  add(scenario: string, ms: number): void {
    const list = this.#by.get(scenario) ?? []
    list.push(ms)
    this.#by.set(scenario, list)
  }

  /** `scenario: n=3 p50=12ms max=40ms`, or undefined before any figure. */
  line(scenario: string): string | undefined {
    const list = this.#by.get(scenario)
    if (list === undefined || list.length === 0) return undefined
    const sorted = [...list].sort((a, b) => a - b)
    const p50 = sorted[Math.floor((sorted.length - 1) / 2)]!
    return `${scenario}: n=${sorted.length} p50=${Math.round(p50)}ms max=${Math.round(sorted.at(-1)!)}ms`
  }

  lines(): string[] {
    return [...this.#by.keys()].map((s) => this.line(s)!)
  }
}
