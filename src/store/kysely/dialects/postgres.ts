// PostgreSQL through pg. Events wake other instances with NOTIFY, sent inside the transaction
// that wrote them (so delivered only on commit) and received on one LISTEN connection.

import { PostgresDialect, sql, type Kysely } from 'kysely'
import { importOptional } from '../../../core/optional-module.js'
import type { DialectFactory, Listener } from './types.js'

const importPg = () => importOptional('pg', 'PostgreSQL (DATABASE_URL=postgres://...)', () => import('pg'))

/** The NOTIFY channel; the payload is empty: listeners read the log. */
export const CHANNEL = 'tokenwarden_events'
/** application_name of the LISTEN connection (an operator, or a test, can find it in pg_stat_activity). */
export const LISTENER_NAME = 'tokenwarden-listen'
const RECONNECT_MS = [100, 250, 500, 1000, 2000]

function uniqueViolation(err: unknown): string | undefined {
  const e = err as { code?: unknown; constraint?: unknown }
  return e.code === '23505' && typeof e.constraint === 'string' ? e.constraint : undefined
}

async function listen(url: string, onWake: () => void, onError: (err: unknown) => void): Promise<Listener> {
  const { default: pg } = await importPg()
  let closed = false
  let client: InstanceType<typeof pg.Client> | undefined
  let attempt = 0
  let retry: NodeJS.Timeout | undefined

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url, application_name: LISTENER_NAME })
    c.on('notification', () => onWake())
    c.on('error', (err) => {
      onError(err)
      reconnect(c)
    })
    c.on('end', () => reconnect(c))
    await c.connect()
    await c.query(`LISTEN ${CHANNEL}`)
    client = c
    attempt = 0
    // Anything written while this connection was down: the feed reads it now.
    onWake()
  }
  const reconnect = (c: InstanceType<typeof pg.Client>): void => {
    if (closed || client !== c) return
    client = undefined
    c.removeAllListeners('end')
    void c.end().catch(() => {})
    schedule()
  }
  const schedule = (): void => {
    if (closed || retry !== undefined) return
    const delay = RECONNECT_MS[Math.min(attempt++, RECONNECT_MS.length - 1)]
    retry = setTimeout(() => {
      retry = undefined
      connect().catch((err: unknown) => {
        onError(err)
        schedule()
      })
    }, delay)
    retry.unref()
  }

  await connect().catch((err: unknown) => {
    onError(err)
    schedule()
  })
  return {
    async close() {
      closed = true
      if (retry !== undefined) clearTimeout(retry)
      const c = client
      client = undefined
      await c?.end().catch(() => {})
    },
  }
}

export const postgres: DialectFactory = {
  name: 'postgres',
  schemes: ['postgres', 'postgresql'],
  lockRows: true,
  largeText: 'text',
  async create(url, { poolMax }) {
    const { default: pg } = await importPg()
    // int8 (event seqs, the counter, COUNT(*)) arrives as a string: the store reads each through
    // Number(), exact while they stay below 2^53.
    const pool = new pg.Pool({ connectionString: url, max: poolMax })
    // An idle client that loses its connection emits 'error' on the pool; without a listener
    // that would crash the process. The next query gets a fresh connection or a clean error.
    pool.on('error', () => {})
    return new PostgresDialect({ pool })
  },
  uniqueViolation,
  async notify(trx: Kysely<any>) {
    await sql`select pg_notify(${CHANNEL}, '')`.execute(trx)
  },
  listen,
}
