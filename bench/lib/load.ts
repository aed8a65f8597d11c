// The load generator: wrk when installed, autocannon otherwise, pinned to the load core.
// Both report the same shape: requests/s, latency percentiles in ms, and failed responses.

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LOAD_CORE, runPinned, runWorker, which } from './proc.js'

export interface LoadSpec {
  url: string
  seconds: number
  connections: number
  method?: 'GET' | 'POST'
  headers?: Record<string, string>
  body?: string
  /** A file of bearer tokens, one per line, rotated per request (sets Authorization). */
  tokensFile?: string
  /** A file of request bodies, one per line, rotated per request (instead of `body`). */
  bodiesFile?: string
}

export interface LoadResult {
  tool: 'wrk' | 'autocannon'
  requests: number
  rps: number
  p50Ms: number
  p90Ms: number
  p99Ms: number
  maxMs: number
  /** Socket errors and timeouts. */
  errors: number
  /** Responses whose status was not 2xx. */
  non2xx: number
}

// BENCH_LOAD_TOOL=autocannon forces the fallback (to test it on a machine that has wrk).
const WRK = process.env.BENCH_LOAD_TOOL === 'autocannon' ? undefined : which('wrk')
export const LOAD_TOOL: 'wrk' | 'autocannon' = WRK !== undefined ? 'wrk' : 'autocannon'

export function loadToolNote(): string {
  if (WRK !== undefined) return 'wrk (1 thread)'
  return process.env.BENCH_LOAD_TOOL === 'autocannon' ? 'autocannon (BENCH_LOAD_TOOL)' : 'autocannon (wrk not installed: apt-get install -y wrk)'
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (WRK === undefined) return runWorker<LoadResult>(LOAD_CORE, 'bench/lib/autocannon-worker.ts', spec)
  const dir = mkdtempSync(join(tmpdir(), 'tw-wrk-'))
  const script = join(dir, 'bench.lua')
  writeFileSync(script, wrkScript(spec))
  const args = ['-t1', `-c${spec.connections}`, `-d${Math.max(1, Math.round(spec.seconds))}s`, '--timeout', '5s', '-s', script]
  args.push(spec.url)
  const out = await runPinned(LOAD_CORE, WRK, args, {}, (spec.seconds + 30) * 1000)
  const line = out.split('\n').find((l) => l.startsWith('BENCHJSON '))
  if (line === undefined) throw new Error(`wrk printed no summary: ${out.slice(-500)}`)
  const r = JSON.parse(line.slice('BENCHJSON '.length)) as Record<string, number>
  const us = (k: string): number => r[k]! / 1000
  return {
    tool: 'wrk',
    requests: r.requests!,
    rps: r.requests! / (r.duration_us! / 1e6),
    p50Ms: us('p50'),
    p90Ms: us('p90'),
    p99Ms: us('p99'),
    maxMs: us('max'),
    errors: r.connect! + r.read! + r.write! + r.timeout!,
    non2xx: r.status!,
  }
}

const lua = (s: string): string => JSON.stringify(s) // a JSON string is a valid Lua string literal here

/** The wrk Lua script: method/body/headers, optional token rotation, and a JSON summary line. */
function wrkScript(spec: LoadSpec): string {
  const lines: string[] = []
  if (spec.method === 'POST') lines.push('wrk.method = "POST"')
  if (spec.body !== undefined) lines.push(`wrk.body = ${lua(spec.body)}`)
  for (const [k, v] of Object.entries(spec.headers ?? {})) lines.push(`wrk.headers[${lua(k)}] = ${lua(v)}`)
  const rotate = (name: string, file: string, prefix: string): void => {
    lines.push(
      `local ${name} = {}`,
      `for line in io.lines(${lua(file)}) do if #line > 0 then ${name}[#${name} + 1] = ${lua(prefix)} .. line end end`,
      `local ${name}_i = 0`,
    )
  }
  if (spec.tokensFile !== undefined) rotate('tokens', spec.tokensFile, 'Bearer ')
  if (spec.bodiesFile !== undefined) rotate('bodies', spec.bodiesFile, '')
  if (spec.tokensFile !== undefined || spec.bodiesFile !== undefined) {
    lines.push('request = function()')
    if (spec.tokensFile !== undefined) {
      lines.push('  tokens_i = tokens_i + 1', '  if tokens_i > #tokens then tokens_i = 1 end', '  wrk.headers["Authorization"] = tokens[tokens_i]')
    }
    if (spec.bodiesFile !== undefined) {
      lines.push('  bodies_i = bodies_i + 1', '  if bodies_i > #bodies then bodies_i = 1 end', '  return wrk.format(nil, nil, nil, bodies[bodies_i])')
    } else {
      lines.push('  return wrk.format()')
    }
    lines.push('end')
  }
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'BENCHJSON {"requests":%.0f,"duration_us":%.0f,"p50":%.0f,"p90":%.0f,"p99":%.0f,"max":%.0f,"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f}\\n\',',
    '    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,',
    '    e.connect, e.read, e.write, e.status, e.timeout))',
    'end',
  )
  return lines.join('\n') + '\n'
}
