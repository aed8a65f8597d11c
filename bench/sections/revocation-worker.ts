// Revocation at scale, in its own process (run with --expose-gc, pinned): a SessionGate
// holding N revoked sessions plus some live ones; the cost of one liveness check for a live,
// a revoked and an unknown session (4096 sids of each kind spread over the whole table), and
// the process RSS with the gate populated. Prints RevocationResults as one JSON line.

import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { SessionGate } from '../../src/core/sessions/gate.js'
import { workerInput } from '../lib/proc.js'
import type { RevocationResults } from '../lib/results.js'

const { revoked, checks } = workerInput<{ revoked: number; checks: number }>()
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new TypeError('run with --expose-gc')
const mb = (n: number): number => n / 1024 / 1024

const live = Math.min(10_000, Math.max(100, revoked / 100))
const probes = 4096 // distinct sids per kind, visited in a shuffled order
const now = Date.now()
const forgetAfter = now + 30 * 24 * 3600 * 1000

// Sids are UUID-shaped, flat strings (as parsed from tokens or rows), built from a counter so
// the gate holds the only copy: the RSS is then the gate's, not the benchmark's.
const scratch = Buffer.from(randomUUID(), 'latin1')
function sidOf(i: number): string {
  scratch.write(i.toString(16).padStart(8, '0'), 28, 'latin1')
  return scratch.toString('latin1')
}
const liveSids = Array.from({ length: live }, (_, i) => sidOf(revoked + i))
gc()
const baselineRss = process.memoryUsage().rss

const gate = new SessionGate()
for (let i = 0; i < live; i++) gate.admit(liveSids[i]!, `user-${i}`, forgetAfter)
const t0 = performance.now()
for (let i = 0; i < revoked; i++) gate.revoke(sidOf(i), forgetAfter)
const revokeNs = ((performance.now() - t0) * 1e6) / revoked
gc()
const mem = process.memoryUsage()

function shuffledPick(from: string[], n: number): string[] {
  const out: string[] = []
  for (let i = 0; i < n; i++) out.push(from[Math.floor(Math.random() * from.length)]!)
  return out
}
const liveUser = new Map(liveSids.map((sid, i) => [sid, `user-${i}`]))
const kinds = {
  live: shuffledPick(liveSids, probes),
  dead: Array.from({ length: probes }, () => sidOf(Math.floor(Math.random() * revoked))),
  unknown: Array.from({ length: probes }, (_, i) => sidOf(revoked + live + i)),
}

let sink = 0
function timeChecks(sids: string[]): number {
  const users = sids.map((s) => liveUser.get(s) ?? 'user-x')
  const mask = sids.length - 1
  // warm-up
  for (let i = 0; i < 100_000; i++) sink += gate.check(sids[i & mask]!, users[i & mask]!, now).length
  const start = performance.now()
  for (let i = 0; i < checks; i++) sink += gate.check(sids[i & mask]!, users[i & mask]!, now).length
  return ((performance.now() - start) * 1e6) / checks
}
const liveCheckNs = timeChecks(kinds.live)
const deadCheckNs = timeChecks(kinds.dead)
const unknownCheckNs = timeChecks(kinds.unknown)
if (gate.check(kinds.live[0]!, liveUser.get(kinds.live[0]!)!, now) !== 'live') throw new Error('live sid not live')
if (gate.check(kinds.dead[0]!, 'user-x', now) !== 'dead') throw new Error('revoked sid not dead')

const out: RevocationResults = {
  revoked: gate.size.dead,
  live: gate.size.live,
  liveCheckNs,
  deadCheckNs,
  unknownCheckNs,
  rssMb: mb(mem.rss),
  baselineRssMb: mb(baselineRss),
  heapUsedMb: mb(mem.heapUsed),
  revokeNsPerOp: revokeNs,
}
process.stderr.write(`sink ${sink}\n`)
console.log(JSON.stringify(out))
