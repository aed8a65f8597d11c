// Runs token micro-benchmarks in this process (pinned by the harness) for the algorithms and
// libraries named in BENCH_INPUT; prints OpRow[] as one JSON line. Every contender is first
// checked to accept the shared tokens, so a fast failure cannot pass for a fast verify.

import { median, opsPerSecAsync, opsPerSecSync, sinkValue } from '../lib/measure.js'
import { workerInput } from '../lib/proc.js'
import type { RawAlg } from '../lib/raw-jwt.js'
import type { OpRow } from '../lib/results.js'
import { setupAlg, type Contender } from './token-impls.js'
import type { Impl } from './token-names.js'

interface Input {
  algs: RawAlg[]
  impls: Impl[]
  pool: number
  ms: number
  rounds: number
  warmupMs: number
}

const input = workerInput<Input>()
const rows: OpRow[] = []

type Op = NonNullable<Contender['verify']>

async function time(op: Op, ms: number): Promise<number> {
  return typeof op === 'function' ? opsPerSecSync(op, ms) : opsPerSecAsync(op.async, ms)
}

for (const alg of input.algs) {
  const { tokens, contenders } = setupAlg(alg, input.pool)
  const cases: { impl: Impl; op: 'verify' | 'sign'; run: Op }[] = []
  for (const impl of input.impls) {
    const c = contenders[impl]
    for (const op of ['verify', 'sign'] as const) {
      const run = c[op]
      if (run === undefined) {
        rows.push({ alg, op, impl, skipped: c.skipped?.[op] ?? 'not applicable' })
        continue
      }
      // Sanity: verify must accept every shared token; sign must produce a token.
      for (let i = 0; i < (op === 'verify' ? tokens.length : 1); i++) {
        const out = typeof run === 'function' ? run(i) : await run.async(i)
        if (out === undefined || out === null) throw new Error(`${impl} ${op} ${alg} returned nothing`)
      }
      cases.push({ impl, op, run })
    }
  }
  const samples = new Map<(typeof cases)[number], number[]>()
  for (const c of cases) await time(c.run, input.warmupMs)
  // Rounds interleave the cases, so drift (frequency, GC) spreads over all of them.
  for (let r = 0; r < input.rounds; r++) {
    for (const c of cases) {
      const list = samples.get(c) ?? []
      list.push(await time(c.run, input.ms / input.rounds))
      samples.set(c, list)
    }
  }
  for (const c of cases) rows.push({ alg, op: c.op, impl: c.impl, opsPerSec: median(samples.get(c)!), samples: samples.get(c)! })
}

process.stderr.write(`sink ${sinkValue()}\n`)
console.log(JSON.stringify(rows))
