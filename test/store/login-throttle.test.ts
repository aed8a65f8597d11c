// The login throttle in the database (SqlLoginThrottle): the same contract as the in-memory one,
// on a SQLite file, PostgreSQL and MariaDB; and what it is for, two instances over one database
// spending one budget, sequentially and at the same time (on SQLite: two processes).

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { MemoryLoginThrottle, type ThrottleOptions } from '../../src/core/accounts/throttle.js'
import { ManualClock } from '../../src/core/clock.js'
import { createStore } from '../../src/store/create.js'
import type { KyselyStore } from '../../src/store/kysely/store.js'
import { hashThrottleKey, PENDING_TTL_MS, SqlLoginThrottle } from '../../src/store/kysely/throttle.js'
import { freshDatabase, needService } from '../support/services.js'
import { throttleContract } from '../support/throttle-contract.js'

const KEY = 'email:ada@example.com'

describe('MemoryLoginThrottle: the contract', () => {
  throttleContract(async (options) => new MemoryLoginThrottle(options))
})

interface Target {
  name: string
  options: ReturnType<typeof needService> | Record<string, never>
  /** A database URL and how to remove it. */
  open(): Promise<{ url: string; drop(): Promise<void> }>
}

const TARGETS: Target[] = [
  {
    name: 'sqlite-file',
    options: {},
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'tw-throttle-'))
      return { url: `sqlite:${join(dir, 'tw.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) }
    },
  },
  { name: 'postgres', options: needService('postgres'), open: () => freshDatabase('postgres') },
  { name: 'mysql', options: needService('mysql'), open: () => freshDatabase('mysql') },
]

for (const target of TARGETS) {
  describe(`SqlLoginThrottle: ${target.name}`, { ...target.options }, () => {
    let url: string
    let drop: () => Promise<void>
    // Two stores over one database: two tokenwarden instances.
    let one: KyselyStore
    let two: KyselyStore
    before(async () => {
      ;({ url, drop } = await target.open())
      one = await createStore({ databaseUrl: url })
      two = await createStore({ databaseUrl: url })
      await one.migrate()
      assert.deepEqual(await two.migrate(), [])
    })
    after(async () => {
      await one?.close()
      await two?.close()
      await drop?.()
    })

    const fresh = async (store: KyselyStore, options: ThrottleOptions): Promise<SqlLoginThrottle> => {
      await store.db.deleteFrom('loginThrottle').execute()
      return new SqlLoginThrottle(store.db, store.dialect, options)
    }

    describe('the contract', () => {
      throttleContract((options) => fresh(one, options))
    })

    test('keys are stored as their SHA-256, never as the identifier', async () => {
      const t = await fresh(one, { clock: new ManualClock() })
      assert.equal(await t.acquire(KEY), 0)
      await t.settle(KEY, 'failure')
      const rows = await one.db.selectFrom('loginThrottle').selectAll().execute()
      assert.deepEqual(rows.map((r) => r.keyHash), [hashThrottleKey(KEY)])
      assert.match(rows[0]!.keyHash, /^[0-9a-f]{64}$/)
      assert.ok(!JSON.stringify(rows).includes('ada'))
      assert.equal(Number(rows[0]!.failures), 1)
    })

    test('two instances share the budget: failures on either count for both', async () => {
      const clock = new ManualClock()
      const a = await fresh(one, { clock })
      const b = new SqlLoginThrottle(two.db, two.dialect, { clock })
      for (const t of [a, b, a, b, a]) {
        assert.equal(await t.acquire(KEY), 0)
        await t.settle(KEY, 'failure')
      }
      assert.equal(await a.acquire(KEY), 60)
      assert.equal(await b.acquire(KEY), 60)
      clock.advance(60_000)
      assert.equal(await b.acquire(KEY), 0)
      await b.settle(KEY, 'success')
      assert.equal(await a.acquire(KEY), 0, 'a success on one instance resets the streak on the other')
      await a.settle(KEY, 'aborted')
    })

    test('a reservation never settled (its process died) stops counting after PENDING_TTL_MS', async () => {
      const clock = new ManualClock()
      const t = await fresh(one, { clock, maxFailures: 3 })
      for (let i = 0; i < 3; i++) assert.equal(await t.acquire(KEY), 0)
      assert.equal(await t.acquire(KEY), 1)
      clock.advance(PENDING_TTL_MS - 1000)
      assert.equal(await t.acquire(KEY), 1, 'still in flight as far as anyone knows')
      clock.advance(1000)
      for (let i = 0; i < 3; i++) assert.equal(await t.acquire(KEY), 0, `a fresh budget: reservation ${i + 1}`)
      assert.equal(await t.acquire(KEY), 1)
      clock.advance(PENDING_TTL_MS + 15 * 60_000)
      assert.equal(await t.prune(), 1, 'a row holding only dead reservations is pruned')
    })

    if (target.name === 'sqlite-file') {
      // One process's two connections to a file would block each other (better-sqlite3 waits
      // for a lock synchronously, so the holder never gets to commit): contend across processes.
      test('two processes hammering one file let exactly the budget through', async () => {
        await fresh(one, {})
        const startAt = Date.now() + 1500
        const run = () =>
          new Promise<number>((resolve, reject) => {
            const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../support/throttle-worker.ts'), url, KEY, '25', String(startAt), '10'])
            let out = ''
            let err = ''
            child.stdout.on('data', (d) => (out += d))
            child.stderr.on('data', (d) => (err += d))
            child.on('exit', (code) => (code === 0 ? resolve((JSON.parse(out) as { checks: number }).checks) : reject(new Error(`worker exited ${code}: ${err}`))))
          })
        const checks = await Promise.all([run(), run()])
        assert.equal(checks[0]! + checks[1]!, 10, `checks per process: ${checks.join(', ')}`)
      })
    } else {
      test('parallel attempts spread over two instances let exactly the budget through', async () => {
        const a = await fresh(one, { maxFailures: 5 })
        const b = new SqlLoginThrottle(two.db, two.dialect, { maxFailures: 5 })
        const attempt = async (t: SqlLoginThrottle): Promise<boolean> => {
          if ((await t.acquire(KEY)) > 0) return false
          await t.settle(KEY, 'failure')
          return true
        }
        const results = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(i % 2 === 0 ? a : b)))
        assert.equal(results.filter(Boolean).length, 5)
        assert.ok((await a.acquire(KEY)) >= 59 && (await b.acquire(KEY)) >= 59, 'both now wait')
      })
    }
  })
}
