// The targets, checked against one run's results. A target whose inputs are missing
// (section skipped or failed) is reported as "no data", never as a pass.

import type { HttpRow, OpRow, PropagationRow, Results } from './results.js'

export interface TargetCheck {
  name: string
  goal: string
  /** The measured value as shown, or undefined when there is no data. */
  measured: string | undefined
  pass: boolean | undefined
}

const LIMIT = 'node:crypto (limit)'

export function opsOf(rows: readonly OpRow[] | undefined, alg: string, op: string, impl: string): number | undefined {
  return rows?.find((r) => r.alg === alg && r.op === op && r.impl === impl)?.opsPerSec
}

export function rpsOf(rows: readonly HttpRow[] | undefined, id: string): number | undefined {
  return rows?.find((r) => r.id === id)?.rps
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b === 0 ? undefined : a / b
}

function atLeast(name: string, value: number | undefined, goal: number): TargetCheck {
  return { name, goal: `>= ${goal.toFixed(2)}`, measured: value?.toFixed(2), pass: value === undefined ? undefined : value >= goal }
}

function below(name: string, value: number | undefined, goal: number, unit: string, digits = 1): TargetCheck {
  return {
    name,
    goal: `< ${goal} ${unit}`,
    measured: value === undefined ? undefined : `${value.toFixed(digits)} ${unit}`,
    pass: value === undefined ? undefined : value < goal,
  }
}

export function checkTargets(r: Results): TargetCheck[] {
  const t = r.tokens
  const h = r.http
  const bare = rpsOf(h, 'bare')
  const checks: TargetCheck[] = [
    atLeast('Verify HS256, tokenwarden (uncached) / raw node:crypto', ratio(opsOf(t, 'HS256', 'verify', 'tokenwarden'), opsOf(t, 'HS256', 'verify', LIMIT)), 0.9),
    atLeast('Verify EdDSA, tokenwarden (uncached) / raw node:crypto', ratio(opsOf(t, 'EdDSA', 'verify', 'tokenwarden'), opsOf(t, 'EdDSA', 'verify', LIMIT)), 0.9),
    atLeast('Protected route, hot / bare Fastify', ratio(rpsOf(h, 'tw-hot'), bare), 0.85),
    atLeast('Protected route, cold / bare Fastify', ratio(rpsOf(h, 'tw-cold'), bare), 0.5),
    atLeast('GET /auth/me / bare Fastify', ratio(rpsOf(h, 'tw-me'), bare), 0.5),
    atLeast('Logins/s / raw argon2id rate', ratio(r.logins?.loginsPerSec, r.logins?.rawHashPerSec), 0.9),
    below('Protected p99 during the login storm', r.logins?.storm.p99Ms, 25, 'ms'),
    below('Liveness check at 1M revoked', r.revocation === undefined ? undefined : r.revocation.liveCheckNs / 1000, 1, 'µs', 3),
    below('Revoked-session check at 1M revoked', r.revocation === undefined ? undefined : r.revocation.deadCheckNs / 1000, 1, 'µs', 3),
    below('Process RSS at 1M revoked', r.revocation?.rssMb, 200, 'MB', 0),
    below('Startup to first 200 from /health (median)', r.startup?.medianMs, 400, 'ms', 0),
    atLeast('GET /auth/me, METRICS=true / metrics off (median of paired rounds)', r.metrics?.ratio, 0.97),
  ]
  checks.push(...scaleTargets(r))
  if (r.revocation !== undefined && r.revocation.revoked < 1_000_000) {
    for (const c of checks) if (c.name.includes('1M revoked')) c.name += ` (only ${r.revocation.revoked.toLocaleString('en-US')} in this run)`
  }
  return checks
}

/** The scale-out targets: propagation with and without a wake-up signal, PostgreSQL throughput. */
function scaleTargets(r: Results): TargetCheck[] {
  const s = r.scale
  const prop = (id: string): PropagationRow | undefined => s?.propagation.find((p) => p.id === id)
  // Without a signal the bound is the poll interval the instances ran with, plus 100 ms.
  const pollBound = (name: string, id: string): TargetCheck =>
    s === undefined ? { name, goal: '< INVALIDATION_POLL_MS + 100 ms', measured: undefined, pass: undefined } : below(name, prop(id)?.maxMs, s.pollMs + 100, 'ms')
  const logins = s?.logins
  return [
    below('Propagation p99 to 2 other instances, PostgreSQL NOTIFY', prop('postgres-notify')?.p99Ms, 50, 'ms'),
    below('Propagation p99 to 2 other instances, MariaDB + Redis', prop('mysql-redis')?.p99Ms, 50, 'ms'),
    pollBound('Propagation max, SQLite file (poll)', 'sqlite'),
    pollBound('Propagation max, PostgreSQL with the signal cut (poll)', 'postgres-cut'),
    pollBound('Propagation max, MariaDB without Redis (poll)', 'mysql-poll'),
    atLeast('GET /auth/me, PostgreSQL / SQLite', ratio(rpsOf(s?.me, 'postgres-me'), rpsOf(s?.me, 'sqlite-me')), 0.9),
    atLeast('Logins/s on PostgreSQL / raw argon2id rate', ratio(logins?.postgresLoginsPerSec, logins?.rawHashPerSec), 0.85),
  ]
}
