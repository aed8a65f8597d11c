// Command-line flags and the size profile of a run: full (`npm run bench`), --quick, --smoke.

import { parseArgs } from 'node:util'

export const SECTIONS = ['tokens', 'http', 'logins', 'revocation', 'startup', 'scale', 'metrics'] as const
export type SectionName = (typeof SECTIONS)[number]
export type Mode = 'full' | 'quick' | 'smoke'

/** How big every measurement is in one mode. Durations in milliseconds unless named otherwise. */
export interface Profile {
  mode: Mode
  /** Micro-benchmarks: time per case per round, rounds (median taken), warmup per case. */
  microMs: number
  microRounds: number
  microWarmupMs: number
  /** Distinct tokens verified in the micro-benchmarks. */
  microPool: number
  /** One process per (algorithm, library) instead of one process for all. */
  isolate: boolean
  /** Passes over all micro-benchmark processes (the second in reverse order); the median of every round counts. */
  microPasses: number
  /** Passes over all HTTP cases; the best pass counts (other processes only ever slow a run down). */
  httpPasses: number
  /** HTTP: load generator seconds per case (wrk takes whole seconds), warmup seconds, connections. */
  httpSeconds: number
  httpWarmupSeconds: number
  connections: number
  /** Distinct tokens for the "cold" protected route. */
  coldPool: number
  /** Logins: seconds for the raw hash rate, the login run, the quiet baseline and the storm. */
  loginSeconds: number
  /** Logins before the measured run, so the server's login path is JIT-compiled as in a long-running server. */
  loginWarmupSeconds: number
  baselineSeconds: number
  /** Protected requests per second sent during the baseline and the storm. */
  pacedRate: number
  loginConnections: number
  /** argon2id cost for the login section: the server default, or tiny (smoke runs only). */
  argon2: 'default' | 'tiny'
  /** Revoked sessions held by the gate; liveness checks timed. */
  revoked: number
  gateChecks: number
  /** Startup runs (median reported), after one discarded warm-up run. */
  startupRuns: number
  /** Scale: logout rounds per propagation case (three instances on one database). */
  scaleRounds: number
  /** Scale: every database (PostgreSQL, MariaDB, Redis when they start), or the SQLite file only. */
  scaleDatabases: 'all' | 'sqlite'
  /** Metrics cost: paired rounds (metrics off and on, each loaded twice), and seconds per load. */
  metricsRounds: number
  metricsSeconds: number
}

const PROFILES: Record<Mode, Profile> = {
  full: {
    mode: 'full', microMs: 900, microRounds: 3, microWarmupMs: 300, microPool: 1000, isolate: true, microPasses: 2, httpPasses: 2,
    httpSeconds: 8, httpWarmupSeconds: 2, connections: 50, coldPool: 10_000,
    loginSeconds: 10, loginWarmupSeconds: 15, baselineSeconds: 5, pacedRate: 500, loginConnections: 8, argon2: 'default',
    revoked: 1_000_000, gateChecks: 5_000_000, startupRuns: 15, scaleRounds: 200, scaleDatabases: 'all',
    metricsRounds: 8, metricsSeconds: 3,
  },
  quick: {
    mode: 'quick', microMs: 300, microRounds: 2, microWarmupMs: 100, microPool: 1000, isolate: false, microPasses: 1, httpPasses: 1,
    httpSeconds: 2, httpWarmupSeconds: 1, connections: 50, coldPool: 10_000,
    loginSeconds: 2, loginWarmupSeconds: 3, baselineSeconds: 1, pacedRate: 500, loginConnections: 8, argon2: 'default',
    revoked: 1_000_000, gateChecks: 2_000_000, startupRuns: 5, scaleRounds: 20, scaleDatabases: 'all',
    metricsRounds: 3, metricsSeconds: 2,
  },
  smoke: {
    mode: 'smoke', microMs: 20, microRounds: 1, microWarmupMs: 10, microPool: 50, isolate: false, microPasses: 1, httpPasses: 1,
    httpSeconds: 1, httpWarmupSeconds: 0, connections: 8, coldPool: 200,
    loginSeconds: 1, loginWarmupSeconds: 0, baselineSeconds: 1, pacedRate: 100, loginConnections: 2, argon2: 'tiny',
    revoked: 10_000, gateChecks: 100_000, startupRuns: 1, scaleRounds: 3, scaleDatabases: 'sqlite',
    metricsRounds: 1, metricsSeconds: 1,
  },
}

export interface RunOptions {
  profile: Profile
  only: SectionName[]
  /** Where the report goes; undefined means the repository (BENCHMARKS.md, docs/bench-chart.svg). */
  out: string | undefined
  /** Seconds to wait at each checkpoint for other processes to leave the CPU. default: 0 */
  waitQuiet: number
  /** Measure nothing: rewrite BENCHMARKS.md and the chart from bench/results/latest.json. */
  reportOnly: boolean
}

/** Parses `--quick`, `--smoke`, `--only <section>[,<section>]`, `--out <dir>`, `--wait-quiet <seconds>`. */
export function parseRunArgs(argv: string[]): RunOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      only: { type: 'string', multiple: true },
      out: { type: 'string' },
      'wait-quiet': { type: 'string' },
      report: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help === true) {
    console.log('Usage: npm run bench -- [--quick | --smoke] [--only tokens,http,logins,revocation,startup,scale,metrics] [--out DIR] [--wait-quiet SECONDS] | --report')
    process.exit(0)
  }
  const mode: Mode = values.smoke === true ? 'smoke' : values.quick === true ? 'quick' : 'full'
  const only = (values.only ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '')
  for (const s of only) {
    if (!(SECTIONS as readonly string[]).includes(s)) throw new TypeError(`--only: unknown section "${s}" (one of ${SECTIONS.join(', ')})`)
  }
  const waitQuiet = Number(values['wait-quiet'] ?? 0)
  if (!(waitQuiet >= 0)) throw new TypeError('--wait-quiet takes a number of seconds')
  return { profile: PROFILES[mode], only: (only.length > 0 ? only : [...SECTIONS]) as SectionName[], out: values.out, waitQuiet, reportOnly: values.report === true }
}
