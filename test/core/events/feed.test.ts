// The event feed: reads the log in order, wakes on demand, polls without a wake-up, and is
// "current" only while its last completed catch-up started within maxLagMs (fail closed).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AuthEventBus } from '../../../src/core/events/bus.js'
import { EventFeed } from '../../../src/core/events/feed.js'
import type { AuthEvent, EventLog, LoggedEvent } from '../../../src/core/events/types.js'

/** A log in memory whose reads can be made to fail or to hang. */
class TestLog implements EventLog {
  rows: LoggedEvent[] = []
  fail = false
  reads = 0
  gate: Promise<void> | undefined
  add(event: AuthEvent | undefined, seq = (this.rows.at(-1)?.seq ?? 0) + 1): void {
    this.rows.push({ seq, event })
  }
  async read(after: number, limit: number): Promise<LoggedEvent[]> {
    this.reads++
    await this.gate
    if (this.fail) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })
    return this.rows.filter((r) => r.seq > after).slice(0, limit)
  }
  async head(): Promise<number> {
    return this.rows.at(-1)?.seq ?? 0
  }
  async append(event: AuthEvent): Promise<void> {
    this.add(event)
  }
  async prune(): Promise<number> {
    return 0
  }
}

const revoked = (sessionId: string): AuthEvent => ({ type: 'session_revoked', sessionId, reason: 'logout', at: '2026-01-01T00:00:00.000Z' })

function setup(options: { pollMs?: number; maxLagMs?: number; batch?: number } = {}) {
  const log = new TestLog()
  const bus = new AuthEventBus()
  const seen: { event: AuthEvent; origin: string }[] = []
  bus.subscribe((event, origin) => seen.push({ event, origin }))
  let now = 0
  let gaps = 0
  const errors: unknown[] = []
  const feed = new EventFeed({ log, bus, pollMs: 10_000, maxLagMs: 20_000, now: () => now, onGap: () => gaps++, onError: (e) => errors.push(e), ...options })
  return { log, bus, seen, feed, advance: (ms: number) => (now += ms), gaps: () => gaps, errors }
}

test('start() begins at the head: events already in the log are not replayed', async () => {
  const { log, feed, seen } = setup()
  log.add(revoked('old'))
  await feed.start()
  log.add(revoked('new'))
  await feed.sync()
  assert.deepEqual(seen.map((s) => s.event), [revoked('new')])
  assert.equal(seen[0]!.origin, 'feed')
  assert.equal(feed.status().seq, 2)
  await feed.stop()
})

test('events arrive in seq order across batches', async () => {
  const { log, feed, seen } = setup({ batch: 2 })
  await feed.start()
  for (let i = 1; i <= 5; i++) log.add(revoked(`s${i}`))
  await feed.sync()
  assert.deepEqual(seen.map((s) => (s.event as { sessionId: string }).sessionId), ['s1', 's2', 's3', 's4', 's5'])
  await feed.stop()
})

test('without a wake-up the poll reads the log by itself', async () => {
  const { log, feed, seen } = setup({ pollMs: 15, maxLagMs: 1000 })
  await feed.start()
  log.add(revoked('polled'))
  const deadline = Date.now() + 2000
  while (seen.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5))
  assert.equal(seen.length, 1)
  await feed.stop()
})

test('current only while the last completed catch-up started within maxLagMs', async () => {
  const { feed, advance } = setup({ maxLagMs: 1000, pollMs: 100 })
  assert.equal(feed.isCurrent(), false, 'not current before start')
  await feed.start()
  assert.equal(feed.isCurrent(), true)
  advance(1000)
  assert.equal(feed.isCurrent(), true, 'at the bound')
  advance(1)
  assert.equal(feed.isCurrent(), false, 'past the bound: memory is not trusted')
  await feed.sync()
  assert.equal(feed.isCurrent(), true, 'a catch-up makes it current again')
  await feed.stop()
})

test('a failing log leaves the feed not current; it recovers with the next read', async () => {
  const { log, feed, advance, errors } = setup({ maxLagMs: 1000, pollMs: 100 })
  await feed.start()
  log.fail = true
  advance(1500)
  feed.wake()
  await new Promise((r) => setTimeout(r, 10))
  assert.equal(feed.isCurrent(), false)
  assert.equal(errors.length, 1)
  assert.match(feed.status().error ?? '', /ECONNREFUSED/)
  log.fail = false
  log.add(revoked('after-outage'))
  await feed.sync()
  assert.equal(feed.isCurrent(), true)
  assert.equal(feed.status().error, undefined)
  assert.equal(feed.status().seq, 1, 'nothing written during the outage was skipped')
  await feed.stop()
})

test('the freshness mark is the start of the read, not its end: a slow read does not buy time', async () => {
  const { log, feed, advance } = setup({ maxLagMs: 1000, pollMs: 100 })
  await feed.start()
  let release!: () => void
  log.gate = new Promise((r) => (release = r))
  advance(900)
  const synced = feed.sync()
  advance(800) // the read takes 800 ms
  release()
  log.gate = undefined
  await synced
  // The read started at t=900; now is 1700: 800 ms of lag, current. 201 ms more and it is not.
  assert.equal(feed.isCurrent(), true)
  advance(201)
  assert.equal(feed.isCurrent(), false)
  await feed.stop()
})

test('a gap in seqs (rows pruned before this instance read them) and an unknown event drop the caches', async () => {
  const { log, feed, gaps } = setup()
  await feed.start()
  log.add(revoked('a'), 5) // seq 1..4 were pruned
  await feed.sync()
  assert.equal(gaps(), 1)
  log.add(undefined) // written by a newer version
  await feed.sync()
  assert.equal(gaps(), 2)
  assert.equal(feed.status().seq, 6)
  await feed.stop()
})

test('wakes during a read coalesce into one more read after it', async () => {
  const { log, feed, seen, advance } = setup()
  await feed.start()
  let release!: () => void
  log.gate = new Promise((r) => (release = r))
  feed.wake()
  advance(1)
  log.add(revoked('during'))
  feed.wake()
  feed.wake()
  const synced = feed.sync() // needs a read that starts after now: the coalesced one
  release()
  log.gate = undefined
  await synced
  assert.equal(log.reads, 2, 'one read in flight plus one coalesced re-read')
  assert.equal(seen.length, 1, 'each event published once')
  await feed.stop()
})

test('options are checked at construction', () => {
  const log = new TestLog()
  const bus = new AuthEventBus()
  assert.throws(() => new EventFeed({ log, bus, pollMs: 0 }), TypeError)
  assert.throws(() => new EventFeed({ log, bus, maxLagMs: 0 }), TypeError)
  assert.throws(() => new EventFeed({ log, bus, batch: 0 }), TypeError)
})

test('stop() rejects pending sync() calls and stops polling', async () => {
  const { log, feed } = setup({ pollMs: 10, maxLagMs: 1000 })
  await feed.start()
  log.fail = true
  const pending = feed.sync()
  await feed.stop()
  await assert.rejects(pending, /stopped/)
  const reads = log.reads
  await new Promise((r) => setTimeout(r, 50))
  assert.equal(log.reads, reads)
})
