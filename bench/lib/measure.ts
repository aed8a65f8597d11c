// Timing loops for the micro-benchmarks: operations per second of a sync or async function,
// run for a fixed wall time, with a sink the optimiser cannot remove.

import { performance } from 'node:perf_hooks'

let sink = 0

/** Folds a result into the sink so its computation cannot be optimised away. */
function consume(value: unknown): void {
  sink = (sink + (typeof value === 'string' ? value.length : value === undefined || value === null ? 1 : 2)) | 0
}

/** Calls `fn(i)` for about `ms` milliseconds; returns calls per second. */
export function opsPerSecSync(fn: (i: number) => unknown, ms: number): number {
  let i = 0
  const start = performance.now()
  const end = start + ms
  let now = start
  do {
    for (let k = 0; k < 32; k++) consume(fn(i++))
    now = performance.now()
  } while (now < end)
  return i / ((now - start) / 1000)
}

/** The same for a function returning a promise, awaited one at a time. */
export async function opsPerSecAsync(fn: (i: number) => Promise<unknown>, ms: number): Promise<number> {
  let i = 0
  const start = performance.now()
  const end = start + ms
  let now = start
  do {
    for (let k = 0; k < 8; k++) consume(await fn(i++))
    now = performance.now()
  } while (now < end)
  return i / ((now - start) / 1000)
}

/** The sink's value, printed by workers so the work is observably used. */
export function sinkValue(): number {
  return sink
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/** The p-th percentile (0-100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const s = [...values].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}
