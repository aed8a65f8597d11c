// The login throttle's rules, with a frozen clock: threshold, doubling waits, the 15-minute
// cap, the forgetting window, reset on success, in-flight checks, pruning and the map bound.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MemoryLoginThrottle, throttleKey } from '../../../src/core/accounts/throttle.js'
import { ManualClock } from '../../../src/core/clock.js'

const KEY = 'email:ada@example.com'
const MIN = 60_000

function fail(t: MemoryLoginThrottle, key = KEY): number {
  const wait = t.acquire(key)
  if (wait === 0) t.settle(key, 'failure')
  return wait
}

test('the first maxFailures checks go ahead; the next attempt waits baseDelay', () => {
  const clock = new ManualClock()
  const t = new MemoryLoginThrottle({ clock, maxFailures: 5 })
  for (let i = 0; i < 5; i++) assert.equal(fail(t), 0, `attempt ${i + 1}`)
  assert.equal(t.acquire(KEY), 60)
  clock.advance(59_000)
  assert.equal(t.acquire(KEY), 1)
  clock.advance(1_000)
  assert.equal(t.acquire(KEY), 0)
})

test('each further failure doubles the wait, up to 15 minutes', () => {
  const clock = new ManualClock()
  const t = new MemoryLoginThrottle({ clock })
  for (let i = 0; i < 5; i++) fail(t)
  const waits: number[] = []
  for (let i = 0; i < 8; i++) {
    const wait = t.acquire(KEY)
    waits.push(wait)
    clock.advance(wait * 1000)
    assert.equal(fail(t), 0)
  }
  assert.deepEqual(waits, [60, 120, 240, 480, 900, 900, 900, 900])
})

test('refused attempts neither reach the check nor lengthen the wait', () => {
  const clock = new ManualClock()
  const t = new MemoryLoginThrottle({ clock })
  for (let i = 0; i < 5; i++) fail(t)
  for (let i = 0; i < 50; i++) assert.equal(t.acquire(KEY), 60)
  clock.advance(MIN)
  assert.equal(t.acquire(KEY), 0)
})

test('a success resets the streak', () => {
  const clock = new ManualClock()
  const t = new MemoryLoginThrottle({ clock })
  for (let i = 0; i < 4; i++) fail(t)
  assert.equal(t.acquire(KEY), 0)
  t.settle(KEY, 'success')
  for (let i = 0; i < 4; i++) assert.equal(fail(t), 0)
  assert.equal(t.acquire(KEY), 0, 'four failures after the reset: still allowed')
  t.settle(KEY, 'success')
  assert.equal(t.size, 0)
})

test('a streak is forgotten after 15 quiet minutes; failures within them add up', () => {
  const clock = new ManualClock()
  const t = new MemoryLoginThrottle({ clock })
  for (let i = 0; i < 4; i++) fail(t)
  clock.advance(15 * MIN)
  assert.equal(fail(t), 0)
  for (let i = 0; i < 3; i++) assert.equal(fail(t), 0)
  assert.equal(fail(t), 0, 'fifth failure of the new streak is still checked')
  assert.equal(t.acquire(KEY), 60)
  // Just under the window: still remembered.
  const t2 = new MemoryLoginThrottle({ clock })
  for (let i = 0; i < 4; i++) fail(t2)
  clock.advance(15 * MIN - 1000)
  fail(t2)
  assert.equal(t2.acquire(KEY), 60)
})

test('the window runs from the end of a wait, so a capped streak does not reset itself', () => {
  const clock = new ManualClock()
  const t = new MemoryLoginThrottle({ clock })
  for (let i = 0; i < 9; i++) {
    const wait = fail(t)
    if (wait > 0) {
      clock.advance(wait * 1000)
      assert.equal(fail(t), 0)
    }
  }
  assert.equal(t.acquire(KEY), 900)
  clock.advance(15 * MIN)
  assert.equal(fail(t), 0)
  assert.equal(t.acquire(KEY), 900, 'the streak survived the wait: still capped')
  clock.advance(30 * MIN)
  assert.equal(fail(t), 0)
  assert.equal(t.acquire(KEY), 0, 'after the wait and 15 quiet minutes the streak restarted')
})

test('keys are independent', () => {
  const t = new MemoryLoginThrottle({ clock: new ManualClock() })
  for (let i = 0; i < 5; i++) fail(t)
  assert.ok(t.acquire(KEY) > 0)
  assert.equal(t.acquire('email:bob@example.com'), 0)
})

test('checks in flight count against the budget', () => {
  const t = new MemoryLoginThrottle({ clock: new ManualClock(), maxFailures: 3 })
  assert.equal(t.acquire(KEY), 0)
  assert.equal(t.acquire(KEY), 0)
  assert.equal(t.acquire(KEY), 0)
  assert.equal(t.acquire(KEY), 1, 'a fourth parallel guess would exceed the budget')
  t.settle(KEY, 'aborted')
  assert.equal(t.acquire(KEY), 0, 'an aborted check frees its place')
  for (let i = 0; i < 3; i++) t.settle(KEY, 'failure')
  assert.equal(t.acquire(KEY), 60)
})

test('maxFailures 0 disables throttling', () => {
  const t = new MemoryLoginThrottle({ clock: new ManualClock(), maxFailures: 0 })
  for (let i = 0; i < 100; i++) assert.equal(fail(t), 0)
  assert.equal(t.size, 0)
})

test('prune forgets quiet streaks and keeps waiting ones', () => {
  const clock = new ManualClock()
  const t = new MemoryLoginThrottle({ clock })
  fail(t, 'a')
  for (let i = 0; i < 5; i++) fail(t, 'b')
  clock.advance(15 * MIN)
  assert.equal(t.prune(), 1)
  assert.equal(t.size, 1)
  clock.advance(MIN)
  assert.equal(t.prune(), 1)
  assert.equal(t.size, 0)
})

test('the map is bounded: the coldest streak is dropped first', () => {
  const t = new MemoryLoginThrottle({ clock: new ManualClock(), maxEntries: 3 })
  for (const k of ['a', 'b', 'c']) fail(t, k)
  fail(t, 'a') // a is now the most recent
  fail(t, 'd') // evicts b
  assert.equal(t.size, 3)
  for (let i = 0; i < 3; i++) fail(t, 'a')
  assert.ok(t.acquire('a') > 0, 'a kept its five failures')
})

test('throttleKey normalizes and separates emails from usernames', () => {
  assert.equal(throttleKey({ email: '  Ada@Example.COM ' }), 'email:ada@example.com')
  assert.equal(throttleKey({ username: 'Ada' }), 'username:ada')
  assert.notEqual(throttleKey({ email: 'ada' }), throttleKey({ username: 'ada' }))
})

test('invalid options are refused at construction', () => {
  assert.throws(() => new MemoryLoginThrottle({ maxFailures: -1 }), TypeError)
  assert.throws(() => new MemoryLoginThrottle({ window: 0 }), TypeError)
})
