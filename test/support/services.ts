// The real PostgreSQL, MariaDB and Redis servers that `npm test` starts (scripts/test.mjs): their
// URLs, skip-or-fail options for suites that need them, a fresh database per test file, and
// stopping or starting a server for the fail-closed tests.
//
// The servers are shared by every test file and the files run in parallel, so each file works in
// databases of its own (freshDatabase) and under Redis keys and channels of its own (uniquePrefix:
// Redis has no databases to spare, only 16 indexes).

import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { controlService, type ServiceName, type ServicesHandle } from '../../scripts/test-services.mjs'

export type { ServiceName }

const ENV: Record<ServiceName, string> = { postgres: 'TW_TEST_POSTGRES_URL', mysql: 'TW_TEST_MYSQL_URL', redis: 'TW_TEST_REDIS_URL' }

/** The URL of the shared server, or undefined when this run has none. */
export function serviceUrl(name: ServiceName): string | undefined {
  return process.env[ENV[name]] || undefined
}

/** Why the tests cannot use this server, or undefined when they can. */
export function skipReason(name: ServiceName): string | undefined {
  if (serviceUrl(name) !== undefined) return undefined
  const why = process.env[`${ENV[name].replace(/_URL$/, '')}_SKIP`] ?? `${ENV[name]} is not set (npm test sets it)`
  return `${name} is not available: ${why}`
}

const counted = new Set<ServiceName>()

/**
 * Options for a suite that needs `name`: a visible skip when the server is absent, and under
 * CI=true a thrown error instead, so that the test file fails rather than quietly skipping.
 * Node 20 leaves a skipped suite out of the summary's `# skipped` count, so the first call per
 * server in a file also registers one skipped test, named after the server, that the count shows.
 *
 * @example
 * describe('postgres store', { ...needService('postgres') }, () => { ... })
 */
export function needService(name: ServiceName): { skip: string } | { skip?: never } {
  const reason = skipReason(name)
  if (reason === undefined) return {}
  if (process.env.CI === 'true') throw new Error(`${reason}; under CI=true it is required (.ci/run installs it)`)
  if (!counted.has(name)) {
    counted.add(name)
    test(`${name} server`, { skip: reason }, () => {})
  }
  return { skip: reason }
}

let counter = 0

/** A name no other test file or run will pick: tw_<pid>_<counter>_<random>. */
export function uniqueName(): string {
  counter += 1
  return `tw_${process.pid}_${counter}_${randomBytes(3).toString('hex')}`
}

/** A prefix for Redis keys and channels that no other test file uses: `tw_<pid>_<n>_<random>:`. */
export function uniquePrefix(): string {
  return `${uniqueName()}:`
}

export interface FreshDatabase {
  /** The shared server's URL with this database in its path. */
  url: string
  name: string
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>
}

/**
 * Creates an empty database on the shared server, for this test file alone.
 *
 * @example
 * const db = await freshDatabase('postgres')
 * after(() => db.drop())
 */
export async function freshDatabase(name: 'postgres' | 'mysql'): Promise<FreshDatabase> {
  const base = serviceUrl(name)
  if (base === undefined) throw new Error(skipReason(name))
  const database = uniqueName()
  const url = new URL(base)
  url.pathname = `/${database}`
  // Names made by uniqueName() need no quoting beyond the identifier quotes.
  if (name === 'postgres') {
    await onPostgres(base, `CREATE DATABASE "${database}"`)
    // WITH (FORCE) ends the connections a test left open (PostgreSQL 13+).
    return { url: url.href, name: database, drop: () => onPostgres(base, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`) }
  }
  await onMysql(base, async (c) => { await c.query(`CREATE DATABASE \`${database}\``) })
  return {
    url: url.href,
    name: database,
    drop: () => onMysql(base, async (c) => {
      // A connection left inside a transaction would hold a metadata lock and stall the drop.
      const [rows] = await c.query('SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()', [database])
      for (const { ID } of rows as { ID: number }[]) await c.query(`KILL ${Number(ID)}`).catch(() => {})
      await c.query(`DROP DATABASE IF EXISTS \`${database}\``)
    }),
  }
}

async function onPostgres(url: string, sql: string): Promise<void> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

async function onMysql(url: string, work: (c: import('mysql2/promise').Connection) => Promise<void>): Promise<void> {
  const { createConnection } = await import('mysql2/promise')
  const connection = await createConnection(url)
  try {
    await work(connection)
  } finally {
    await connection.end()
  }
}

/**
 * Stops the shared server (fast shutdown; resolves once it has exited). Every test file running
 * at the same time loses it too, so a test that stops it must start it again promptly, and the
 * other files' tests must not be running against it meanwhile; a test that can should prefer
 * a server of its own: startServices({ only: [name] }) from scripts/test-services.mjs.
 */
export function stopService(name: ServiceName): Promise<void> {
  return controlService(servicesFile(), name, 'stop')
}

/** Starts the shared server again on its port and data dir; resolves once it accepts connections. */
export function startService(name: ServiceName): Promise<void> {
  return controlService(servicesFile(), name, 'start')
}

function servicesFile(): ServicesHandle {
  const file = process.env.TW_TEST_SERVICES_FILE
  if (!file) throw new Error('TW_TEST_SERVICES_FILE is not set: the servers were not started by npm test')
  return JSON.parse(readFileSync(file, 'utf8')) as ServicesHandle
}
