// Section 6: scale-out. Revocation propagation across three `tokenwarden serve` processes on one
// database (SQLite file; PostgreSQL with NOTIFY and with the signal cut; MariaDB with Redis and
// poll-only), then GET /auth/me and logins on PostgreSQL beside SQLite, through the http and
// logins sections' own harness. PostgreSQL, MariaDB and Redis are the throwaway servers of
// `npm test` (scripts/test-services.mjs); a case whose server cannot start is skipped with the
// reason. Smoke runs take the SQLite cases only.

import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseDatabaseConfig } from '../../src/core/config-database.js'
import { log } from '../lib/log.js'
import { settle } from '../lib/machine.js'
import { SERVER_CORE } from '../lib/proc.js'
import type { Profile } from '../lib/profile.js'
import type { PropagationRow, ScaleResults } from '../lib/results.js'
import { createDatabase, startBenchServices, type ServiceName, type Services } from '../lib/services.js'
import { meCase, type HttpCase } from './http-cases.js'
import { runCases } from './http.js'
import { measureLogins, rawHashRate, startLoginServer } from './logins.js'
import { startCluster, type Cluster } from './scale-cluster.js'
import { measurePropagation, SIGNAL_JITTER_MS } from './scale-propagation.js'
import { cutListeners, waitForListeners, waitForSubscribers } from './scale-signals.js'
import { ensureBuilt } from './startup.js'

/** The instances' poll interval: the server's default, read from where it is declared. */
export const POLL_MS = parseDatabaseConfig({}, tmpdir()).invalidationPollMs

interface PropagationCase {
  id: string
  label: string
  signal: boolean
  note: string
  needs: ServiceName[]
  /** An empty database for this case. */
  database(services: Services | undefined): Promise<string>
  env?(services: Services | undefined): Record<string, string>
  /** Checks the signal path before the rounds (and cuts it); returns what runs after them. */
  arrange?(services: Services | undefined): Promise<(() => Promise<void>) | void>
}

const INSTANCES = 3

function propagationCases(): PropagationCase[] {
  const pg = (s: Services | undefined): string => s!.url('postgres')!
  return [
    {
      id: 'sqlite', label: 'SQLite file, poll only', signal: false, needs: [],
      note: 'no wake-up signal exists for SQLite: every instance reads the log each poll',
      database: async () => `sqlite:${join(mkdtempSync(join(tmpdir(), 'tw-bench-scale-db-')), 'tokenwarden.db')}`,
    },
    {
      id: 'postgres-notify', label: 'PostgreSQL, LISTEN/NOTIFY', signal: true, needs: ['postgres'],
      note: 'checked before the rounds: every instance LISTENs',
      database: (s) => createDatabase(s!, 'postgres', 'scale_notify'),
      arrange: async (s) => void (await waitForListeners(pg(s), 'scale_notify', INSTANCES)),
    },
    {
      id: 'postgres-cut', label: 'PostgreSQL, signal cut (LISTEN backends stopped)', signal: false, needs: ['postgres'],
      note: 'every LISTEN backend SIGSTOPped for the whole run (bench/sections/scale-signals.ts says why), checked still stopped at the end',
      database: (s) => createDatabase(s!, 'postgres', 'scale_cut'),
      arrange: async (s) => (await cutListeners(pg(s), 'scale_cut', INSTANCES)).restore,
    },
    {
      id: 'mysql-redis', label: 'MariaDB, Redis pub/sub', signal: true, needs: ['mysql', 'redis'],
      note: 'checked before the rounds: every instance subscribes',
      database: (s) => createDatabase(s!, 'mysql', 'scale_redis'),
      env: (s) => ({ REDIS_URL: s!.url('redis')! }),
      arrange: async (s) => waitForSubscribers(s!.url('redis')!, INSTANCES),
    },
    {
      id: 'mysql-poll', label: 'MariaDB, poll only', signal: false, needs: ['mysql'],
      note: 'no REDIS_URL',
      database: (s) => createDatabase(s!, 'mysql', 'scale_poll'),
    },
  ]
}

function unavailable(c: { needs: readonly ServiceName[] }, services: Services | undefined): string | undefined {
  if (c.needs.length === 0) return undefined
  if (services === undefined) return 'smoke run: SQLite only'
  for (const name of c.needs) {
    const why = services.skipped(name)
    if (why !== undefined) return `${name === 'mysql' ? 'MariaDB' : name === 'postgres' ? 'PostgreSQL' : 'Redis'} not available: ${why}`
  }
  return undefined
}

async function runPropagation(c: PropagationCase, services: Services | undefined, profile: Profile): Promise<PropagationRow> {
  const row: PropagationRow = { id: c.id, label: c.label, signal: c.signal, note: c.note }
  const skip = unavailable(c, services)
  if (skip !== undefined) {
    log('scale', `${c.id}: skipped: ${skip}`)
    return { ...row, skipped: skip }
  }
  let cluster: Cluster | undefined
  let after: (() => Promise<void>) | void = undefined
  try {
    cluster = await startCluster(await c.database(services), c.env?.(services))
    after = await c.arrange?.(services)
    await settle(`scale ${c.id}`)
    const measured = await measurePropagation(cluster, profile.scaleRounds, POLL_MS, c.signal ? SIGNAL_JITTER_MS : POLL_MS, c.id)
    const check = after
    after = undefined
    await check?.()
    return { ...row, ...measured }
  } catch (err) {
    const reason = `failed: ${(err as Error).message}`
    log('scale', `${c.id}: ${reason}`)
    return { ...row, skipped: reason }
  } finally {
    await after?.().catch(() => {})
    await cluster?.stop()
  }
}

export async function runScale(profile: Profile, rawFromLogins: number | undefined): Promise<ScaleResults> {
  ensureBuilt(profile.mode !== 'smoke', 'scale')
  let services: Services | undefined
  if (profile.scaleDatabases === 'all') {
    log('scale', 'starting PostgreSQL, MariaDB and Redis (scripts/test-services.mjs)')
    services = await startBenchServices(['postgres', 'mysql', 'redis'], SERVER_CORE)
    for (const name of ['postgres', 'mysql', 'redis'] as const) {
      const why = services.skipped(name)
      if (why !== undefined) log('scale', `${name}: not available: ${why}`)
    }
  } else {
    log('scale', 'smoke run: SQLite only')
  }
  try {
    const propagation: PropagationRow[] = []
    for (const c of propagationCases()) propagation.push(await runPropagation(c, services, profile))
    const me = await runCases(meCases(services), profile, 'scale')
    const logins = await postgresLogins(services, profile, rawFromLogins)
    return { pollMs: POLL_MS, propagation, me, logins }
  } finally {
    await services?.stop()
  }
}

function meCases(services: Services | undefined): HttpCase[] {
  const sqlite = meCase('sqlite-me', 'GET /auth/me, hot token, SQLite', 'the http section\'s tw-me case')
  const skip = unavailable({ needs: ['postgres'] }, services)
  let n = 0
  const postgres = meCase(
    'postgres-me', 'GET /auth/me, hot token, PostgreSQL', 'the same server on PostgreSQL (pinned to the server core with it)',
    () => createDatabase(services!, 'postgres', `scale_me_${++n}`),
  )
  return [sqlite, skip === undefined ? postgres : { ...postgres, unavailable: () => skip }]
}

async function postgresLogins(services: Services | undefined, profile: Profile, rawFromLogins: number | undefined): Promise<ScaleResults['logins']> {
  const skip = unavailable({ needs: ['postgres'] }, services)
  if (skip !== undefined) {
    log('scale', `postgres logins: skipped: ${skip}`)
    return { skipped: skip }
  }
  const raw = rawFromLogins ?? (await rawHashRate(profile, 'scale')).perSec
  const rawFrom = rawFromLogins === undefined ? 'this section' : 'logins section'
  try {
    const url = await createDatabase(services!, 'postgres', 'scale_logins')
    const server = await startLoginServer('tw-server', { BENCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'tw-bench-login-')), BENCH_DATABASE_URL: url }, profile)
    try {
      const { result } = await measureLogins(server.url, profile, 'scale: logins on PostgreSQL')
      log('scale', `postgres: ${result.rps.toFixed(1)} logins/s (${(result.rps / raw).toFixed(2)} of raw argon2id ${raw.toFixed(1)}/s), p99 ${result.p99Ms.toFixed(0)} ms${result.non2xx > 0 ? `, ${result.non2xx} non-2xx` : ''}`)
      return { postgresLoginsPerSec: result.rps, rawHashPerSec: raw, rawFrom, loginP99Ms: result.p99Ms, non2xx: result.non2xx }
    } finally {
      await server.stop()
    }
  } catch (err) {
    const reason = `failed: ${(err as Error).message}`
    log('scale', `postgres logins: ${reason}`)
    return { rawHashPerSec: raw, rawFrom, skipped: reason }
  }
}
