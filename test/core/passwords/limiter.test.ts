// The FIFO limit on password hashing: never more than `max` at once, waiters served in order,
// failures release their slot, and the hasher's verifies (dummy ones too) go through it.

import assert from 'node:assert/strict'
import { availableParallelism } from 'node:os'
import { test } from 'node:test'
import { createPasswordHasher } from '../../../src/core/passwords/hash.js'
import { createLimiter } from '../../../src/core/passwords/limiter.js'

/** A task that stays running until `finish(i)` is called: concurrency is then observable without timers. */
function gated() {
  const gates: (() => void)[] = []
  let active = 0
  let peak = 0
  const started: number[] = []
  const task = (i: number) => async () => {
    active++
    peak = Math.max(peak, active)
    started.push(i)
    await new Promise<void>((resolve) => (gates[i] = resolve))
    active--
    return i * 10
  }
  return { task, finish: (i: number) => gates[i]!(), started, peak: () => peak }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

test('limiter: at most max run at once, the rest start in arrival order', async () => {
  const limit = createLimiter(2)
  const g = gated()
  const results = [0, 1, 2, 3, 4].map((i) => limit.run(g.task(i)))
  await turn()
  assert.deepEqual(g.started, [0, 1])
  assert.deepEqual({ running: limit.running, queued: limit.queued }, { running: 2, queued: 3 })
  g.finish(1)
  await turn()
  assert.deepEqual(g.started, [0, 1, 2])
  g.finish(0)
  await turn()
  g.finish(2)
  await turn()
  g.finish(3)
  await turn()
  g.finish(4)
  assert.deepEqual(await Promise.all(results), [0, 10, 20, 30, 40])
  assert.deepEqual(g.started, [0, 1, 2, 3, 4])
  assert.equal(g.peak(), 2)
  assert.deepEqual({ running: limit.running, queued: limit.queued }, { running: 0, queued: 0 })
})

test('limiter: a failing task frees its slot and its caller gets the error', async () => {
  const limit = createLimiter(1)
  const failed = limit.run(async () => {
    throw new Error('boom')
  })
  const next = limit.run(async () => 'after')
  await assert.rejects(failed, /boom/)
  assert.equal(await next, 'after')
  assert.equal(limit.running, 0)
})

test('limiter: max must be an integer >= 1', () => {
  for (const bad of [0, -1, 1.5, Number.NaN]) assert.throws(() => createLimiter(bad), TypeError)
})

test('hasher: maxConcurrent 1 runs one argon2 verify at a time, queues the rest, all answer right', async () => {
  const hasher = createPasswordHasher({ memoryCost: 1024, timeCost: 1 }, { maxConcurrent: 1 })
  const stored = await hasher.hash('right password')
  let peak = 0
  const checks = Array.from({ length: 6 }, (_, i) => hasher.verify(stored, i % 2 === 0 ? 'right password' : 'wrong password'))
  // The dummy verify of an unknown account waits in the same queue.
  const dummy = hasher.verifyDummy('whatever')
  assert.equal(hasher.load.running, 1)
  assert.equal(hasher.load.queued, 6) // five verifies and the dummy hash the dummy verify needs first
  const all = Promise.all([...checks, dummy])
  while (hasher.load.running + hasher.load.queued > 0) {
    peak = Math.max(peak, hasher.load.running)
    await turn()
  }
  const results = await all
  assert.equal(peak, 1)
  assert.deepEqual(results.map((r) => r.ok), [true, false, true, false, true, false, false])
})

test('hasher: by default as many at once as this process has CPUs', () => {
  assert.equal(createPasswordHasher().load.max, availableParallelism())
  assert.throws(() => createPasswordHasher({}, { maxConcurrent: 0 }), TypeError)
})
