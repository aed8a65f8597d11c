// Section 2: a protected route under load, req/s and p99, for tokenwarden, the limit and the
// peers. Each server runs alone, pinned to the server core; the load generator gets the other.

import { readFileSync } from 'node:fs'
import { treeCpuMs } from '../lib/cpu.js'
import { runLoad, type LoadResult } from '../lib/load.js'
import { log } from '../lib/log.js'
import { retryNoisy, settle, watchOthers } from '../lib/machine.js'
import { freePort } from '../lib/proc.js'
import type { Profile } from '../lib/profile.js'
import type { HttpRow } from '../lib/results.js'
import { startServer, type RunningServer } from '../lib/server.js'
import { httpCases, type HttpCase, type Target } from './http-cases.js'

export async function runHttp(profile: Profile): Promise<HttpRow[]> {
  // BENCH_CASES=bare,tw-me: only these cases (for A/B experiments; such runs are never official).
  const wanted = process.env.BENCH_CASES?.split(',').map((s) => s.trim()).filter((s) => s !== '')
  const cases = httpCases(profile.coldPool).filter((c) => wanted === undefined || wanted.includes(c.id))
  return runCases(cases, profile, 'http')
}

/** Runs every case `profile.httpPasses` times, all cases in turn; each row is its best pass. */
export async function runCases(cases: readonly HttpCase[], profile: Profile, section: string): Promise<HttpRow[]> {
  const best = new Map<string, HttpRow>()
  for (let pass = 1; pass <= profile.httpPasses; pass++) {
    for (const c of cases) {
      const unavailable = c.unavailable?.()
      if (unavailable !== undefined) {
        if (pass === 1) log(section, `${c.id}: skipped: ${unavailable}`)
        best.set(c.id, { id: c.id, label: c.label, skipped: unavailable })
        continue
      }
      let row: HttpRow
      try {
        row = await runCase(c, profile)
        log(section, `${c.id}: ${Math.round(row.rps!)} req/s, p99 ${row.p99Ms!.toFixed(2)} ms, ${row.cpuUsPerReq?.toFixed(1) ?? '?'} µs CPU/req${row.non2xx! > 0 ? `, ${row.non2xx} non-2xx` : ''}`)
      } catch (err) {
        row = { id: c.id, label: c.label, skipped: `failed: ${(err as Error).message}` }
        log(section, `${c.id}: ${row.skipped}`)
      }
      const prev = best.get(c.id)
      if (prev?.rps === undefined || (row.rps !== undefined && row.rps > prev.rps)) best.set(c.id, { ...row, passes: pass })
      else best.set(c.id, { ...prev, passes: pass })
    }
  }
  return cases.map((c) => best.get(c.id)!)
}

/** One case: start its server, warm up, measure (again when disturbed, with --wait-quiet), stop it. */
async function runCase(c: HttpCase, profile: Profile): Promise<HttpRow> {
  await settle(`http ${c.id}`)
  const port = await freePort()
  let server: RunningServer | undefined
  try {
    server = await startServer({ ...(await c.server(port)), port })
    const target = await c.prepare(server.url)
    await assertOk(server.url, target)
    const spec = { url: server.url + target.path, connections: profile.connections, headers: target.headers, tokensFile: target.tokensFile }
    if (profile.httpWarmupSeconds > 0) await runLoad({ ...spec, seconds: profile.httpWarmupSeconds })
    let cpu0: number
    let r: LoadResult
    // With --wait-quiet, a run disturbed by other processes is taken again (twice at most).
    for (let attempt = 1; ; attempt++) {
      cpu0 = treeCpuMs(server.pid)
      const stopWatch = watchOthers(`http ${c.id}`)
      r = await runLoad({ ...spec, seconds: profile.httpSeconds })
      const last = attempt === 3 || !retryNoisy()
      if (!stopWatch(last) || last) break
      log('http', `${c.id}: other processes used the CPU during the run; again`)
      await settle(`http ${c.id}`)
    }
    const cpuUsPerReq = ((treeCpuMs(server.pid) - cpu0) * 1000) / r.requests
    if (r.requests === 0) throw new Error('no request completed')
    return {
      id: c.id, label: c.label, rps: r.rps, p50Ms: r.p50Ms, p99Ms: r.p99Ms, non2xx: r.non2xx, errors: r.errors,
      ...(Number.isFinite(cpuUsPerReq) ? { cpuUsPerReq } : {}),
      ...(c.note === undefined ? {} : { note: c.note }),
    }
  } finally {
    await server?.stop()
  }
}

/** One request must succeed before load: a fast 401 would otherwise look like a fast server. */
async function assertOk(url: string, target: Target): Promise<void> {
  const headers = { ...target.headers }
  if (target.tokensFile !== undefined) headers.authorization = `Bearer ${readFileSync(target.tokensFile, 'utf8').split('\n')[0]}`
  const res = await fetch(url + target.path, { headers })
  const body = await res.text()
  if (res.status !== 200) throw new Error(`GET ${target.path} answered ${res.status} before load: ${body.slice(0, 200)}`)
}
