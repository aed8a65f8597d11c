// Child processes for the harness: CPU pinning with taskset, TypeScript workers that answer
// with one JSON line, and free ports. Servers get core 0, load generators core 1. Workers and
// servers are bundled to plain JavaScript first (esbuild, which tsx brings; packages stay
// external) so they start fast and carry no TypeScript loader thread in their CPU or RSS.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository root (BENCH_ROOT in bundled children, whose import.meta.url is elsewhere). */
export const ROOT = process.env.BENCH_ROOT ?? fileURLToPath(new URL('../../', import.meta.url))
export const SERVER_CORE = 0
export const LOAD_CORE = 1

/** The absolute path of a command on PATH, or undefined. */
export function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command)
    if (dir !== '' && existsSync(candidate)) return candidate
  }
  return undefined
}

const TASKSET = which('taskset')
const CORES = countCores()

function countCores(): number {
  const r = spawnSync('nproc', [], { encoding: 'utf8' })
  const n = Number.parseInt(r.stdout ?? '', 10)
  return Number.isFinite(n) && n > 0 ? n : 1
}

/** How processes are placed, for the report. */
export function pinning(): string {
  if (TASKSET === undefined) return 'not pinned (taskset not found)'
  if (CORES < 2) return 'not pinned (one core)'
  return `taskset: servers and workers on core ${SERVER_CORE}, load generators on core ${LOAD_CORE}`
}

/** `command args` prefixed with `taskset -c core` when pinning is possible. */
export function pinned(core: number, command: string, args: readonly string[]): [string, string[]] {
  if (TASKSET === undefined || CORES < 2) return [command, [...args]]
  return [TASKSET, ['-c', String(core), command, ...args]]
}

/** Pins every thread of this process to `core` (a no-op without taskset or a second core). */
export function pinSelf(core: number): void {
  pinPid(process.pid, core)
}

/** Pins every thread of process `pid` to `core` (a no-op without taskset or a second core). */
export function pinPid(pid: number, core: number): void {
  if (TASKSET === undefined || CORES < 2) return
  spawnSync(TASKSET, ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' })
}

const bundles = new Map<string, Promise<string>>()
// Inside node_modules so the bundle's bare imports ('fastify', ...) resolve to this repository's;
// one directory per harness process, removed when it exits.
const BUNDLE_DIR = join(ROOT, 'node_modules/.cache/tokenwarden-bench', String(process.pid))
let cleanup = false

/** Bundles a TypeScript entry point (once per run) and returns the .mjs path. */
export function bundle(script: string): Promise<string> {
  let out = bundles.get(script)
  if (out === undefined) {
    out = (async () => {
      const { build } = await import('esbuild')
      if (!cleanup) {
        cleanup = true
        process.once('exit', () => rmSync(BUNDLE_DIR, { recursive: true, force: true }))
      }
      const outfile = join(BUNDLE_DIR, `${script.replace(/[/\\.]/g, '_')}.mjs`)
      await build({ entryPoints: [join(ROOT, script)], outfile, bundle: true, packages: 'external', platform: 'node', format: 'esm', target: 'node20', logLevel: 'error' })
      return outfile
    })()
    bundles.set(script, out)
  }
  return out
}

/** Node arguments running a bundled TypeScript file. */
export async function nodeArgs(script: string, nodeFlags: readonly string[] = []): Promise<string[]> {
  return [...nodeFlags, await bundle(script)]
}

export function spawnPinned(core: number, command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const [cmd, full] = pinned(core, command, args)
  return spawn(cmd, full, { cwd: ROOT, env: { ...process.env, BENCH_ROOT: ROOT, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Runs a command to completion; resolves with stdout, rejects with stderr's tail on failure. */
export function runPinned(core: number, command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 600_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnPinned(core, command, args, env)
    let out = ''
    let err = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(out)
      else reject(new Error(`${command} ${args.join(' ')} exited ${code ?? signal}: ${err.trim().split('\n').slice(-8).join('\n')}`))
    })
  })
}

/** Runs a TypeScript worker pinned to `core`; its last stdout line is JSON, returned parsed. */
export async function runWorker<T>(core: number, script: string, input: unknown, nodeFlags: readonly string[] = []): Promise<T> {
  const out = await runPinned(core, process.execPath, await nodeArgs(script, nodeFlags), { BENCH_INPUT: JSON.stringify(input) })
  const last = out.trim().split('\n').at(-1) ?? ''
  return JSON.parse(last) as T
}

/** A worker's input, given by runWorker. */
export function workerInput<T>(): T {
  const raw = process.env.BENCH_INPUT
  if (raw === undefined) throw new TypeError('BENCH_INPUT is not set: run this file through the harness')
  return JSON.parse(raw) as T
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
