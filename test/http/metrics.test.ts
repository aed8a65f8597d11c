// GET /metrics with METRICS=true: the exposition parses strictly; each tokenwarden counter moves
// by exactly what one action should add (logins by outcome, refreshes, refused tokens by code,
// revocations by reason, hash timings, the request histogram by route pattern); labels never
// carry a raw URL, an id, an email or a token; the in-memory gauges read the live state.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { RequestDurations } from '../../src/http/metrics/http-duration.js'
import { bearer, json, testApp, type TestApp, type Tokens } from '../helpers.js'
import { parseExposition, valueOf, type Exposition } from '../support/exposition.js'

let t: TestApp
const PASSWORD = 'correct horse battery'
const ADA = 'ada.metrics@example.com'
let adaId: string

before(async () => {
  t = await testApp({ METRICS: 'true', LOGIN_MAX_FAILURES: '2' })
  const res = await t.app.inject({ method: 'POST', url: '/auth/register', payload: { email: ADA, password: PASSWORD, username: 'ada_metrics' } })
  assert.equal(res.statusCode, 201)
  adaId = json(res).id as string
})
after(() => t.app.close())

async function scrape(): Promise<Exposition> {
  const res = await t.app.inject({ url: '/metrics' })
  assert.equal(res.statusCode, 200, res.body)
  return parseExposition(res.body)
}

/** Runs `action`, then returns how much each named series moved. */
async function deltas(action: () => Promise<unknown>, series: Record<string, [string, Record<string, string>]>): Promise<Record<string, number>> {
  const before = await scrape()
  await action()
  const now = await scrape()
  return Object.fromEntries(Object.entries(series).map(([key, [name, labels]]) => [key, valueOf(now, name, labels) - valueOf(before, name, labels)]))
}

const login = (email: string, password: string) => t.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } })
const logins = (outcome: string): [string, Record<string, string>] => ['tokenwarden_logins_total', { outcome }]
const refreshes = (outcome: string): [string, Record<string, string>] => ['tokenwarden_refresh_total', { outcome }]
const rejections = (code: string): [string, Record<string, string>] => ['tokenwarden_token_rejections_total', { code }]
const revocations = (reason: string): [string, Record<string, string>] => ['tokenwarden_revocations_total', { reason }]

async function tokensOf(email = ADA): Promise<Tokens> {
  const res = await login(email, PASSWORD)
  assert.equal(res.statusCode, 200, res.body)
  return json<Tokens>(res)
}

test('the exposition: Prometheus text format 0.0.4, every family typed and helped, counters end in _total, units in the names', async () => {
  await t.app.inject({ url: '/health' })
  const res = await t.app.inject({ url: '/metrics' })
  assert.equal(res.statusCode, 200)
  assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8')
  const { families, samples } = parseExposition(res.body)
  const expected: Record<string, string> = {
    http_request_duration_seconds: 'histogram',
    tokenwarden_logins_total: 'counter',
    tokenwarden_refresh_total: 'counter',
    tokenwarden_token_rejections_total: 'counter',
    tokenwarden_revocations_total: 'counter',
    tokenwarden_password_hash_duration_seconds: 'histogram',
    tokenwarden_password_hashes_in_flight: 'gauge',
    tokenwarden_password_hashes_queued: 'gauge',
    tokenwarden_session_gate_sessions: 'gauge',
    tokenwarden_user_cache_entries: 'gauge',
    tokenwarden_user_cache_hits_total: 'counter',
    tokenwarden_user_cache_misses_total: 'counter',
    tokenwarden_invalidation_lag_seconds: 'gauge',
    // Node's default process metrics (collectDefaultMetrics)
    process_cpu_seconds_total: 'counter',
    process_resident_memory_bytes: 'gauge',
    nodejs_heap_size_used_bytes: 'gauge',
    nodejs_eventloop_lag_seconds: 'gauge',
  }
  for (const [name, type] of Object.entries(expected)) assert.equal(families.get(name)?.type, type, name)
  for (const [name, family] of families) {
    assert.ok(family.help.length > 0, `${name} has a HELP text`)
    if (family.type === 'counter') assert.match(name, /_total$/, name)
    if (name.startsWith('tokenwarden_') && family.type !== 'counter') assert.match(name, /_(seconds|sessions|entries|in_flight|queued)$/, name)
  }
  // The closed sets are exported from the first scrape, at zero: rate() works from the start.
  for (const outcome of ['success', 'invalid_credentials', 'throttled', 'disabled']) assert.ok(samples.some((s) => s.name === 'tokenwarden_logins_total' && s.labels.outcome === outcome), outcome)
  for (const outcome of ['rotated', 'reused', 'expired']) assert.ok(samples.some((s) => s.name === 'tokenwarden_refresh_total' && s.labels.outcome === outcome), outcome)
  assert.ok(samples.some((s) => s.name === 'tokenwarden_revocations_total' && s.labels.reason === 'refresh_token_reused'))
  // Every histogram series: buckets cumulative in ascending le, +Inf equal to _count.
  for (const [name, family] of families) {
    if (family.type !== 'histogram') continue
    const series = new Map<string, { le: number; value: number }[]>()
    for (const s of samples.filter((x) => x.name === `${name}_bucket`)) {
      const { le, ...rest } = s.labels
      const key = JSON.stringify(rest)
      series.set(key, [...(series.get(key) ?? []), { le: le === '+Inf' ? Infinity : Number(le), value: s.value }])
    }
    for (const [key, buckets] of series) {
      for (let i = 1; i < buckets.length; i++) {
        assert.ok(buckets[i]!.le > buckets[i - 1]!.le && buckets[i]!.value >= buckets[i - 1]!.value, `${name}${key} buckets`)
      }
      assert.equal(buckets.at(-1)!.le, Infinity, `${name}${key} ends with +Inf`)
      assert.equal(buckets.at(-1)!.value, valueOf({ families, samples }, `${name}_count`, JSON.parse(key) as Record<string, string>), `${name}${key} +Inf = _count`)
    }
  }
  // The parser is strict: a sample outside its family is refused.
  assert.throws(() => parseExposition('# TYPE a counter\nb 1\n'), /outside its family/)
})

test('logins: success, invalid_credentials (wrong password, unknown account), throttled, disabled: each +1 on its outcome only', async () => {
  const all = { success: logins('success'), invalid: logins('invalid_credentials'), throttled: logins('throttled'), disabled: logins('disabled') }
  assert.deepEqual(await deltas(() => tokensOf(), all), { success: 1, invalid: 0, throttled: 0, disabled: 0 })
  assert.deepEqual(await deltas(() => login(ADA, 'wrong password!'), all), { success: 0, invalid: 1, throttled: 0, disabled: 0 })
  assert.deepEqual(await deltas(() => login('nobody@example.com', PASSWORD), all), { success: 0, invalid: 1, throttled: 0, disabled: 0 })
  // LOGIN_MAX_FAILURES=2, counted per identifier whether or not it has an account: the second
  // failure for ghost reaches the limit, and the next attempt is refused unchecked.
  assert.deepEqual(await deltas(() => login('ghost@example.com', 'first guess!'), all), { success: 0, invalid: 1, throttled: 0, disabled: 0 })
  assert.deepEqual(await deltas(() => login('ghost@example.com', 'second guess!'), all), { success: 0, invalid: 1, throttled: 0, disabled: 0 })
  const throttled = await deltas(async () => assert.equal(json(await login('ghost@example.com', 'third guess!')).code, 'LOGIN_THROTTLED'), all)
  assert.deepEqual(throttled, { success: 0, invalid: 0, throttled: 1, disabled: 0 })

  const bob = await t.auth.accounts.register({ email: 'bob.metrics@example.com', password: PASSWORD })
  await t.auth.admin.updateUser(bob.id, { disabled: true })
  const disabled = await deltas(async () => assert.equal(json(await login('bob.metrics@example.com', PASSWORD)).code, 'ACCOUNT_DISABLED'), all)
  assert.deepEqual(disabled, { success: 0, invalid: 0, throttled: 0, disabled: 1 })
})

test('a login times one argon2id verify; the request histogram counts it under its route pattern', async () => {
  await t.auth.accounts.register({ email: 'carol.metrics@example.com', password: PASSWORD })
  const moved = await deltas(() => tokensOf('carol.metrics@example.com'), {
    verify: ['tokenwarden_password_hash_duration_seconds_count', { algorithm: 'argon2id', operation: 'verify' }],
    hash: ['tokenwarden_password_hash_duration_seconds_count', { algorithm: 'argon2id', operation: 'hash' }],
    request: ['http_request_duration_seconds_count', { method: 'POST', route: '/auth/login', status_code: '200' }],
  })
  assert.deepEqual(moved, { verify: 1, hash: 0, request: 1 })
  const text = (await t.app.inject({ url: '/metrics' })).body
  assert.match(text, /^tokenwarden_password_hash_duration_seconds_bucket\{le="\+Inf",algorithm="argon2id",operation="verify"\} \d+$/m)
})

test('refresh: rotated, retried within the reuse interval, then reused (which revokes the session: refresh_token_reused)', async () => {
  const tokens = await tokensOf()
  const refresh = (token: string) => t.app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(token) })
  const series = { rotated: refreshes('rotated'), retried: refreshes('retried'), reused: refreshes('reused'), revoked: revocations('refresh_token_reused') }
  assert.deepEqual(await deltas(async () => assert.equal((await refresh(tokens.refresh_token)).statusCode, 200), series), { rotated: 1, retried: 0, reused: 0, revoked: 0 })
  assert.deepEqual(await deltas(async () => assert.equal((await refresh(tokens.refresh_token)).statusCode, 200), series), { rotated: 0, retried: 1, reused: 0, revoked: 0 })
  t.clock.advance(11_000)
  const reused = await deltas(async () => assert.equal(json(await refresh(tokens.refresh_token)).code, 'REFRESH_TOKEN_REUSED'), series)
  assert.deepEqual(reused, { rotated: 0, retried: 0, reused: 1, revoked: 1 })
  const expired = await deltas(async () => {
    const fresh = await tokensOf()
    t.clock.advance((t.auth.issuer.refreshTtl + 1) * 1000)
    assert.equal(json(await refresh(fresh.refresh_token)).code, 'TOKEN_EXPIRED')
  }, { expired: refreshes('expired'), rotated: refreshes('rotated') })
  assert.deepEqual(expired, { expired: 1, rotated: 0 })
  // Refused by the route before the refresh flow (no token at all): still one refresh, not a guard rejection.
  const missing = await deltas(async () => {
    const res = await t.app.inject({ method: 'POST', url: '/auth/refresh' })
    assert.equal(json(res).code, 'TOKEN_MISSING')
  }, { invalid: refreshes('invalid'), rejected: rejections('TOKEN_MISSING') })
  assert.deepEqual(missing, { invalid: 1, rejected: 0 })
})

test('token rejections by code at the guard: missing, malformed, expired, revoked; an accepted token adds nothing', async () => {
  const tokens = await tokensOf()
  const me = (headers: Record<string, string> = {}) => t.app.inject({ url: '/auth/me', headers })
  const codes = ['TOKEN_MISSING', 'TOKEN_MALFORMED', 'TOKEN_EXPIRED', 'TOKEN_REVOKED']
  const series = Object.fromEntries(codes.map((c) => [c, rejections(c)]))
  const zero = Object.fromEntries(codes.map((c) => [c, 0]))
  assert.deepEqual(await deltas(async () => assert.equal((await me(bearer(tokens.access_token))).statusCode, 200), series), zero)
  assert.deepEqual(await deltas(() => me(), series), { ...zero, TOKEN_MISSING: 1 })
  assert.deepEqual(await deltas(() => me(bearer('not-a-jwt')), series), { ...zero, TOKEN_MALFORMED: 1 })
  const logout = () => t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token) })
  assert.deepEqual(await deltas(async () => assert.equal((await logout()).statusCode, 204), { logout: revocations('logout') }), { logout: 1 })
  assert.deepEqual(await deltas(async () => assert.equal(json(await me(bearer(tokens.access_token))).code, 'TOKEN_REVOKED'), series), { ...zero, TOKEN_REVOKED: 1 })
  const old = await tokensOf()
  t.clock.advance((t.auth.issuer.accessTtl + 1) * 1000)
  assert.deepEqual(await deltas(async () => assert.equal(json(await me(bearer(old.access_token))).code, 'TOKEN_EXPIRED'), series), { ...zero, TOKEN_EXPIRED: 1 })
})

test('revocations by reason: logout?scope=global counts each session it ends; other instances\' revocations (the feed) are theirs to count', async () => {
  const sessions = [await tokensOf(), await tokensOf(), await tokensOf()]
  // Every session of ada's not yet revoked: these three, and those earlier tests left.
  let ended: readonly string[] = []
  const off = t.auth.events.subscribe((e) => {
    if (e.type === 'user_sessions_revoked') ended = e.sessionIds
  })
  const global = await deltas(async () => {
    const res = await t.app.inject({ method: 'POST', url: '/auth/logout?scope=global', headers: bearer(sessions[0]!.access_token) })
    assert.equal(res.statusCode, 204)
  }, { global: revocations('logout_global'), logout: revocations('logout') })
  off()
  for (const s of sessions) assert.ok(ended.includes(t.auth.verifier.verify(s.access_token).sid!))
  assert.deepEqual(global, { global: ended.length, logout: 0 })
  const feed = await deltas(async () => {
    t.auth.events.publish({ type: 'session_revoked', sessionId: 'from-another-instance', reason: 'admin_revoked', at: new Date().toISOString() }, 'feed')
  }, { admin: revocations('admin_revoked') })
  assert.deepEqual(feed, { admin: 0 })
})

test('labels never hold a raw URL, an id, an email or a token; unmatched paths share one route value', async () => {
  const tokens = await tokensOf()
  const requests = [
    `/users/${encodeURIComponent(ADA)}`,
    `/users/ada_metrics?token=${tokens.access_token}`,
    `/nowhere/${adaId}/${tokens.refresh_token}`,
    `/auth/${ADA}`,
    `/admin/users/${adaId}`,
  ]
  for (const url of requests) await t.app.inject({ url, headers: bearer(tokens.access_token) })
  await t.app.inject({ url: `/auth/me?jwt=${tokens.access_token}` })
  const res = await t.app.inject({ url: '/metrics' })
  for (const secret of [ADA, encodeURIComponent(ADA), adaId, tokens.access_token, tokens.refresh_token, 'nowhere', 'ada_metrics']) {
    assert.ok(!res.body.includes(secret), `the exposition holds ${secret.slice(0, 24)}`)
  }
  const { samples } = parseExposition(res.body)
  const routes = new Set(samples.filter((s) => s.name === 'http_request_duration_seconds_count').map((s) => s.labels.route))
  for (const route of routes) assert.match(route!, /^(unmatched|\/[a-z/.:_-]*|\*)$/, `route label ${route}`)
  assert.ok(routes.has('/users/:username'))
  assert.ok(routes.has('/admin/users/:id'))
  assert.ok(routes.has('unmatched'))
  assert.ok(valueOf(parseExposition(res.body), 'http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status_code: '404' }) >= 2)
  for (const s of samples) for (const [k, v] of Object.entries(s.labels)) assert.ok(!/@|eyJ/.test(v), `${s.name}{${k}="${v}"}`)
})

test('gauges: session gate sizes, user cache hits and misses, hashes in flight, invalidation lag', async () => {
  const tokens = await tokensOf()
  const me = () => t.app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })
  await me() // the user row may or may not be cached yet
  const moved = await deltas(async () => {
    await me()
    await me()
  }, { hits: ['tokenwarden_user_cache_hits_total', {}], misses: ['tokenwarden_user_cache_misses_total', {}] })
  assert.deepEqual(moved, { hits: 2, misses: 0 })
  const now = await scrape()
  const stats = t.auth.stats()
  assert.equal(valueOf(now, 'tokenwarden_session_gate_sessions', { state: 'live' }), stats.sessions.live)
  assert.equal(valueOf(now, 'tokenwarden_session_gate_sessions', { state: 'revoked' }), stats.sessions.dead)
  assert.ok(stats.sessions.live >= 1 && stats.sessions.dead >= 1)
  assert.equal(valueOf(now, 'tokenwarden_user_cache_hits_total'), stats.userCache.hits)
  assert.equal(valueOf(now, 'tokenwarden_password_hashes_in_flight'), 0)
  assert.equal(valueOf(now, 'tokenwarden_password_hashes_queued'), 0)
  const lag = valueOf(now, 'tokenwarden_invalidation_lag_seconds')
  assert.ok(Number.isFinite(lag) && lag >= 0 && lag < 5, `lag ${lag}`)
})

test('refresh from a cookie: a failed CSRF echo and an expired cookie, refused by the route before the flow, count once each', async (c) => {
  const m = await testApp({ METRICS: 'true', JWT_TOKEN_LOCATION: 'cookies,headers' })
  c.after(() => m.app.close())
  const creds = { email: 'cookie.metrics@example.com', password: PASSWORD }
  await m.app.inject({ method: 'POST', url: '/auth/register', payload: creds })
  const login = await m.app.inject({ method: 'POST', url: '/auth/login?cookies=true', payload: creds })
  const jar = Object.fromEntries((login.cookies as { name: string; value: string }[]).map((k) => [k.name, k.value]))
  const refresh = (headers: Record<string, string> = {}) =>
    m.app.inject({ method: 'POST', url: '/auth/refresh', cookies: { refresh_token_cookie: jar.refresh_token_cookie! }, headers })
  const count = async () => {
    const e = parseExposition((await m.app.inject({ url: '/metrics' })).body)
    return Object.fromEntries(['invalid', 'expired', 'rotated'].map((o) => [o, valueOf(e, 'tokenwarden_refresh_total', { outcome: o })]))
  }
  assert.deepEqual(await count(), { invalid: 0, expired: 0, rotated: 0 })
  assert.equal(json(await refresh()).code, 'CSRF_FAILED')
  assert.deepEqual(await count(), { invalid: 1, expired: 0, rotated: 0 })
  m.clock.advance((m.auth.issuer.refreshTtl + 1) * 1000)
  assert.equal(json(await refresh({ 'x-csrf-token': jar.csrf_refresh_token! })).code, 'TOKEN_EXPIRED')
  assert.deepEqual(await count(), { invalid: 1, expired: 1, rotated: 0 })
})

test('RequestDurations: a value on a bound counts in that bucket (le is inclusive), above every bound only in +Inf; reset zeroes', async () => {
  const durations = new RequestDurations([0.1, 1])
  const series = durations.series('GET', '/x', 200)
  for (const seconds of [0.05, 0.1, 0.5, 1, 7]) durations.observe(series, seconds)
  const read = async () => {
    const { values } = await durations.get()
    const of = (metric: string, le?: number | string) => values.find((v) => v.metricName === metric && (le === undefined || v.labels.le === le))!.value
    const b = 'http_request_duration_seconds_bucket'
    return [of(b, 0.1), of(b, 1), of(b, '+Inf'), of('http_request_duration_seconds_sum'), of('http_request_duration_seconds_count')]
  }
  assert.deepEqual(await read(), [2, 4, 5, 8.65, 5])
  durations.reset()
  assert.deepEqual(await read(), [0, 0, 0, 0, 0])
  assert.throws(() => new RequestDurations([1, 0.5]), TypeError)
})
