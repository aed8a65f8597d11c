// Revocation propagation across three instances: log in on A, make B and C see the session
// (GET /auth/me 200), log out on A, and time from the arrival of A's 204 until B and C each
// answer 401 TOKEN_REVOKED, polling each with back-to-back requests on its keep-alive
// connection. The resolution is one request round trip (the first poll leaves after the 204).

import { performance } from 'node:perf_hooks'
import { log } from '../lib/log.js'
import { percentile } from '../lib/measure.js'
import { sleep } from '../lib/proc.js'
import type { PropagationRow } from '../lib/results.js'
import type { Cluster, Instance } from './scale-cluster.js'

const EMAIL = 'scale@example.com'
const PASSWORD = 'correct horse battery staple'
/** Rounds before the measured ones: the first logouts and reads run cold in every process. */
export const WARMUP_ROUNDS = 2
/**
 * Before each logout the harness waits a random time, uniform in [0, phaseMs): without it every
 * round would repeat the last one's timing, and since a round starts right after an instance's
 * poll read found the previous logout, every logout would land at the same phase of the poll
 * timers (seen: poll-only samples bunched at 150-250 ms, never near 0). With phaseMs equal to the
 * poll interval, logouts fall uniformly over the poll cycle, worst phase included. Cases with a
 * wake-up signal take a short jitter instead (their time does not depend on the poll phase).
 */
export const SIGNAL_JITTER_MS = 20

function expect(reply: { status: number; body: string }, status: number, what: string): void {
  if (reply.status !== status) throw new Error(`${what} answered ${reply.status} (expected ${status}): ${reply.body.slice(0, 200)}`)
}

function codeOf(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { code?: string }).code
  } catch {
    return undefined
  }
}

/** Polls `instance` back to back until it refuses `token`; returns ms from `t0`. */
async function until401(instance: Instance, token: string, t0: number, timeoutMs: number): Promise<number> {
  for (;;) {
    const r = await instance.call('GET', '/auth/me', { token })
    if (r.status === 401) {
      const code = codeOf(r.body)
      if (code !== 'TOKEN_REVOKED') throw new Error(`${instance.name} refused with ${code ?? r.body.slice(0, 100)}, not TOKEN_REVOKED`)
      return r.at - t0
    }
    if (r.status !== 200) throw new Error(`${instance.name} answered ${r.status} while the logout propagated: ${r.body.slice(0, 200)}`)
    if (r.at - t0 > timeoutMs) throw new Error(`${instance.name} still served the logged-out session ${timeoutMs} ms after A's 204`)
  }
}

/** One round: returns the propagation time to each of the other instances, ms. */
async function round(cluster: Cluster, timeoutMs: number, phaseMs: number): Promise<number[]> {
  const [a, ...others] = cluster.instances
  const login = await a!.call('POST', '/auth/login', { json: { email: EMAIL, password: PASSWORD } })
  expect(login, 200, 'login on A')
  const token = (JSON.parse(login.body) as { access_token: string }).access_token
  for (const o of others) expect(await o.call('GET', '/auth/me', { token }), 200, `GET /auth/me on ${o.name} before the logout`)
  await sleep(Math.random() * phaseMs)
  const out = await a!.call('POST', '/auth/logout', { token })
  expect(out, 204, 'logout on A')
  return Promise.all(others.map((o) => until401(o, token, out.at, timeoutMs)))
}

/** Registers the account on A, runs the warm-up and `rounds` measured rounds (`phaseMs`: see SIGNAL_JITTER_MS). */
export async function measurePropagation(cluster: Cluster, rounds: number, pollMs: number, phaseMs: number, label: string): Promise<Required<Pick<PropagationRow, 'rounds' | 'p50Ms' | 'p99Ms' | 'maxMs' | 'samplesMs'>>> {
  expect(await cluster.instances[0]!.call('POST', '/auth/register', { json: { email: EMAIL, password: PASSWORD } }), 201, 'register on A')
  // Far past any bound: a round that takes this long is a failure, not a sample.
  const timeoutMs = Math.max(5_000, pollMs * 10)
  for (let i = 0; i < WARMUP_ROUNDS; i++) await round(cluster, timeoutMs, phaseMs)
  const samples: number[] = []
  const t0 = performance.now()
  for (let i = 0; i < rounds; i++) {
    samples.push(...(await round(cluster, timeoutMs, phaseMs)))
  }
  const r = { rounds, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), maxMs: Math.max(...samples), samplesMs: samples.map((x) => Math.round(x * 1000) / 1000) }
  log('scale', `${label}: p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms, max ${r.maxMs.toFixed(2)} ms over ${rounds} rounds (${((performance.now() - t0) / 1000).toFixed(1)} s)`)
  return r
}
