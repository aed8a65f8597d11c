// Starts an example as its README does, with the real command (`npx tsx examples/<name>/server.ts`
// from the repository root), for tests that call it over HTTP: waits for its
// "<name> listening on http://..." line, and stops the whole process group (npx, tsx and node)
// it started.

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url))

export interface ExampleProcess {
  /** `http://127.0.0.1:<port>` from the listening line (PORT=0 picks a free port). */
  url: string
  /** Everything written to stdout and stderr so far. */
  output(): string
  /** SIGTERM to the group, then the exit code (SIGKILL after 10 s). */
  stop(): Promise<number | null>
}

export interface Finished {
  code: number | null
  output: string
}

/**
 * The environment a spawned example sees: PATH and HOME from ours (no JWT_SECRET, DATABASE_URL
 * or NODE_ENV leaks in), cheap argon2, logs at warn, plus `extra`.
 */
export function exampleEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1', LOG_LEVEL: 'warn', ...extra }
}

function launch(script: string, args: string[], env: NodeJS.ProcessEnv) {
  // Its own process group, so stop() reaches tsx's node child too.
  const child = spawn('npx', ['tsx', script, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  const kill = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal)
    } catch {
      // already gone
    }
  }
  return { child, output: () => out, exited, kill }
}

/** Runs `npx tsx <script> <args>` (a path from the repository root) to completion, within 60 s. */
export async function runScript(script: string, args: string[], env: NodeJS.ProcessEnv = exampleEnv()): Promise<Finished> {
  const p = launch(script, args, env)
  const timer = setTimeout(() => p.kill('SIGKILL'), 60_000)
  const code = await p.exited
  clearTimeout(timer)
  return { code, output: p.output() }
}

/** An example that exited before it listened: its exit code and output. */
export class ExampleExited extends Error {
  constructor(
    readonly example: string,
    readonly code: number | null,
    readonly output: string,
  ) {
    super(`${example} exited with code ${code} before listening:\n${output}`)
    this.name = 'ExampleExited'
  }
}

/**
 * Starts the example expecting it to refuse to start (a configuration error): resolves with its
 * exit code and output; one that listens after all is stopped, and this rejects.
 */
export async function expectStartFailure(name: string, env: NodeJS.ProcessEnv): Promise<Finished> {
  let started: ExampleProcess
  try {
    started = await spawnExample(name, env)
  } catch (err) {
    if (err instanceof ExampleExited) return { code: err.code, output: err.output }
    throw err
  }
  await started.stop()
  throw new Error(`${name} started listening at ${started.url}; expected it to refuse:\n${started.output()}`)
}

/** Starts `npx tsx examples/<name>/server.ts` and resolves once it listens (rejects if it exits or takes over 60 s). */
export async function spawnExample(name: string, env: NodeJS.ProcessEnv): Promise<ExampleProcess> {
  const p = launch(`examples/${name}/server.ts`, [], env)
  const listening = new RegExp(`^${name} listening on (http://\\S+)$`, 'm')
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      p.kill('SIGKILL')
      reject(new Error(`${name} did not print its listening line within 60 s:\n${p.output()}`))
    }, 60_000)
    const check = () => {
      const match = listening.exec(p.output())
      if (match === null) return
      clearTimeout(timer)
      resolve(match[1]!)
    }
    p.child.stdout.on('data', check)
    void p.exited.then((code) => {
      clearTimeout(timer)
      reject(new ExampleExited(name, code, p.output()))
    })
  })
  return {
    url,
    output: p.output,
    async stop() {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.kill('SIGTERM')
        const timer = setTimeout(() => p.kill('SIGKILL'), 10_000)
        const code = await p.exited
        clearTimeout(timer)
        return code
      }
      return p.child.exitCode
    },
  }
}
