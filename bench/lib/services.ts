// PostgreSQL, MariaDB and Redis for the scale section: the throwaway servers `npm test` uses
// (scripts/test-services.mjs), started once per section and pinned, every process of them, to
// the server core: the database is part of the server side, and SQLite (which runs inside the
// tokenwarden process) gets no second core either. A server whose binaries are missing or that
// fails to start is a skip with its reason, never a failed run.

import { readdirSync, readFileSync } from 'node:fs'
import { startServices, stopServices, type ServiceName, type ServicesHandle } from '../../scripts/test-services.mjs'
import { pinPid } from './proc.js'

export type { ServiceName }

export interface Services {
  /** The URL of a running server, or undefined. */
  url(name: ServiceName): string | undefined
  /** Why a server is not running (undefined when it is). */
  skipped(name: ServiceName): string | undefined
  /** `url` with another database in its path (PostgreSQL, MariaDB). */
  database(name: 'postgres' | 'mysql', database: string): string
  stop(): Promise<void>
}

export async function startBenchServices(names: readonly ServiceName[], core: number): Promise<Services> {
  const handle: ServicesHandle = await startServices({ required: false, only: [...names] })
  for (const service of Object.values(handle.services)) {
    const pid = readPid(service.pidFile)
    if (pid !== undefined) for (const p of [pid, ...descendants(pid)]) pinPid(p, core)
  }
  return {
    url: (name) => handle.services[name]?.url,
    skipped: (name) => (handle.services[name] !== undefined ? undefined : (handle.skipped[name] ?? 'not started')),
    database(name, database) {
      const url = handle.services[name]?.url
      if (url === undefined) throw new Error(`${name} is not running`)
      const u = new URL(url)
      u.pathname = `/${database}`
      return u.href
    },
    stop: () => stopServices(handle),
  }
}

/** Creates an empty database (PostgreSQL or MariaDB) with the URL's user, and returns its URL. */
export async function createDatabase(services: Services, name: 'postgres' | 'mysql', database: string): Promise<string> {
  const url = services.url(name)
  if (url === undefined) throw new Error(`${name} is not running`)
  if (name === 'postgres') {
    const { default: pg } = await import('pg')
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      await client.query(`CREATE DATABASE ${database}`)
    } finally {
      await client.end()
    }
  } else {
    const { createConnection } = await import('mysql2/promise')
    const connection = await createConnection(url)
    try {
      await connection.query(`CREATE DATABASE ${database}`)
    } finally {
      await connection.end()
    }
  }
  return services.database(name, database)
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/** Every live descendant of `pid` (PostgreSQL's background processes; its backends inherit the pinning). */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = []
  const walk = (p: number): void => {
    for (const [child, ppid] of parent) {
      if (ppid === p) {
        out.push(child)
        walk(child)
      }
    }
  }
  walk(pid)
  return out
}
