// The shape of one run's results: what the sections produce and the report reads.

export interface Machine {
  cpu: string
  cores: number
  ramGb: number
  node: string
  platform: string
  date: string
  loadTool: string
  pinning: string
  mode: string
  /** CPU busy (all cores, %) in the second before the run started: other processes. */
  backgroundBusyPct: number | undefined
  /**
   * How an idle CPU waits (Linux cpuidle driver and, in a KVM guest, the halt-poll window): it sets
   * what waking the idle load generator costs the server on every response (see bench/analysis.md).
   */
  cpuIdle?: string
}

/** One micro-benchmark: a library doing one operation with one algorithm. */
export interface OpRow {
  alg: string
  op: 'verify' | 'sign'
  impl: string
  opsPerSec?: number
  /** Every round's ops/s (opsPerSec is their median). */
  samples?: number[]
  skipped?: string
}

export interface HttpRow {
  id: string
  label: string
  rps?: number
  p50Ms?: number
  p99Ms?: number
  non2xx?: number
  errors?: number
  /** Server CPU time (user + system, all its processes) per completed request, µs. */
  cpuUsPerReq?: number
  /** Runs taken; the row is the one with the most req/s. */
  passes?: number
  note?: string
  skipped?: string
}

export interface LoginResults {
  /** Seconds of logins before the measured run. */
  warmupSeconds?: number
  /** argon2id verifies per second at the server's parameters, on the server core: the better of 1 and 4 in flight. */
  rawHashPerSec: number
  rawHashPerSecByConcurrency: { one: number; four: number }
  loginsPerSec: number
  /** The reference route: bare Fastify doing only the argon2id verify per login (bench/servers/raw-login.ts). */
  bareLoginsPerSec?: number
  loginP99Ms: number
  loginNon2xx: number
  params: string
  /** Paced protected requests (GET /auth/me) with no logins running. */
  quiet: PacedResult
  /** The same, while the login storm runs. */
  storm: PacedResult
  stormLoginsPerSec: number
  eldQuiet: EventLoopDelay
  eldStorm: EventLoopDelay
}

export interface PacedResult {
  rate: number
  sent: number
  ok: number
  failed: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

export interface EventLoopDelay {
  p50Ms: number
  p99Ms: number
  maxMs: number
  meanMs: number
}

export interface RevocationResults {
  revoked: number
  live: number
  /** ns per check of a live session among the revoked ones (the request path). */
  liveCheckNs: number
  /** ns per check of a revoked session. */
  deadCheckNs: number
  /** ns per check of a session the gate has never seen. */
  unknownCheckNs: number
  rssMb: number
  baselineRssMb: number
  heapUsedMb: number
  revokeNsPerOp: number
}

export interface StartupResults {
  runs: number
  medianMs: number
  minMs: number
  maxMs: number
  /** The discarded first run, which also created and migrated the database. */
  firstRunMs: number
  samplesMs: number[]
}

/** One propagation case: three `tokenwarden serve` processes on one database, N logouts on A. */
export interface PropagationRow {
  id: string
  label: string
  /** Whether a wake-up signal (PostgreSQL NOTIFY, Redis pub/sub) carries the event; without one the poll bounds it. */
  signal: boolean
  /** Logout rounds run; each gives one sample from B and one from C. */
  rounds?: number
  /** From A's 204 to each other instance's first 401, over B and C together. */
  p50Ms?: number
  p99Ms?: number
  maxMs?: number
  /** Every sample, ms, in round order (B then C). */
  samplesMs?: number[]
  note?: string
  skipped?: string
}

export interface ScaleResults {
  /** INVALIDATION_POLL_MS the instances ran with. */
  pollMs: number
  propagation: PropagationRow[]
  /** GET /auth/me with a hot token (the http section's harness): sqlite-me and postgres-me. */
  me: HttpRow[]
  /** Logins/s on PostgreSQL (the logins section's harness), and the raw argon2id rate it is held to. */
  logins: {
    postgresLoginsPerSec?: number
    /** The limit, from the logins section when it ran in this run, else measured here the same way. */
    rawHashPerSec?: number
    rawFrom?: 'logins section' | 'this section'
    loginP99Ms?: number
    non2xx?: number
    skipped?: string
  }
}

/** One paired round of the metrics section: the same server with metrics off and on, each loaded twice in turn. */
export interface MetricsRound {
  off: { rps: number; cpuUsPerReq: number }
  on: { rps: number; cpuUsPerReq: number }
}

export interface MetricsCostResults {
  rounds: MetricsRound[]
  /** Seconds of each load. */
  seconds: number
  /** Median over the rounds of on ÷ off req/s. */
  ratio: number
  /** Median over the rounds of off ÷ on CPU per request (below 1.00: metrics cost CPU). */
  cpuRatio: number
}

export interface Results {
  machine: Machine
  tokens?: OpRow[]
  http?: HttpRow[]
  logins?: LoginResults
  revocation?: RevocationResults
  startup?: StartupResults
  scale?: ScaleResults
  metrics?: MetricsCostResults
  /** Section-level failures and skips, with the reason. */
  problems: { section: string; reason: string }[]
  /** Measurements that started while other processes kept the CPU busy (> 15%). */
  noisy?: { label: string; busyPct: number }[]
}
