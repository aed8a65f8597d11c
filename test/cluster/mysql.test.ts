// Three `tokenwarden serve` processes on one MariaDB database of a private server (this file
// stops it): no wake-up signal, so invalidations travel by the poll within the bound; and
// fail-closed 503s while the database is down.

import { after, before, describe, test } from 'node:test'
import { Latencies, startCluster } from './harness.js'
import * as s from './scenarios.js'
import { mysqlQuery, privateServer, withDatabase } from './services.js'

const server = await privateServer('mysql')
const skip = 'skip' in server ? server.skip : undefined

describe('cluster on MariaDB (poll only)', { skip }, () => {
  const db = server as Exclude<typeof server, { skip: string }>
  const stats = new Latencies()
  let scene: s.Scene

  before(async () => {
    await mysqlQuery(db.url, 'CREATE DATABASE cluster')
    await mysqlQuery(db.url, 'CREATE DATABASE fresh3')
    scene = { cluster: await startCluster({ databaseUrl: withDatabase(db.url, 'cluster') }), stats }
  })
  after(async () => {
    await scene?.cluster.stop()
    await db.dispose()
    for (const line of stats.lines()) console.log(`# mysql latency ${line}`)
  })

  s.commonScenarios(() => scene)
  test('three servers started together on a fresh database all come up', (t) => s.startTogether(t, withDatabase(db.url, 'fresh3'), 3))
  test('database down: 503 on every instance within the bound (never 200 past it, never 500), served again once it is back', (t) =>
    s.databaseDown(t, scene, { stop: db.stop, start: db.start }))
})
