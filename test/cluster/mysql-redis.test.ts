// Three `tokenwarden serve` processes on one MariaDB database with REDIS_URL: invalidations
// woken by Redis pub/sub, by the poll while Redis is down (a private Redis, which this file
// stops), and fast again once it is back.

import { after, before, describe, test } from 'node:test'
import { freshDatabase, needService, type FreshDatabase } from '../support/services.js'
import { Latencies, pollUntil, startCluster } from './harness.js'
import * as s from './scenarios.js'
import { privateServer } from './services.js'

const redis = await privateServer('redis')
const skip = 'skip' in redis ? redis.skip : undefined

describe('cluster on MariaDB with the Redis wake-up signal', { ...needService('mysql'), ...(skip === undefined ? {} : { skip }) }, () => {
  const broker = redis as Exclude<typeof redis, { skip: string }>
  const stats = new Latencies()
  let db: FreshDatabase
  let scene: s.Scene

  before(async () => {
    db = await freshDatabase('mysql')
    scene = { cluster: await startCluster({ databaseUrl: db.url, env: { REDIS_URL: broker.url } }), stats }
  })
  after(async () => {
    await scene?.cluster.stop()
    await db?.drop()
    await broker.dispose()
    for (const line of stats.lines()) console.log(`# mysql+redis latency ${line}`)
  })

  test('logout on A: B and C refuse the access and refresh tokens', (t) => s.logoutReachesOthers(t, scene))
  test('admin disables a user on B: A and C refuse', (t) => s.disableReachesOthers(t, scene))
  test('account deleted on C: A and B refuse', (t) => s.deleteReachesOthers(t, scene))
  test('password changed on B: the other session is refused on A and C', (t) => s.passwordChangeReachesOthers(t, scene))

  test('Redis stopped: revocations arrive by the poll; started again: fast again', async (t) => {
    const { Redis } = await import('ioredis')
    const subscribers = async () => {
      const client = new Redis(broker.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
      try {
        await client.connect()
        const [, n] = (await client.pubsub('NUMSUB', 'tokenwarden:events')) as [string, number]
        return Number(n)
      } catch {
        return -1
      } finally {
        client.disconnect()
      }
    }
    await s.signalCut(t, scene, {
      label: 'redis',
      cut: broker.stop,
      restore: broker.start,
      async signalBack() {
        const back = await pollUntil(subscribers, (n) => n === scene.cluster.instances.length, 10_000, 50)
        t.diagnostic(`redis: every instance subscribed again ${Math.round(back.ms)} ms after the restart`)
        if (!back.ok) throw new Error(`subscribers after the restart: ${back.last}`)
      },
    })
  })
})
