// Section 7: what METRICS=true costs the hot protected route. The goal is 3%, finer than this
// machine's run-to-run spread (other processes, and the two start speeds bench/analysis.md
// describes), so the two servers are compared in pairs: each round starts tokenwarden's server
// twice, once with metrics off and once on (the http section's tw-me server and the same with
// BENCH_METRICS=1), warms both, then loads them in turn, off, on, off, on; the round's ratio is
// on over off. The figure is the median of the rounds' ratios, so a slow start or a burst of
// other work in one round does not decide it.

import { treeCpuMs } from '../lib/cpu.js'
import { runLoad } from '../lib/load.js'
import { log } from '../lib/log.js'
import { settle } from '../lib/machine.js'
import { median } from '../lib/measure.js'
import { freePort } from '../lib/proc.js'
import type { Profile } from '../lib/profile.js'
import type { MetricsCostResults, MetricsRound } from '../lib/results.js'
import { startServer, type RunningServer } from '../lib/server.js'
import { meCase, type HttpCase } from './http-cases.js'

/** The two servers of a round: tw-me as the http section runs it, and the same with metrics on (also for bench/profile.ts). */
export const METRICS_CASES: readonly HttpCase[] = [
  meCase('me-metrics-off', 'GET /auth/me, metrics off', 'the http section\'s tw-me'),
  meCase('me-metrics-on', 'GET /auth/me, METRICS=true', 'METRICS_TOKEN set, no scrape during the run', undefined, { BENCH_METRICS: '1' }),
]

export async function runMetricsCost(profile: Profile): Promise<MetricsCostResults> {
  const rounds: MetricsRound[] = []
  for (let i = 1; i <= profile.metricsRounds; i++) {
    await settle(`metrics round ${i}`)
    const round = await runRound(profile)
    rounds.push(round)
    log('metrics', `round ${i}: off ${Math.round(round.off.rps)} req/s ${round.off.cpuUsPerReq.toFixed(1)} µs CPU/req, on ${Math.round(round.on.rps)} req/s ${round.on.cpuUsPerReq.toFixed(1)} µs; on/off ${(round.on.rps / round.off.rps).toFixed(3)}`)
  }
  return {
    rounds,
    seconds: profile.metricsSeconds,
    ratio: median(rounds.map((r) => r.on.rps / r.off.rps)),
    cpuRatio: median(rounds.map((r) => r.off.cpuUsPerReq / r.on.cpuUsPerReq)),
  }
}

async function runRound(profile: Profile): Promise<MetricsRound> {
  const servers: RunningServer[] = []
  try {
    const targets = []
    for (const c of METRICS_CASES) {
      const port = await freePort()
      const server = await startServer({ ...(await c.server(port)), port })
      servers.push(server)
      const target = await c.prepare(server.url)
      targets.push({ url: server.url + target.path, headers: target.headers, connections: profile.connections })
    }
    if (profile.httpWarmupSeconds > 0) for (const t of targets) await runLoad({ ...t, seconds: profile.httpWarmupSeconds })
    const sums = targets.map(() => ({ rps: 0, cpuUsPerReq: 0, non2xx: 0 }))
    for (let pass = 0; pass < 2; pass++) {
      for (const [i, t] of targets.entries()) {
        const cpu0 = treeCpuMs(servers[i]!.pid)
        const r = await runLoad({ ...t, seconds: profile.metricsSeconds })
        if (r.requests === 0) throw new Error(`${METRICS_CASES[i]!.id}: no request completed`)
        sums[i]!.rps += r.rps / 2
        sums[i]!.cpuUsPerReq += ((treeCpuMs(servers[i]!.pid) - cpu0) * 1000) / r.requests / 2
        sums[i]!.non2xx += r.non2xx
      }
    }
    if (sums.some((s) => s.non2xx > 0)) throw new Error(`non-2xx answers under load (off, on): ${sums.map((s) => s.non2xx).join(', ')}`)
    return { off: sums[0]!, on: sums[1]! }
  } finally {
    for (const server of servers) await server.stop()
  }
}
