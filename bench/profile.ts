// `npx tsx bench/profile.ts <case> [seconds]`: one HTTP case of the benchmark (bare, tw-hot,
// tw-cold, tw-me, fastify-jwt, ..., and the metrics section's me-metrics-off/on) under load with `node --cpu-prof`, then a summary of where
// the server's time went, in µs per request. The .cpuprofile is kept (open it in Chrome
// DevTools or speedscope).

import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { summarize } from './lib/cpuprofile.js'
import { runLoad } from './lib/load.js'
import { bundle, freePort } from './lib/proc.js'
import { startServer } from './lib/server.js'
import { httpCases } from './sections/http-cases.js'
import { METRICS_CASES } from './sections/metrics.js'

const [id, secondsArg] = process.argv.slice(2)
const cases = [...httpCases(10_000), ...METRICS_CASES]
const c = cases.find((x) => x.id === id)
if (c === undefined || id === 'flask') {
  console.error(`usage: npx tsx bench/profile.ts <case> [seconds]; cases: ${cases.map((x) => x.id).filter((x) => x !== 'flask').join(', ')}`)
  process.exit(2)
}
const dir = mkdtempSync(join(tmpdir(), 'tw-profile-'))
const port = await freePort()
const spec = await c.server(port)
const flags = ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', await bundle('bench/lib/exit-on-term.ts')]
const server = await startServer({ ...spec, args: [...flags, ...spec.args], port })
const target = await c.prepare(server.url)
const load = { url: server.url + target.path, connections: 50, headers: target.headers, tokensFile: target.tokensFile }
await runLoad({ ...load, seconds: 1 })
const r = await runLoad({ ...load, seconds: Number(secondsArg ?? 5) })
await server.stop()
const file = join(dir, readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!)
console.log(`${id}: ${Math.round(r.rps)} req/s under the profiler\n`)
console.log(summarize(file, r.requests + Math.round(r.rps))) // + the warm-up second, also in the profile
console.log(`\n${file}`)
