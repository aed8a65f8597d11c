// Three `tokenwarden serve` processes on one SQLite file: no wake-up signal, so every
// invalidation travels by the poll of the auth-event log, within INVALIDATION_MAX_LAG_MS.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { Latencies, startCluster } from './harness.js'
import * as s from './scenarios.js'

describe('cluster on one SQLite file (poll only)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-cluster-sqlite-'))
  const stats = new Latencies()
  let scene: s.Scene

  before(async () => {
    scene = { cluster: await startCluster({ databaseUrl: `sqlite:${join(dir, 'tw.db')}` }), stats }
  })
  after(async () => {
    await scene?.cluster.stop()
    rmSync(dir, { recursive: true, force: true })
    for (const line of stats.lines()) console.log(`# sqlite latency ${line}`)
  })

  s.commonScenarios(() => scene)
  test('two servers started together on a fresh SQLite file both come up', (t) => s.startTogether(t, `sqlite:${join(dir, 'fresh.db')}`, 2))
})
