// The wake-up signals of the propagation cases, checked before any round: a case "with the
// signal" must have every instance listening, and the PostgreSQL case "with the signal cut" must
// have every listener deaf for its whole run.
//
// How the signal is cut: each instance's LISTEN backend (application_name 'tokenwarden-listen')
// is stopped with SIGSTOP. Its connection stays open and healthy-looking, so the instance gets no
// error, does not reconnect, and hears no NOTIFY: a silent loss of the signal, the case the poll
// exists for. Terminating the backends instead (pg_terminate_backend, as test/cluster does) makes
// each instance reconnect within 100 ms and read the log on every reconnect, which would measure
// the reconnect loop rather than the poll. After the rounds the harness checks that the same
// backends are still the listeners and still stopped, then resumes them (SIGCONT).

import { readFileSync } from 'node:fs'
import { LISTENER_NAME } from '../../src/store/kysely/dialects/postgres.js'
import { CHANNEL } from '../../src/store/redis/signal.js'
import { sleep } from '../lib/proc.js'

const WAIT_MS = 10_000

async function pgRows<T>(url: string, text: string, params: unknown[]): Promise<T[]> {
  const { default: pg } = await import('pg')
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(text, params)).rows as T[]
  } finally {
    await client.end()
  }
}

/** Backend pids of the instances' LISTEN connections to `database`. */
async function listenerPids(serverUrl: string, database: string): Promise<number[]> {
  const rows = await pgRows<{ pid: number }>(
    serverUrl,
    `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = $2 AND query ILIKE 'LISTEN%' ORDER BY pid`,
    [LISTENER_NAME, database],
  )
  return rows.map((r) => r.pid)
}

/** Resolves once `count` instances LISTEN on `database`; returns their backend pids. */
export async function waitForListeners(serverUrl: string, database: string, count: number): Promise<number[]> {
  const deadline = Date.now() + WAIT_MS
  for (;;) {
    const pids = await listenerPids(serverUrl, database)
    if (pids.length === count) return pids
    if (Date.now() > deadline) throw new Error(`${pids.length} of ${count} instances LISTEN on PostgreSQL after ${WAIT_MS} ms`)
    await sleep(50)
  }
}

function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3)
  } catch {
    return undefined
  }
}

/**
 * Stops every LISTEN backend of the `count` instances on `database`. The returned function checks
 * that the cut held (the same backends, all still stopped), then resumes them; it throws when
 * the cut did not hold, since the rounds would then not have measured the poll.
 */
export async function cutListeners(serverUrl: string, database: string, count: number): Promise<{ pids: number[]; restore: () => Promise<void> }> {
  const pids = await waitForListeners(serverUrl, database, count)
  const stopped: number[] = []
  const resume = (): void => {
    for (const pid of stopped.splice(0)) {
      try {
        process.kill(pid, 'SIGCONT')
      } catch {
        // gone
      }
    }
  }
  try {
    for (const pid of pids) {
      process.kill(pid, 'SIGSTOP')
      stopped.push(pid)
    }
  } catch (err) {
    resume()
    throw new Error(`cannot stop the LISTEN backends: ${(err as Error).message}`)
  }
  return {
    pids,
    async restore() {
      try {
        const notStopped = pids.filter((pid) => processState(pid) !== 'T')
        const now = await listenerPids(serverUrl, database)
        if (notStopped.length > 0) throw new Error(`LISTEN backends ${notStopped.join(', ')} were not stopped at the end of the rounds`)
        if (now.join(',') !== pids.join(',')) throw new Error(`the listeners changed during the rounds (${pids.join(', ')} -> ${now.join(', ')})`)
      } finally {
        resume()
      }
    },
  }
}

/** Resolves once `count` clients subscribe to the wake-up channel on Redis. */
export async function waitForSubscribers(redisUrl: string, count: number): Promise<void> {
  const { Redis } = await import('ioredis')
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
  await client.connect()
  try {
    const deadline = Date.now() + WAIT_MS
    for (;;) {
      const [, n] = (await client.pubsub('NUMSUB', CHANNEL)) as [string, number]
      if (Number(n) === count) return
      if (Date.now() > deadline) throw new Error(`${n} of ${count} instances subscribe on Redis after ${WAIT_MS} ms`)
      await sleep(50)
    }
  } finally {
    client.disconnect()
  }
}
