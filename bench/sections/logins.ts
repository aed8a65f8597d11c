// Section 3: logins. The raw argon2id rate on the server core is the limit; then logins/s
// against tokenwarden's server, and the latency of protected requests (GET /auth/me, paced)
// and the server's event-loop delay, first quiet and then during a login storm.

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_ARGON2, type Argon2Params } from '../../src/core/passwords/hash.js'
import { runLoad, type LoadResult, type LoadSpec } from '../lib/load.js'
import { log } from '../lib/log.js'
import { settle, watchOthers } from '../lib/machine.js'
import type { PacedSpec } from '../lib/paced-worker.js'
import { freePort, LOAD_CORE, nodeArgs, runWorker, SERVER_CORE } from '../lib/proc.js'
import type { Profile } from '../lib/profile.js'
import type { EventLoopDelay, LoginResults, PacedResult } from '../lib/results.js'
import { startServer, type RunningServer } from '../lib/server.js'
import { BENCH_PASSWORD, loginToken } from './http-cases.js'

async function eld(url: string, then: 'keep' | 'reset' | 'enable'): Promise<EventLoopDelay> {
  const res = await fetch(`${url}/__bench/eld${then === 'keep' ? '' : `?${then}=1`}`)
  return (await res.json()) as EventLoopDelay
}

/** Registers `n` accounts; returns a file of their login bodies, one JSON per line. */
async function registerUsers(url: string, n: number): Promise<string> {
  const bodies: string[] = []
  for (let i = 0; i < n; i++) {
    const body = JSON.stringify({ email: `storm-${i}@example.com`, password: BENCH_PASSWORD })
    const res = await fetch(`${url}/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    if (res.status !== 201) throw new Error(`register answered ${res.status}`)
    bodies.push(body)
  }
  const file = join(mkdtempSync(join(tmpdir(), 'tw-bench-bodies-')), 'logins.txt')
  writeFileSync(file, bodies.join('\n') + '\n')
  return file
}

export async function startLoginServer(name: string, env: NodeJS.ProcessEnv, profile: Profile): Promise<RunningServer> {
  return startServer({
    name,
    command: process.execPath,
    args: await nodeArgs(`bench/servers/${name}.ts`),
    env: { ...env, BENCH_ARGON2_TINY: profile.argon2 === 'tiny' ? '1' : '0' },
    port: await freePort(),
    readyPath: '/health',
  })
}

/**
 * Registers the accounts, runs the warm-up and returns the measured run's load spec. Logins
 * rotate over many accounts: the login throttle counts checks in flight per identifier, so one
 * account hammered by every connection would meet 429 by design.
 */
async function warmLoginRun(url: string, profile: Profile): Promise<LoadSpec> {
  const bodies = await registerUsers(url, profile.loginConnections * 8)
  const login: LoadSpec = {
    url: `${url}/auth/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    bodiesFile: bodies,
    connections: profile.loginConnections,
    seconds: profile.loginSeconds,
  }
  // A warm-up, as every HTTP case has. The login path runs only ~100 times a second, so V8 takes
  // seconds to optimise it: measured per login, main-thread CPU 1.34 ms after a 1 s warm-up and
  // 0.92 ms after 15 s, V8's background compiler threads 0.28 ms and 0.09 ms.
  if (profile.loginWarmupSeconds > 0) await runLoad({ ...login, seconds: profile.loginWarmupSeconds })
  return login
}

const TINY: Argon2Params = { memoryCost: 1024, timeCost: 1, parallelism: 1 }

export interface RawHashRate {
  /** The better of one and four in flight. */
  perSec: number
  one: number
  four: number
  params: Argon2Params
}

/**
 * The limit: argon2id verifies per second at the server's parameters on the server core. One
 * core runs argon2id fastest one hash at a time (four at once thrash its caches), so it is the
 * better of 1 and 4 in flight (4: libuv's default pool, what the server gets).
 */
export async function rawHashRate(profile: Profile, section = 'logins'): Promise<RawHashRate> {
  const params = profile.argon2 === 'tiny' ? TINY : DEFAULT_ARGON2
  const raw: Record<string, number> = {}
  for (const concurrency of [1, 4]) {
    await settle(`${section}: raw argon2id x${concurrency}`)
    const stopWatch = watchOthers(`${section}: raw argon2id x${concurrency}`)
    raw[concurrency] = (await runWorker<{ perSec: number }>(SERVER_CORE, 'bench/sections/hash-worker.ts', { seconds: profile.loginSeconds, concurrency, params })).perSec
    stopWatch()
  }
  log(section, `raw argon2id: ${raw[1]!.toFixed(1)} verifies/s one at a time, ${raw[4]!.toFixed(1)} four at a time`)
  return { perSec: Math.max(raw[1]!, raw[4]!), one: raw[1]!, four: raw[4]!, params }
}

/** Registers the accounts, warms the server up, then measures logins/s (the run's spec is returned for reuse). */
export async function measureLogins(url: string, profile: Profile, label: string): Promise<{ spec: LoadSpec; result: LoadResult }> {
  const spec = await warmLoginRun(url, profile)
  await settle(label)
  const stop = watchOthers(label)
  const result = await runLoad(spec)
  stop()
  return { spec, result }
}

export async function runLogins(profile: Profile): Promise<LoginResults> {
  const raw = await rawHashRate(profile)
  const { params } = raw
  const rawHashPerSec = raw.perSec

  // The reference route first: bare Fastify doing only the argon2id verify per login.
  const bare = await startLoginServer('raw-login', {}, profile)
  let bareLoginsPerSec: number | undefined
  try {
    const { result: r } = await measureLogins(bare.url, profile, 'logins: reference route')
    bareLoginsPerSec = r.rps
    log('logins', `reference route (bare Fastify + argon2id verify): ${r.rps.toFixed(1)} logins/s${r.non2xx > 0 ? `, ${r.non2xx} non-2xx` : ''}`)
  } finally {
    await bare.stop()
  }

  const server = await startLoginServer('tw-server', { BENCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'tw-bench-login-')), BENCH_ELD: '1' }, profile)
  try {
    const token = await loginToken(server.url, '/auth/register', '/auth/login', BENCH_PASSWORD)
    const { spec: login, result: alone } = await measureLogins(server.url, profile, 'logins: login run')
    log('logins', `${alone.rps.toFixed(1)} logins/s, p99 ${alone.p99Ms.toFixed(0)} ms${alone.non2xx > 0 ? `, ${alone.non2xx} non-2xx` : ''}`)

    const paced = (seconds: number): Promise<PacedResult> =>
      runWorker<PacedResult>(LOAD_CORE, 'bench/lib/paced-worker.ts', {
        url: `${server.url}/auth/me`,
        headers: { authorization: `Bearer ${token}` },
        rate: profile.pacedRate,
        seconds,
      } satisfies PacedSpec)

    await settle('logins: quiet and storm')
    await eld(server.url, 'enable') // off during the measured login run (see bench/servers/tw-server.ts)
    const quiet = await paced(profile.baselineSeconds)
    const eldQuiet = await eld(server.url, 'reset')
    log('logins', `quiet: /auth/me p99 ${quiet.p99Ms.toFixed(2)} ms, event-loop delay p99 ${eldQuiet.p99Ms.toFixed(2)} ms`)

    // The storm: logins flat out while protected requests keep arriving at the paced rate.
    const stopWatch = watchOthers('logins: storm')
    const [storm, stormLogins] = await Promise.all([paced(profile.loginSeconds), runLoad(login)])
    stopWatch()
    const eldStorm = await eld(server.url, 'keep')
    log('logins', `storm: /auth/me p99 ${storm.p99Ms.toFixed(2)} ms, event-loop delay p99 ${eldStorm.p99Ms.toFixed(2)} ms, ${stormLogins.rps.toFixed(1)} logins/s`)

    return {
      rawHashPerSec,
      rawHashPerSecByConcurrency: { one: raw.one, four: raw.four },
      loginsPerSec: alone.rps,
      warmupSeconds: profile.loginWarmupSeconds,
      bareLoginsPerSec,
      loginP99Ms: alone.p99Ms,
      loginNon2xx: alone.non2xx + stormLogins.non2xx,
      params: `argon2id m=${params.memoryCost},t=${params.timeCost},p=${params.parallelism}`,
      quiet,
      storm,
      stormLoginsPerSec: stormLogins.rps,
      eldQuiet,
      eldStorm,
    }
  } finally {
    await server.stop()
  }
}
