// A FIFO concurrency limit for CPU-bound work on libuv's pool (password hashing): past `max`
// running at once, callers wait in arrival order instead of thrashing the cores they share.

/** Runs async tasks with at most `max` in flight; the rest wait first come, first served. */
export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>
  readonly max: number
  /** Tasks started and not yet settled. */
  readonly running: number
  /** Tasks waiting for a slot. */
  readonly queued: number
}

/**
 * @example
 * const limit = createLimiter(os.availableParallelism())
 * const digest = await limit.run(() => argon2Hash(password, options))
 */
export function createLimiter(max: number): Limiter {
  if (!Number.isInteger(max) || max < 1) throw new TypeError('maxConcurrent must be an integer >= 1')
  let running = 0
  const waiting: (() => void)[] = []

  function release(): void {
    // Hand the slot straight to the oldest waiter: `running` stays as it is, and no caller
    // arriving meanwhile can take the slot ahead of the queue.
    const next = waiting.shift()
    if (next !== undefined) next()
    else running--
  }

  return {
    max,
    get running() {
      return running
    },
    get queued() {
      return waiting.length
    },
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running < max) running++
      else await new Promise<void>((resolve) => waiting.push(resolve))
      try {
        return await task()
      } finally {
        release()
      }
    },
  }
}
