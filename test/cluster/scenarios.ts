// The multi-instance scenarios, shared by one test file per dialect: a change made on one
// instance (or by the CLI) must refuse the affected tokens on every other instance within the
// bound INVALIDATION_MAX_LAG_MS (events/feed.ts), with or without the wake-up signal; and an
// instance that cannot reach the database must fail closed (503), never answer 200 or 500.

import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { test, type TestContext } from 'node:test'
import { runCli } from '../server/process.js'
import { ADMIN, call, pollUntil, sleep, startCluster, type Cluster, type Instance, type Latencies } from './harness.js'

/** INVALIDATION_MAX_LAG_MS as the harness sets it: the promised bound on every revocation. */
export const BOUND_MS = 1000
/** INVALIDATION_POLL_MS as the harness sets it: the bound without a wake-up signal. */
export const POLL_MS = 250
/** How long a poll keeps trying past a bound, so that a late answer is measured, not just missed. */
const PATIENCE_MS = 3000

export interface Scene {
  cluster: Cluster
  stats: Latencies
}

const PASSWORD = 'cluster user password 1'

export interface Session {
  userId: string
  email: string
  access: string
  refresh: string
}

/** A fresh address per call: scenarios never share an account. */
export function newEmail(tag: string): string {
  return `${tag}-${randomBytes(4).toString('hex')}@example.com`
}

export async function register(on: Instance, email: string): Promise<string> {
  const r = await call(on, 'POST', '/auth/register', { body: { email, password: PASSWORD } })
  assert.equal(r.status, 201, `register on ${on.name}: ${JSON.stringify(r.body)}`)
  return r.body.id as string
}

export async function login(on: Instance, email: string, password = PASSWORD): Promise<Session> {
  const r = await call(on, 'POST', '/auth/login', { body: { email, password } })
  assert.equal(r.status, 200, `login on ${on.name}: ${JSON.stringify(r.body)}`)
  const me = await call(on, 'GET', '/auth/me', { token: r.body.access_token })
  assert.equal(me.status, 200, `me on ${on.name} right after login: ${JSON.stringify(me.body)}`)
  return { userId: me.body.id, email, access: r.body.access_token, refresh: r.body.refresh_token }
}

/** GET /auth/me answers 200 on each instance: each has now seen (and remembers) the session live. */
export async function seenLive(instances: readonly Instance[], token: string): Promise<void> {
  for (const i of instances) {
    const r = await call(i, 'GET', '/auth/me', { token })
    assert.equal(r.status, 200, `GET /auth/me on ${i.name} before the change: ${JSON.stringify(r.body)}`)
  }
}

/**
 * Polls GET /auth/me with `token` on each instance (in parallel, every 20 ms) until it stops
 * answering 200; asserts the refusal is 401 with one of `codes` and came within `bound` of the
 * call; records each latency under `scenario` and returns them.
 */
export async function refusedWithin(
  t: TestContext,
  scene: Scene,
  scenario: string,
  instances: readonly Instance[],
  token: string,
  bound: number,
  { codes = ['TOKEN_REVOKED'] }: { codes?: readonly string[] } = {},
): Promise<number[]> {
  const results = await Promise.all(
    instances.map(async (i) => ({
      i,
      polled: await pollUntil(() => call(i, 'GET', '/auth/me', { token }), (r) => r.status !== 200, bound + PATIENCE_MS),
    })),
  )
  const figures: number[] = []
  for (const { i, polled } of results) {
    assert.ok(polled.ok, `${scenario}: ${i.name} still answered ${polled.last.status} after ${Math.round(polled.ms)} ms`)
    assert.equal(polled.last.status, 401, `${scenario}: ${i.name} answered ${polled.last.status} ${JSON.stringify(polled.last.body)}`)
    assert.ok(codes.includes(String(polled.last.code)), `${scenario}: ${i.name} answered ${String(polled.last.code)}, not ${codes.join(' or ')}`)
    t.diagnostic(`${scenario}: ${i.name} refused after ${polled.ms.toFixed(1)} ms`)
    scene.stats.add(scenario, polled.ms)
    figures.push(polled.ms)
  }
  for (const { i, polled } of results) assert.ok(polled.ms <= bound, `${scenario}: ${i.name} refused after ${Math.round(polled.ms)} ms, past the ${bound} ms bound`)
  return figures
}

// 1 ---------------------------------------------------------------------------------------

/** Log in on A, seen on B and C; logout on A: B and C refuse the access token, B the refresh token. */
export async function logoutReachesOthers(t: TestContext, scene: Scene, bound = BOUND_MS): Promise<void> {
  const [a, b, c] = scene.cluster.instances as [Instance, Instance, Instance]
  const email = newEmail('logout')
  await register(a, email)
  const s = await login(a, email)
  await seenLive([b, c], s.access)
  const out = await call(a, 'POST', '/auth/logout', { token: s.access })
  assert.equal(out.status, 204)
  await refusedWithin(t, scene, 'logout', [b, c], s.access, bound)
  const refresh = await call(b, 'POST', '/auth/refresh', { body: { refresh_token: s.refresh } })
  assert.equal(refresh.status, 401, `refresh on B after logout on A: ${JSON.stringify(refresh.body)}`)
}

// 2 ---------------------------------------------------------------------------------------

async function adminToken(on: Instance): Promise<string> {
  return (await login(on, ADMIN.email, ADMIN.password)).access
}

/** The admin disables the user on B: A and C refuse; the account cannot log in; re-enabled, it can. */
export async function disableReachesOthers(t: TestContext, scene: Scene, bound = BOUND_MS): Promise<void> {
  const [a, b, c] = scene.cluster.instances as [Instance, Instance, Instance]
  const admin = await adminToken(b)
  const email = newEmail('disable')
  await register(a, email)
  const s = await login(a, email)
  await seenLive([a, c], s.access)
  const patch = await call(b, 'PATCH', `/admin/users/${s.userId}`, { token: admin, body: { disabled: true } })
  assert.equal(patch.status, 200, JSON.stringify(patch.body))
  await refusedWithin(t, scene, 'admin disable', [a, c], s.access, bound)
  const refused = await call(c, 'POST', '/auth/login', { body: { email, password: PASSWORD } })
  assert.equal(refused.status, 403, `login of a disabled account on C: ${JSON.stringify(refused.body)}`)
  assert.equal(refused.code, 'ACCOUNT_DISABLED')
  const enable = await call(b, 'PATCH', `/admin/users/${s.userId}`, { token: admin, body: { disabled: false } })
  assert.equal(enable.status, 200)
  await login(c, email)
}

/** The admin takes a role away on B: A and C refuse the token that carried it. */
export async function roleRemovalReachesOthers(t: TestContext, scene: Scene, bound = BOUND_MS): Promise<void> {
  const [a, b, c] = scene.cluster.instances as [Instance, Instance, Instance]
  const admin = await adminToken(b)
  const email = newEmail('roles')
  const id = await register(a, email)
  const grant = await call(b, 'PATCH', `/admin/users/${id}`, { token: admin, body: { roles: ['user', 'editor'] } })
  assert.equal(grant.status, 200, JSON.stringify(grant.body))
  const s = await login(a, email)
  await seenLive([a, c], s.access)
  const revoke = await call(b, 'PATCH', `/admin/users/${id}`, { token: admin, body: { roles: ['user'] } })
  assert.equal(revoke.status, 200, JSON.stringify(revoke.body))
  await refusedWithin(t, scene, 'role removal', [a, c], s.access, bound)
}

/** The user deletes the account on C: A and B refuse its token, and its refresh token. */
export async function deleteReachesOthers(t: TestContext, scene: Scene, bound = BOUND_MS): Promise<void> {
  const [a, b, c] = scene.cluster.instances as [Instance, Instance, Instance]
  const email = newEmail('delete')
  await register(a, email)
  const s = await login(c, email)
  await seenLive([a, b], s.access)
  const del = await call(c, 'DELETE', '/auth/me', { token: s.access, body: { password: PASSWORD } })
  assert.equal(del.status, 204, JSON.stringify(del.body))
  await refusedWithin(t, scene, 'account deleted', [a, b], s.access, bound, {
    // Deletion commits disable, revoke sessions, delete row as three events: an instance that
    // has read the first but not the second still holds the session live, and GET /auth/me
    // then refuses the token for its missing or disabled user.
    codes: ['TOKEN_REVOKED', 'TOKEN_USER_NOT_FOUND'],
  })
  const refresh = await call(a, 'POST', '/auth/refresh', { body: { refresh_token: s.refresh } })
  assert.equal(refresh.status, 401, `refresh on A after deletion on C: ${JSON.stringify(refresh.body)}`)
}

/**
 * The user changes the password on B with one session: the other session, seen on A and C, is
 * refused there; the session that made the change stays live everywhere.
 */
export async function passwordChangeReachesOthers(t: TestContext, scene: Scene, bound = BOUND_MS): Promise<void> {
  const [a, b, c] = scene.cluster.instances as [Instance, Instance, Instance]
  const email = newEmail('password')
  await register(a, email)
  const other = await login(a, email)
  const kept = await login(b, email)
  await seenLive([a, c], other.access)
  const change = await call(b, 'PUT', '/auth/me/password', { token: kept.access, body: { current_password: PASSWORD, new_password: `${PASSWORD} changed` } })
  assert.equal(change.status, 204, JSON.stringify(change.body))
  await refusedWithin(t, scene, 'password changed', [a, c], other.access, bound)
  await seenLive([a, b, c], kept.access)
}

// 3 ---------------------------------------------------------------------------------------

/**
 * `tokenwarden users create --admin` while the servers run: the account logs in on every
 * instance at once, and its token passes the admin guard there. (The CLI has no command that
 * disables, deletes or changes the roles of an account: create, list and import only.)
 */
export async function cliUserReachesServers(t: TestContext, scene: Scene): Promise<void> {
  const { cluster } = scene
  const email = newEmail('cli')
  const before = await call(cluster.instances[0]!, 'POST', '/auth/login', { body: { email, password: PASSWORD } })
  assert.equal(before.status, 401, `login before the account exists: ${JSON.stringify(before.body)}`)
  const started = performance.now()
  const r = await runCli(['users', 'create', '--email', email, '--admin'], cluster.cwd, { ...cluster.env, TOKENWARDEN_PASSWORD: PASSWORD })
  assert.equal(r.code, 0, `users create: ${r.stdout}${r.stderr}`)
  t.diagnostic(`cli: users create took ${Math.round(performance.now() - started)} ms`)
  const sessions: Session[] = []
  for (const i of cluster.instances) {
    const s = await login(i, email)
    const list = await call(i, 'GET', '/admin/users?limit=1', { token: s.access })
    assert.equal(list.status, 200, `admin guard on ${i.name} for a CLI-made admin: ${JSON.stringify(list.body)}`)
    sessions.push(s)
  }
  // Taking the role away from the command line: every running server refuses within the bound.
  const demoted = await runCli(['users', 'roles', '--email', email, '--set', 'user'], cluster.cwd, cluster.env)
  assert.equal(demoted.code, 0, `users roles: ${demoted.stdout}${demoted.stderr}`)
  for (const s of sessions) await refusedWithin(t, scene, 'CLI role removal', cluster.instances, s.access, BOUND_MS)
}

/** The scenarios every dialect runs, as tests of the enclosing describe. */
export function commonScenarios(scene: () => Scene): void {
  test('logout on A: B and C refuse the access and refresh tokens', (t) => logoutReachesOthers(t, scene()))
  test('admin disables a user on B: A and C refuse', (t) => disableReachesOthers(t, scene()))
  test('admin removes a role on B: A and C refuse', (t) => roleRemovalReachesOthers(t, scene()))
  test('account deleted on C: A and B refuse', (t) => deleteReachesOthers(t, scene()))
  test('password changed on B: the other session is refused on A and C', (t) => passwordChangeReachesOthers(t, scene()))
  test('an admin made by the CLI logs in on every running server; its role removed by the CLI, every server refuses', (t) => cliUserReachesServers(t, scene()))
}

// 4 ---------------------------------------------------------------------------------------

/**
 * Revocations while the wake-up signal is cut arrive by the poll (within POLL_MS + slack), and
 * after `restore` they are fast again. `cut` and `restore` act on the signal; `signalBack`
 * resolves once every instance listens again.
 */
export async function signalCut(
  t: TestContext,
  scene: Scene,
  hooks: { label: string; cut(): Promise<void>; restore(): Promise<void>; signalBack(): Promise<void> },
): Promise<void> {
  const [a, b, c] = scene.cluster.instances as [Instance, Instance, Instance]
  const email = newEmail('signal')
  await register(a, email)
  const revokeOnce = async (scenario: string, bound: number) => {
    const s = await login(a, email)
    await seenLive([b, c], s.access)
    const out = await call(a, 'POST', '/auth/logout', { token: s.access })
    assert.equal(out.status, 204)
    return refusedWithin(t, scene, scenario, [b, c], s.access, bound)
  }
  // Fast with the signal: most refusals well under the poll interval.
  const warm: number[] = []
  for (let n = 0; n < 4; n++) warm.push(...(await revokeOnce(`${hooks.label} signal up`, BOUND_MS)))
  await hooks.cut()
  try {
    for (let n = 0; n < 4; n++) await revokeOnce(`${hooks.label} signal cut`, POLL_MS + 250)
  } finally {
    await hooks.restore()
  }
  await hooks.signalBack()
  const again: number[] = []
  for (let n = 0; n < 4; n++) again.push(...(await revokeOnce(`${hooks.label} signal restored`, BOUND_MS)))
  // With the poll alone, refusals are spread over 0..POLL_MS, plus the request time (median
  // above POLL_MS/2): a median under that says the wake-up did the work.
  for (const [name, figures] of [['up', warm], ['restored', again]] as const) {
    const sorted = [...figures].sort((x, y) => x - y)
    const median = sorted[Math.floor(sorted.length / 2)]!
    assert.ok(median < POLL_MS / 2, `signal ${name}: median refusal ${Math.round(median)} ms, as slow as polling (${sorted.map(Math.round).join(', ')})`)
  }
}

// 5 ---------------------------------------------------------------------------------------

type Status = { status: number; code: string | undefined; sentAt: number }

/**
 * With a user whose session every instance has seen, the database stops: within
 * INVALIDATION_MAX_LAG_MS (+ slack) GET /auth/me answers 503 SERVICE_UNAVAILABLE on every
 * instance and keeps doing so (never 200 once past the bound, never 500); /health/ready is 503
 * with checks.database 'unavailable', /health 200, a login 503. Once the database is back the
 * same token is served again without restarting anything.
 */
export async function databaseDown(t: TestContext, scene: Scene, db: { stop(): Promise<void>; start(): Promise<void> }): Promise<void> {
  const { instances } = scene.cluster
  const email = newEmail('dbdown')
  await register(instances[0]!, email)
  const s = await login(instances[0]!, email)
  await seenLive(instances, s.access)

  const stoppedAt = performance.now()
  await db.stop()
  // The server may still answer reads while it shuts down: the bound runs from its exit.
  const downAt = performance.now() - stoppedAt
  t.diagnostic(`database down: stop took ${Math.round(downAt)} ms`)
  const slack = 500
  // Sample every instance every 20 ms until each has answered 503 and then held for 500 ms.
  const samples = await Promise.all(
    instances.map(async (i) => {
      const seen: Status[] = []
      let firstUnavailable: number | undefined
      for (;;) {
        const sentAt = performance.now() - stoppedAt
        const r = await call(i, 'GET', '/auth/me', { token: s.access })
        seen.push({ status: r.status, code: r.code, sentAt })
        if (r.status === 503 && firstUnavailable === undefined) firstUnavailable = performance.now() - stoppedAt
        if (firstUnavailable !== undefined && performance.now() - stoppedAt > firstUnavailable + 500) break
        if (performance.now() - stoppedAt > downAt + BOUND_MS + slack + 3000) break
        await sleep(20)
      }
      return { i, seen, firstUnavailable }
    }),
  )
  for (const { i, seen, firstUnavailable } of samples) {
    const counts = seen.reduce<Record<string, number>>((m, x) => ((m[x.status] = (m[x.status] ?? 0) + 1), m), {})
    t.diagnostic(`database down: ${i.name} first 503 ${firstUnavailable?.toFixed(0)} ms after the stop began; answers ${JSON.stringify(counts)}`)
    if (firstUnavailable !== undefined) scene.stats.add('database down -> 503', firstUnavailable)
    assert.ok(!seen.some((x) => x.status >= 500 && x.status !== 503), `${i.name} answered ${JSON.stringify(seen.filter((x) => x.status !== 200 && x.status !== 503))}`)
    const lateOk = seen.filter((x) => x.status === 200 && x.sentAt > downAt + BOUND_MS + 50)
    assert.deepEqual(lateOk, [], `${i.name} answered 200 from memory past the ${BOUND_MS} ms bound`)
    assert.ok(firstUnavailable !== undefined && firstUnavailable <= downAt + BOUND_MS + slack, `${i.name}: first 503 after ${firstUnavailable} ms`)
    assert.ok(seen.filter((x) => x.status !== 200).every((x) => x.status === 503 && x.code === 'SERVICE_UNAVAILABLE'), `${i.name}: ${JSON.stringify(seen.filter((x) => x.status !== 200))}`)
  }
  for (const i of instances) {
    const ready = await call(i, 'GET', '/health/ready')
    assert.equal(ready.status, 503, `/health/ready on ${i.name}: ${JSON.stringify(ready.body)}`)
    assert.equal(ready.body?.checks?.database, 'unavailable', JSON.stringify(ready.body))
    const health = await call(i, 'GET', '/health')
    assert.equal(health.status, 200)
    const loginDown = await call(i, 'POST', '/auth/login', { body: { email, password: PASSWORD } })
    assert.equal(loginDown.status, 503, `login on ${i.name} with the database down: ${JSON.stringify(loginDown.body)}`)
    assert.equal(loginDown.code, 'SERVICE_UNAVAILABLE')
    const refresh = await call(i, 'POST', '/auth/refresh', { body: { refresh_token: s.refresh } })
    assert.equal(refresh.status, 503, `refresh on ${i.name} with the database down: ${JSON.stringify(refresh.body)}`)
    const signUp = await call(i, 'POST', '/auth/register', { body: { email: newEmail('dbdown'), password: PASSWORD } })
    assert.equal(signUp.status, 503, `register on ${i.name} with the database down: ${JSON.stringify(signUp.body)}`)
  }

  const startedAt = performance.now()
  await db.start()
  const startMs = performance.now() - startedAt
  const back = await Promise.all(instances.map(async (i) => ({ i, polled: await pollUntil(() => call(i, 'GET', '/auth/me', { token: s.access }), (r) => r.status !== 503, 10_000, 50) })))
  for (const { i, polled } of back) {
    t.diagnostic(`database back: ${i.name} served again ${Math.round(polled.ms)} ms after the server accepted connections (start took ${Math.round(startMs)} ms)`)
    scene.stats.add('database back -> 200', polled.ms)
    assert.equal(polled.last.status, 200, `${i.name} after the database came back: ${JSON.stringify(polled.last.body)}`)
  }
  for (const i of instances) {
    const ready = await pollUntil(() => call(i, 'GET', '/health/ready'), (r) => r.status === 200, 5000, 50)
    assert.equal(ready.last.status, 200, `/health/ready on ${i.name} after recovery: ${JSON.stringify(ready.last.body)}`)
  }
  // And the feed carries revocations again.
  await logoutReachesOthers(t, scene)
}

// 6 ---------------------------------------------------------------------------------------

/**
 * `count` servers started at the same moment on a fresh database all come up (migrations run
 * once under a lock; the configured admin is created once), and each can log the admin in.
 */
export async function startTogether(t: TestContext, databaseUrl: string, count: number, env: Record<string, string> = {}): Promise<void> {
  const names = ['P', 'Q', 'R', 'S'].slice(0, count)
  const started = performance.now()
  const cluster = await startCluster({ databaseUrl, names, start: 'together', env })
  try {
    t.diagnostic(`${count} servers on a fresh database up in ${Math.round(performance.now() - started)} ms`)
    for (const i of cluster.instances) {
      // Readiness may lag a loaded machine by a read of the log; it must come within a few seconds.
      const ready = await pollUntil(() => call(i, 'GET', '/health/ready'), (r) => r.status === 200, 5000)
      assert.ok(ready.ok, `${i.name}: ${JSON.stringify(ready.last.body)}`)
      await login(i, ADMIN.email, ADMIN.password)
    }
    const admin = await login(cluster.instances[0]!, ADMIN.email, ADMIN.password)
    const list = await call(cluster.instances[0]!, 'GET', `/admin/users?q=${encodeURIComponent(ADMIN.email)}`, { token: admin.access })
    assert.equal(list.body.total, 1, 'the admin exists once')
  } finally {
    await cluster.stop()
  }
}
