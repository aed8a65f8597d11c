// tokenwarden's own server (the real buildApp; SQLite in BENCH_DATA_DIR, or the database of
// BENCH_DATABASE_URL; default argon2id parameters unless BENCH_ARGON2_TINY=1 for smoke runs;
// LOG_LEVEL=warn). All load comes from one IP and one session, so the per-IP limiter on /auth/*
// and the per-session one on guarded routes are raised out of reach (they still run on every
// request). With BENCH_METRICS=1, Prometheus metrics are on (METRICS=true, with the
// METRICS_TOKEN production requires). With BENCH_ELD=1, one bench-only route: GET /__bench/eld
// reports event-loop delay (perf_hooks.monitorEventLoopDelay) since the last `?reset=1`, minus
// the sampling interval (the histogram records whole intervals).
// The monitor is off until `?enable=1`: its 2 ms timer wakes the event loop 500 times a second,
// which on the server's one core took 3-8% off the login rate, so the measured login run goes
// without it and only the quiet/storm phases, which report it, turn it on.

import { monitorEventLoopDelay } from 'node:perf_hooks'
import { join } from 'node:path'
import { parseConfig } from '../../src/core/config.js'
import { buildApp } from '../../src/http/app.js'
import { BENCH_SECRET } from '../lib/fixtures.js'

const dataDir = process.env.BENCH_DATA_DIR
if (dataDir === undefined) throw new TypeError('BENCH_DATA_DIR is required')
const config = parseConfig({
  NODE_ENV: 'production',
  PORT: process.env.PORT ?? '3000',
  DATA_DIR: dataDir,
  DATABASE_URL: process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dataDir, 'tokenwarden.db')}`,
  JWT_SECRET: BENCH_SECRET,
  LOG_LEVEL: process.env.TW_LOG_LEVEL ?? 'warn',
  RATE_LIMIT_MAX: '1000000000',
  RATE_LIMIT_SESSION_MAX: '1000000000',
  ...(process.env.BENCH_ARGON2_TINY === '1' ? { ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1' } : {}),
  ...(process.env.BENCH_METRICS === '1' ? { METRICS: 'true', METRICS_TOKEN: 'bench-metrics-token-0123456789' } : {}),
})
const { app } = await buildApp(config)

if (process.env.BENCH_ELD === '1') {
  const resolution = 2
  const eld = monitorEventLoopDelay({ resolution })
  const ms = (ns: number): number => Math.max(0, ns / 1e6 - resolution)
  app.get('/__bench/eld', async (request) => {
    const out = { p50Ms: ms(eld.percentile(50)), p99Ms: ms(eld.percentile(99)), maxMs: ms(eld.max), meanMs: ms(eld.mean), samples: eld.count }
    const q = request.query as Record<string, string>
    if (q.enable === '1') eld.enable()
    if (q.reset === '1' || q.enable === '1') eld.reset()
    return out
  })
}
await app.listen({ port: config.port, host: config.host })
