// Three `tokenwarden serve` processes on one PostgreSQL database of a private server (this file
// cuts the LISTEN connections and stops the server, which the shared one must never see):
// invalidations woken by NOTIFY, by the poll when the listener is cut, and fail-closed 503s
// while the database is down.

import { after, before, describe, test } from 'node:test'
import { Latencies, pollUntil, sleep, startCluster } from './harness.js'
import * as s from './scenarios.js'
import { pgQuery, privateServer, withDatabase } from './services.js'

const server = await privateServer('postgres')
const skip = 'skip' in server ? server.skip : undefined

describe('cluster on PostgreSQL (LISTEN/NOTIFY)', { skip }, () => {
  const pg = server as Exclude<typeof server, { skip: string }>
  const stats = new Latencies()
  let scene: s.Scene

  before(async () => {
    await pgQuery(pg.url, 'CREATE DATABASE cluster')
    await pgQuery(pg.url, 'CREATE DATABASE fresh3')
    scene = { cluster: await startCluster({ databaseUrl: withDatabase(pg.url, 'cluster') }), stats }
  })
  after(async () => {
    await scene?.cluster.stop()
    await pg.dispose()
    for (const line of stats.lines()) console.log(`# postgres latency ${line}`)
  })

  s.commonScenarios(() => scene)

  test('LISTEN connections terminated: revocations arrive by the poll, fast again once they reconnect', async (t) => {
    const { default: pgLib } = await import('pg')
    const killer = new pgLib.Client({ connectionString: pg.url })
    await killer.connect()
    const listeners = `FROM pg_stat_activity WHERE application_name = 'tokenwarden-listen' AND datname = 'cluster'`
    let cutting = false
    let loop: Promise<void> | undefined
    let killed = 0
    try {
      await s.signalCut(t, scene, {
        label: 'postgres',
        async cut() {
          cutting = true
          // Terminated every 10 ms: a listener that reconnects is cut again before it hears much.
          loop = (async () => {
            while (cutting) {
              const r = await killer.query(`SELECT pg_terminate_backend(pid) AS done ${listeners}`)
              killed += r.rows.filter((x: { done: boolean }) => x.done).length
              await sleep(10)
            }
          })()
          await sleep(50)
        },
        async restore() {
          cutting = false
          await loop
          t.diagnostic(`postgres: ${killed} listener connections terminated`)
        },
        async signalBack() {
          const back = await pollUntil(
            () => killer.query(`SELECT count(*)::int AS n ${listeners} AND query ILIKE 'LISTEN%' AND state = 'idle'`),
            (r) => r.rows[0].n === scene.cluster.instances.length,
            10_000,
            50,
          )
          t.diagnostic(`postgres: every instance listening again ${Math.round(back.ms)} ms after the cut ended`)
          if (!back.ok) throw new Error(`listeners back: ${JSON.stringify(back.last.rows)}`)
        },
      })
    } finally {
      cutting = false
      await loop
      await killer.end()
    }
  })

  test('three servers started together on a fresh database all come up', (t) => s.startTogether(t, withDatabase(pg.url, 'fresh3'), 3))

  test('database down: 503 on every instance within the bound (never 200 past it, never 500), served again once it is back', (t) =>
    s.databaseDown(t, scene, { stop: pg.stop, start: pg.start }))
})
