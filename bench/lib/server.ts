// A server under test: a child process pinned to the server core, up once it answers HTTP,
// stopped with SIGTERM (SIGKILL after 3 s). Its stderr tail is kept for error messages.

import type { ChildProcess } from 'node:child_process'
import { SERVER_CORE, sleep, spawnPinned } from './proc.js'

export interface ServerSpec {
  name: string
  command: string
  args: readonly string[]
  env?: NodeJS.ProcessEnv
  port: number
  /** Polled until it answers (any status). default: / */
  readyPath?: string
  /** default: 20000 */
  readyTimeoutMs?: number
}

export interface RunningServer {
  readonly url: string
  readonly pid: number
  stop(): Promise<void>
}

export async function startServer(spec: ServerSpec): Promise<RunningServer> {
  const child = spawnPinned(SERVER_CORE, spec.command, spec.args, { ...spec.env, PORT: String(spec.port) })
  let tail = ''
  const keep = (d: Buffer): void => {
    tail = (tail + d.toString()).slice(-4000)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  let exited: string | undefined
  child.on('exit', (code, signal) => (exited = `exited ${code ?? signal}`))
  const url = `http://127.0.0.1:${spec.port}`
  const deadline = Date.now() + (spec.readyTimeoutMs ?? 20_000)
  for (;;) {
    if (exited !== undefined) throw new Error(`${spec.name} ${exited} before answering: ${tail.trim().split('\n').slice(-6).join(' | ')}`)
    try {
      await fetch(url + (spec.readyPath ?? '/'), { signal: AbortSignal.timeout(1000) })
      break
    } catch {
      if (Date.now() > deadline) {
        await stop(child)
        throw new Error(`${spec.name} did not answer on ${url} within the timeout: ${tail.trim().split('\n').slice(-6).join(' | ')}`)
      }
      await sleep(25)
    }
  }
  return { url, pid: child.pid!, stop: () => stop(child) }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const done = new Promise<void>((r) => child.once('exit', () => r()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await done
  clearTimeout(timer)
}
