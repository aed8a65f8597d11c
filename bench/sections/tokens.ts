// Section 1: token verify and sign, ops/s on one thread, per algorithm and library. Workers
// run pinned to the server core; in full runs each (algorithm, library) pair gets a fresh
// process so one library's JIT state cannot slow another's, and every process runs twice.

import { log } from '../lib/log.js'
import { median } from '../lib/measure.js'
import { retryNoisy, settle, watchOthers } from '../lib/machine.js'
import { runWorker, SERVER_CORE } from '../lib/proc.js'
import type { Profile } from '../lib/profile.js'
import type { OpRow } from '../lib/results.js'
import { ALGS, IMPLS } from './token-names.js'

export async function runTokens(profile: Profile): Promise<OpRow[]> {
  const base = { pool: profile.microPool, ms: profile.microMs, rounds: profile.microRounds, warmupMs: profile.microWarmupMs }
  const groups = profile.isolate
    ? ALGS.flatMap((alg) => IMPLS.map((impl) => ({ algs: [alg], impls: [impl] })))
    : [{ algs: [...ALGS], impls: [...IMPLS] }]
  // Later passes run the processes in reverse order, so slow drift spreads over every library.
  const order = Array.from({ length: profile.microPasses }, (_, p) => (p % 2 === 0 ? groups : [...groups].reverse())).flat()
  const merged = new Map<string, OpRow>()
  for (const g of order) {
    const label = `tokens ${g.algs.join(',')} ${g.impls.length === 1 ? g.impls[0] : 'all'}`
    await settle(label, 300)
    let got: OpRow[]
    for (let attempt = 1; ; attempt++) {
      const stopWatch = watchOthers(label)
      got = await runWorker<OpRow[]>(SERVER_CORE, 'bench/sections/tokens-worker.ts', { ...base, ...g })
      const last = attempt === 3 || !retryNoisy()
      if (!stopWatch(last) || last) break
      await settle(label, 300)
    }
    for (const r of got) {
      const key = `${r.alg} ${r.op} ${r.impl}`
      const prev = merged.get(key)
      const samples = [...(prev?.samples ?? []), ...(r.samples ?? [])]
      merged.set(key, samples.length === 0 ? r : { ...r, samples, opsPerSec: median(samples) })
    }
  }
  const rows = [...merged.values()]
  for (const r of rows) if (r.opsPerSec !== undefined) log('tokens', `${r.alg} ${r.op} ${r.impl}: ${Math.round(r.opsPerSec).toLocaleString('en-US')} ops/s`)
  return rows
}
