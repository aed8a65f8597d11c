// Database and Redis servers of a test file's own, for the cluster tests that stop them or cut
// connections (the shared servers of `npm test` serve every other test file at the same time),
// and the few SQL statements the tests send past tokenwarden.

import { startServices, stopServices, controlService, type ServiceName, type ServicesHandle } from '../../scripts/test-services.mjs'

export interface PrivateServer {
  url: string
  stop(): Promise<void>
  start(): Promise<void>
  /** Stops it for good and removes its data. */
  dispose(): Promise<void>
}

/**
 * Starts a server of `name` for this file alone; undefined (with the reason) when its binaries
 * are missing or it would not start, which throws instead under CI=true.
 */
export async function privateServer(name: ServiceName): Promise<PrivateServer | { skip: string }> {
  const handle: ServicesHandle = await startServices({ required: process.env.CI === 'true', only: [name] })
  const service = handle.services[name]
  if (service === undefined) {
    await stopServices(handle)
    return { skip: `a private ${name} server: ${handle.skipped[name] ?? 'did not start'}` }
  }
  return {
    url: service.url,
    stop: () => controlService(handle, name, 'stop'),
    start: () => controlService(handle, name, 'start'),
    dispose: () => stopServices(handle),
  }
}

/** The server's URL with `database` in its path. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${database}`
  return u.href
}

/** Runs one statement on PostgreSQL; resolves to its rows. */
export async function pgQuery<T = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(text, params)).rows as T[]
  } finally {
    await client.end()
  }
}

/** Runs one statement on MySQL/MariaDB. */
export async function mysqlQuery(url: string, text: string): Promise<void> {
  const { createConnection } = await import('mysql2/promise')
  const connection = await createConnection(url)
  try {
    await connection.query(text)
  } finally {
    await connection.end()
  }
}
