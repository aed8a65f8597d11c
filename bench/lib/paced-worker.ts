// A paced client: sends GET requests at a fixed rate (open loop) for some seconds and reports
// latency percentiles. Latency runs from when a request was due, not when it left, so a
// stalled server cannot hide its stall (no coordinated omission). Prints one JSON line.

import { Agent, request } from 'node:http'
import { performance } from 'node:perf_hooks'
import { percentile } from './measure.js'
import { workerInput } from './proc.js'
import type { PacedResult } from './results.js'

export interface PacedSpec {
  url: string
  headers: Record<string, string>
  rate: number
  seconds: number
}

const spec = workerInput<PacedSpec>()
const agent = new Agent({ keepAlive: true, maxSockets: 256 })
const latencies: number[] = []
let sent = 0
let ok = 0
let failed = 0
let pending = 0

function fire(due: number): void {
  sent++
  pending++
  const req = request(spec.url, { agent, headers: spec.headers }, (res) => {
    res.resume()
    res.on('end', () => {
      pending--
      latencies.push(performance.now() - due)
      if (res.statusCode === 200) ok++
      else failed++
    })
  })
  req.on('error', () => {
    pending--
    failed++
  })
  req.end()
}

const start = performance.now()
const total = Math.round(spec.rate * spec.seconds)
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    const now = performance.now()
    const due = Math.min(total, Math.floor(((now - start) / 1000) * spec.rate))
    while (sent < due) fire(start + (sent / spec.rate) * 1000)
    if (sent >= total) {
      clearInterval(timer)
      resolve()
    }
  }, 1)
})
const deadline = performance.now() + 10_000
while (pending > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5))
agent.destroy()

const out: PacedResult = {
  rate: spec.rate,
  sent,
  ok,
  failed: failed + pending,
  p50Ms: percentile(latencies, 50),
  p99Ms: percentile(latencies, 99),
  maxMs: latencies.length === 0 ? Number.NaN : Math.max(...latencies),
}
console.log(JSON.stringify(out))
