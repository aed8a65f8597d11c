// Helpers for tests that run the built CLI as a real process: build dist when missing, spawn
// `tokenwarden` in a directory with a clean environment, wait for the listening line, exit codes.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const CLI = fileURLToPath(new URL('../../dist/tokenwarden.mjs', import.meta.url))

/** Builds dist/ once if it is missing (`npm test` builds it in pretest). */
export function ensureBuilt(): void {
  if (existsSync(CLI)) return
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 })
  if (!existsSync(CLI)) throw new Error(`npm run build did not produce dist/tokenwarden.mjs:\n${r.stdout}\n${r.stderr}`)
}

/**
 * The environment a spawned tokenwarden sees: only PATH and HOME from ours (so no JWT_SECRET,
 * DATABASE_URL or NODE_ENV leaks in), cheap argon2, plus `extra`.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1', ...extra }
}

export interface Finished {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `tokenwarden <args>` to completion. */
export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = cleanEnv()): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

export interface Server {
  child: ChildProcess
  url: string
  output(): string
  /** SIGTERM, then waits for the exit (SIGKILL after 10 s). */
  stop(): Promise<number | null>
}

/** Starts `tokenwarden serve` and resolves once it logs 'Server listening at http://...'. */
export function startServer(cwd: string, env: NodeJS.ProcessEnv): Promise<Server> {
  const child = spawn(process.execPath, [CLI, 'serve'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const server = (url: string): Server => ({
    child,
    url,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        const code = await exited
        clearTimeout(timer)
        return code
      }
      return child.exitCode
    },
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`server did not start listening within 20 s:\n${out}`))
    }, 20_000)
    let stdout = ''
    const onData = (d: Buffer) => {
      out += d.toString()
      stdout += d.toString()
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)
      if (m !== null) {
        clearTimeout(timer)
        resolve(server(m[1]!))
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code} before listening:\n${out}`))
    })
  })
}
