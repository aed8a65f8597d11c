// The LoginThrottle contract: the rules every implementation keeps (threshold, doubling waits,
// the cap, the forgetting window, reset on success, checks in flight, pruning), as one list of
// cases run against each implementation with a frozen clock.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LoginThrottle, ThrottleOptions } from '../../src/core/accounts/throttle.js'
import { ManualClock } from '../../src/core/clock.js'

/** A fresh throttle with no streaks, on the given options (its clock included). */
export type MakeThrottle = (options: ThrottleOptions & { clock: ManualClock }) => Promise<LoginThrottle>

const KEY = 'email:ada@example.com'
const MIN = 60_000

async function fail(t: LoginThrottle, key = KEY): Promise<number> {
  const wait = await t.acquire(key)
  if (wait === 0) await t.settle(key, 'failure')
  return wait
}

/** Registers the contract's tests (call inside a describe). */
export function throttleContract(make: MakeThrottle): void {
  test('the first maxFailures checks go ahead; the next attempt waits baseDelay', async () => {
    const clock = new ManualClock()
    const t = await make({ clock, maxFailures: 5 })
    for (let i = 0; i < 5; i++) assert.equal(await fail(t), 0, `attempt ${i + 1}`)
    assert.equal(await t.acquire(KEY), 60)
    clock.advance(59_000)
    assert.equal(await t.acquire(KEY), 1)
    clock.advance(1_000)
    assert.equal(await t.acquire(KEY), 0)
  })

  test('each further failure doubles the wait, up to 15 minutes', async () => {
    const clock = new ManualClock()
    const t = await make({ clock })
    for (let i = 0; i < 5; i++) await fail(t)
    const waits: number[] = []
    for (let i = 0; i < 8; i++) {
      const wait = await t.acquire(KEY)
      waits.push(wait)
      clock.advance(wait * 1000)
      assert.equal(await fail(t), 0)
    }
    assert.deepEqual(waits, [60, 120, 240, 480, 900, 900, 900, 900])
  })

  test('refused attempts neither reach the check nor lengthen the wait', async () => {
    const clock = new ManualClock()
    const t = await make({ clock })
    for (let i = 0; i < 5; i++) await fail(t)
    for (let i = 0; i < 20; i++) assert.equal(await t.acquire(KEY), 60)
    clock.advance(MIN)
    assert.equal(await t.acquire(KEY), 0)
  })

  test('a success resets the streak', async () => {
    const clock = new ManualClock()
    const t = await make({ clock })
    for (let i = 0; i < 4; i++) await fail(t)
    assert.equal(await t.acquire(KEY), 0)
    await t.settle(KEY, 'success')
    for (let i = 0; i < 4; i++) assert.equal(await fail(t), 0)
    assert.equal(await t.acquire(KEY), 0, 'four failures after the reset: still allowed')
    await t.settle(KEY, 'success')
    for (let i = 0; i < 5; i++) assert.equal(await fail(t), 0, 'a full budget again')
    assert.equal(await t.acquire(KEY), 60)
  })

  test('a success with other checks in flight resets the streak and keeps their reservations', async () => {
    const clock = new ManualClock()
    const t = await make({ clock, maxFailures: 3 })
    await fail(t)
    assert.equal(await t.acquire(KEY), 0)
    assert.equal(await t.acquire(KEY), 0)
    assert.equal(await t.acquire(KEY), 1, 'one failure and two checks in flight fill the budget of 3')
    await t.settle(KEY, 'success')
    assert.equal(await t.acquire(KEY), 0)
    assert.equal(await t.acquire(KEY), 0)
    assert.equal(await t.acquire(KEY), 1, 'the check still in flight keeps its place after the reset')
  })

  test('a streak is forgotten after 15 quiet minutes; failures within them add up', async () => {
    const clock = new ManualClock()
    const t = await make({ clock })
    for (let i = 0; i < 4; i++) await fail(t)
    clock.advance(15 * MIN)
    for (let i = 0; i < 5; i++) assert.equal(await fail(t), 0, `failure ${i + 1} of the new streak is checked`)
    assert.equal(await t.acquire(KEY), 60)
    // Just under the window: still remembered.
    const other = 'email:bob@example.com'
    for (let i = 0; i < 4; i++) await fail(t, other)
    clock.advance(15 * MIN - 1000)
    await fail(t, other)
    assert.equal(await t.acquire(other), 60)
  })

  test('the window runs from the end of a wait, so a capped streak does not reset itself', async () => {
    const clock = new ManualClock()
    const t = await make({ clock })
    for (let i = 0; i < 9; i++) {
      const wait = await fail(t)
      if (wait > 0) {
        clock.advance(wait * 1000)
        assert.equal(await fail(t), 0)
      }
    }
    assert.equal(await t.acquire(KEY), 900)
    clock.advance(15 * MIN)
    assert.equal(await fail(t), 0)
    assert.equal(await t.acquire(KEY), 900, 'the streak survived the wait: still capped')
    clock.advance(30 * MIN)
    assert.equal(await fail(t), 0)
    assert.equal(await t.acquire(KEY), 0, 'after the wait and 15 quiet minutes the streak restarted')
  })

  test('keys are independent', async () => {
    const t = await make({ clock: new ManualClock() })
    for (let i = 0; i < 5; i++) await fail(t)
    assert.ok((await t.acquire(KEY)) > 0)
    assert.equal(await t.acquire('email:bob@example.com'), 0)
    assert.equal(await t.acquire('username:ada'), 0)
  })

  test('checks in flight count against the budget', async () => {
    const t = await make({ clock: new ManualClock(), maxFailures: 3 })
    assert.equal(await t.acquire(KEY), 0)
    assert.equal(await t.acquire(KEY), 0)
    assert.equal(await t.acquire(KEY), 0)
    assert.equal(await t.acquire(KEY), 1, 'a fourth parallel guess would exceed the budget')
    await t.settle(KEY, 'aborted')
    assert.equal(await t.acquire(KEY), 0, 'an aborted check frees its place')
    for (let i = 0; i < 3; i++) await t.settle(KEY, 'failure')
    assert.equal(await t.acquire(KEY), 60)
  })

  test('parallel acquires on one throttle get exactly the budget', async () => {
    const t = await make({ clock: new ManualClock(), maxFailures: 5 })
    const waits = await Promise.all(Array.from({ length: 20 }, () => t.acquire(KEY)))
    assert.equal(waits.filter((w) => w === 0).length, 5)
    assert.equal(waits.filter((w) => w === 1).length, 15)
  })

  test('an aborted check leaves no streak behind', async () => {
    const clock = new ManualClock()
    const t = await make({ clock, maxFailures: 1 })
    assert.equal(await t.acquire(KEY), 0)
    await t.settle(KEY, 'aborted')
    assert.equal(await t.acquire(KEY), 0)
    await t.settle(KEY, 'aborted')
    assert.equal(await t.prune(), 0, 'nothing left to prune')
  })

  test('maxFailures 0 disables throttling', async () => {
    const t = await make({ clock: new ManualClock(), maxFailures: 0 })
    for (let i = 0; i < 30; i++) assert.equal(await fail(t), 0)
    assert.equal(await t.prune(), 0)
  })

  test('prune forgets quiet streaks and keeps waiting ones', async () => {
    const clock = new ManualClock()
    const t = await make({ clock })
    await fail(t, 'a')
    for (let i = 0; i < 5; i++) await fail(t, 'b')
    assert.equal(await t.prune(), 0, 'both are live')
    clock.advance(15 * MIN)
    assert.equal(await t.prune(), 1, 'a is quiet; b waits until 1 + 15 minutes')
    assert.equal(await t.acquire('b'), 0, 'b survived: its wait is over, its streak is remembered')
    await t.settle('b', 'failure')
    assert.ok((await t.acquire('b')) > 60, 'the sixth failure doubled the wait')
    clock.advance(60 * MIN)
    assert.equal(await t.prune(), 1)
    assert.equal(await t.prune(), 0)
  })
}
