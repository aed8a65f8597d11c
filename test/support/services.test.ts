// The shared test servers answer, and freshDatabase gives each caller a database of its own
// that drop() removes. Skipped (with the reason) where a server is absent; fails under CI=true.

import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { freshDatabase, needService, serviceUrl, uniquePrefix } from './services.js'

describe('postgres test server', { ...needService('postgres') }, () => {
  async function query(url: string, sql: string): Promise<unknown[]> {
    const { default: pg } = await import('pg')
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      return (await client.query(sql)).rows
    } finally {
      await client.end()
    }
  }

  test('answers SELECT 1', async () => {
    assert.deepEqual(await query(serviceUrl('postgres')!, 'SELECT 1 AS one'), [{ one: 1 }])
  })

  test('freshDatabase is isolated and drop() removes it', async () => {
    const a = await freshDatabase('postgres')
    const b = await freshDatabase('postgres')
    after(() => Promise.all([a.drop(), b.drop()]))
    assert.notEqual(a.name, b.name)
    await query(a.url, 'CREATE TABLE only_in_a (id int)')
    assert.deepEqual(await query(b.url, "SELECT to_regclass('only_in_a') AS t"), [{ t: null }])
    // An open connection must not stop the drop.
    const { default: pg } = await import('pg')
    const lingering = new pg.Client({ connectionString: a.url })
    lingering.on('error', () => {})
    await lingering.connect()
    await a.drop()
    const rows = await query(serviceUrl('postgres')!, `SELECT datname FROM pg_database WHERE datname = '${a.name}'`)
    assert.deepEqual(rows, [])
    await lingering.end().catch(() => {})
  })
})

describe('mysql (MariaDB) test server', { ...needService('mysql') }, () => {
  async function query(url: string, sql: string): Promise<unknown> {
    const { createConnection } = await import('mysql2/promise')
    const connection = await createConnection(url)
    try {
      return (await connection.query(sql))[0]
    } finally {
      await connection.end()
    }
  }

  test('answers SELECT 1', async () => {
    assert.deepEqual(await query(serviceUrl('mysql')!, 'SELECT 1 AS one'), [{ one: 1 }])
  })

  test('freshDatabase is isolated and drop() removes it', async () => {
    const a = await freshDatabase('mysql')
    const b = await freshDatabase('mysql')
    after(() => Promise.all([a.drop(), b.drop()]))
    assert.notEqual(a.name, b.name)
    await query(a.url, 'CREATE TABLE only_in_a (id int)')
    assert.deepEqual(await query(b.url, 'SHOW TABLES'), [])
    // A connection inside a transaction on the table must not stall the drop.
    const { createConnection } = await import('mysql2/promise')
    const lingering = await createConnection(a.url)
    lingering.on('error', () => {})
    await lingering.query('START TRANSACTION')
    await lingering.query('SELECT * FROM only_in_a')
    await a.drop()
    const rows = await query(serviceUrl('mysql')!, `SHOW DATABASES LIKE '${a.name}'`)
    assert.deepEqual(rows, [])
    lingering.destroy()
  })
})

describe('redis test server', { ...needService('redis') }, () => {
  test('answers PING and keeps keys under a prefix of this file', async () => {
    const { Redis } = await import('ioredis')
    const redis = new Redis(serviceUrl('redis')!)
    try {
      assert.equal(await redis.ping(), 'PONG')
      const prefix = uniquePrefix()
      assert.notEqual(prefix, uniquePrefix())
      await redis.set(`${prefix}k`, 'v')
      assert.deepEqual(await redis.keys(`${prefix}*`), [`${prefix}k`])
      await redis.del(`${prefix}k`)
    } finally {
      redis.disconnect()
    }
  })
})

// On a server of its own, so that the shared ones stay up for the files running alongside.
describe('stopping and starting a server again', { ...needService('redis') }, () => {
  test('the server refuses connections once stopped and answers again on its port once started', async () => {
    const { startServices, stopServices, controlService } = await import('../../scripts/test-services.mjs')
    const { Redis } = await import('ioredis')
    const handle = await startServices({ required: true, only: ['redis'] })
    after(() => stopServices(handle))
    const ping = async () => {
      const redis = new Redis(handle.services.redis!.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
      redis.on('error', () => {})
      try {
        await redis.connect()
        return await redis.ping()
      } finally {
        redis.disconnect()
      }
    }
    assert.equal(await ping(), 'PONG')
    await controlService(handle, 'redis', 'stop')
    await assert.rejects(ping(), /ECONNREFUSED|Connection is closed/)
    await controlService(handle, 'redis', 'start')
    assert.equal(await ping(), 'PONG')
  })
})
