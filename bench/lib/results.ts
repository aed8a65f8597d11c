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

export interface Results {
  machine: Machine
  tokens?: OpRow[]
  http?: HttpRow[]
  logins?: LoginResults
  revocation?: RevocationResults
  startup?: StartupResults
  /** Section-level failures and skips, with the reason. */
  problems: { section: string; reason: string }[]
  /** Measurements that started while other processes kept the CPU busy (> 15%). */
  noisy?: { label: string; busyPct: number }[]
}
