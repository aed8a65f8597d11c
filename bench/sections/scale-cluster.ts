// Three real `node dist/tokenwarden.mjs serve` processes on one database for the scale section,
// pinned to the server core like every server under test, and one keep-alive connection to each
// (a request's time is when its response headers arrive, read with performance.now()).

import { Agent, request } from 'node:http'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { BENCH_SECRET } from '../lib/fixtures.js'
import { freePort, ROOT } from '../lib/proc.js'
import { startServer, type RunningServer } from '../lib/server.js'

/** Tiny argon2id: a round logs in once, and the login's cost has no part in propagation. */
const TINY_ARGON2 = { ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1' }

export interface Reply {
  status: number
  body: string
  /** performance.now() when the response headers arrived. */
  at: number
}

/** One instance and the one keep-alive connection the harness talks to it on. */
export interface Instance {
  readonly name: string
  readonly server: RunningServer
  /** Closes the connection and stops the server. */
  stop(): Promise<void>
  call(method: 'GET' | 'POST', path: string, options?: { token?: string; json?: unknown }): Promise<Reply>
}

export interface Cluster {
  readonly instances: readonly Instance[]
  stop(): Promise<void>
}

function connect(name: string, server: RunningServer): Instance {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  const { hostname, port } = new URL(server.url)
  return {
    name,
    server,
    stop() {
      agent.destroy()
      return server.stop()
    },
    call(method, path, options = {}) {
      return new Promise((resolve, reject) => {
        const body = options.json === undefined ? undefined : JSON.stringify(options.json)
        const headers: Record<string, string> = {}
        if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
        if (body !== undefined) headers['content-type'] = 'application/json'
        const req = request({ host: hostname, port, method, path, agent, headers }, (res) => {
          const at = performance.now()
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (d: string) => (text += d))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, at }))
          res.on('error', reject)
        })
        req.on('error', reject)
        req.end(body)
      })
    },
  }
}

/**
 * Starts instances A, B, C on `databaseUrl` (A first: it runs the migrations), with `env` on top
 * of a production configuration (REDIS_URL and INVALIDATION_* unset unless `env` sets them).
 */
export async function startCluster(databaseUrl: string, env: Record<string, string> = {}): Promise<Cluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-bench-scale-'))
  const full: NodeJS.ProcessEnv = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    JWT_SECRET: BENCH_SECRET,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_MAX: '0',
    REDIS_URL: undefined,
    INVALIDATION_POLL_MS: undefined,
    INVALIDATION_MAX_LAG_MS: undefined,
    ...TINY_ARGON2,
    ...env,
  }
  const started: Instance[] = []
  const stop = async (): Promise<void> => {
    await Promise.all(started.map((i) => i.stop()))
  }
  const start = async (name: string): Promise<Instance> => {
    const server = await startServer({
      name: `tokenwarden serve ${name}`,
      command: process.execPath,
      args: [join(ROOT, 'dist/tokenwarden.mjs'), 'serve'],
      env: full,
      port: await freePort(),
      readyPath: '/health',
    })
    const instance = connect(name, server)
    started.push(instance)
    return instance
  }
  try {
    const a = await start('A')
    const rest = await Promise.allSettled([start('B'), start('C')])
    const failed = rest.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
    return { instances: [a, ...rest.map((r) => (r as PromiseFulfilledResult<Instance>).value)], stop }
  } catch (err) {
    await stop()
    throw err
  }
}
