// The paralympics example, driven with inject: the tutorial's Postman calls (register, the
// duplicate, login, the protected DELETE /api/noc/<code> with the bare token), public reads of
// the shipped dataset, every write refused without a token, bad input as 4xx codes, the
// tutorial's 5-minute expiry under a frozen clock, pinned algorithms, a deleted account's token
// refused at once; the Flask app's users brought over with `tokenwarden users import --from`;
// the data routes on PostgreSQL and MySQL when they are available; then the real command over HTTP.

import assert from 'node:assert/strict'
import { createHmac, pbkdf2Sync } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import Database from 'better-sqlite3'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { buildParalympics, paralympicsConfig } from '../../examples/paralympics/app.js'
import { loadEvents, loadRegions, parseCsv } from '../../examples/paralympics/dataset.js'
import { exampleEnv, runScript, spawnExample } from '../../examples/shared/spawn.js'
import { ManualClock } from '../../src/core/clock.js'
import { freshDatabase, needService } from '../support/services.js'

const SECRET = 'paralympics-example-test-secret-32-bytes-or-more'
const JSON_HEADERS = { 'content-type': 'application/json' }
// The tutorial's Postman body, with the one documented change: "test" is too short a password.
const TUTORIAL_USER = { email: 'test@test.com', password: 'test' }
const USER = { email: 'test@test.com', password: 'paralympic torch relay' }

async function start(env: Record<string, string> = {}, clock = new ManualClock(Date.UTC(2026, 0, 1))) {
  const config = paralympicsConfig(
    { JWT_SECRET: SECRET, DATABASE_URL: 'sqlite::memory:', NODE_ENV: 'test', ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1', ...env },
    tmpdir(),
  )
  return { ...(await buildParalympics(config, { clock })), clock }
}

const post = (app: FastifyInstance, url: string, payload: unknown, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload: payload as object, headers: { ...JSON_HEADERS, ...headers } })

async function login(app: FastifyInstance, user = USER): Promise<string> {
  await post(app, '/api/register', user)
  const res = await post(app, '/api/login', user)
  assert.equal(res.statusCode, 200, res.body)
  return res.json().token as string
}

/** The tutorial's client sends the token as the whole header: `Authorization: <token>`. */
const bare = (token: string) => ({ authorization: token })

function hs256(payload: object, header: object = { alg: 'HS256', typ: 'JWT' }, secret = SECRET): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}

test("the tutorial's Postman calls: register (201), the duplicate, login with the token it forgot to return", async () => {
  const { app, store } = await start()
  const weak = await post(app, '/api/register', TUTORIAL_USER)
  assert.equal(weak.statusCode, 400, 'the tutorial\'s password "test" is refused (documented change)')
  assert.equal(weak.json().code, 'VALIDATION_FAILED')
  assert.equal(weak.json().field, 'password')

  const created = await post(app, '/api/register', USER)
  assert.equal(created.statusCode, 201)
  assert.deepEqual(created.json(), { status: 'success', message: 'Successfully registered.' })
  const again = await post(app, '/api/register', { ...USER, email: ' Test@TEST.com ' })
  assert.equal(again.statusCode, 409)
  assert.equal(again.json().code, 'EMAIL_TAKEN')
  assert.equal(again.json().message, 'User already exists. Please Log in.')

  const res = await post(app, '/api/login', USER)
  assert.equal(res.statusCode, 200)
  const { status, message, token } = res.json()
  assert.deepEqual({ status, message }, { status: 'success', message: 'Successfully logged in.' })
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/)
  const hash = (await store.findUserByEmail('test@test.com'))!.passwordHash
  assert.match(hash, /^\$argon2id\$/, 'an argon2id hash, not the tutorial\'s Werkzeug one')

  const deleted = await app.inject({ method: 'DELETE', url: '/api/noc/NZL', headers: bare(token) })
  assert.equal(deleted.statusCode, 200)
  assert.deepEqual(deleted.json(), { 'Successfully deleted': 'NZL' })
  assert.equal((await app.inject({ url: '/api/noc/NZL' })).json().code, 'NOC_NOT_FOUND')
  await app.close()
})

test('a failed login: unknown email and wrong password get the same 401, never the tutorial\'s 500', async () => {
  const { app } = await start()
  await post(app, '/api/register', USER)
  for (const body of [{ ...USER, password: 'wrong password here' }, { ...USER, email: 'nobody@test.com' }]) {
    const res = await post(app, '/api/login', body)
    assert.equal(res.statusCode, 401)
    assert.equal(res.json().code, 'INVALID_CREDENTIALS')
  }
  await app.close()
})

test('reads are public: the shipped regions and events', async () => {
  const { app } = await start()
  const regions = (await app.inject({ url: '/api/noc' })).json() as { NOC: string }[]
  assert.equal(regions.length, loadRegions().length)
  assert.ok(regions.length >= 30)
  assert.deepEqual((await app.inject({ url: '/api/noc/GBR' })).json(), { NOC: 'GBR', region: 'United Kingdom', notes: 'Great Britain' })
  const missing = await app.inject({ url: '/api/noc/XYZ' })
  assert.equal(missing.statusCode, 404)
  assert.deepEqual(missing.json(), { statusCode: 404, code: 'NOC_NOT_FOUND', error: 'Not Found', message: 'Invalid resource URI' })

  const events = (await app.inject({ url: '/api/event' })).json() as { event_id: number; year: number; type: string }[]
  assert.equal(events.length, loadEvents().length)
  assert.ok(events.some((e) => e.type === 'summer') && events.some((e) => e.type === 'winter'))
  const beijing = events.find((e) => e.year === 2008)!
  assert.deepEqual((await app.inject({ url: `/api/event/${beijing.event_id}` })).json(), {
    event_id: beijing.event_id,
    type: 'summer',
    year: 2008,
    location: 'Beijing',
    NOC: 'CHN',
    start: '2008-09-06',
    end: '2008-09-17',
    countries: 146,
    events: 472,
    sports: 20,
    participants: 3951,
    male: null,
    female: null,
  })
  assert.equal((await app.inject({ url: '/api/event/9999' })).json().code, 'EVENT_NOT_FOUND')
  await app.close()
})

test('every write needs the token: POST, PATCH and DELETE without one are 401 TOKEN_MISSING; with it they work', async () => {
  const { app } = await start()
  const writes = [
    { method: 'POST', url: '/api/noc', payload: { NOC: 'ISL', region: 'Iceland' } },
    { method: 'PATCH', url: '/api/noc/ISL', payload: { notes: 'Reykjavik' } },
    { method: 'DELETE', url: '/api/noc/ISL' },
    { method: 'POST', url: '/api/event', payload: { type: 'summer', year: 2028, location: 'Los Angeles', NOC: 'USA' } },
    { method: 'PATCH', url: '/api/event/1', payload: { sports: 8 } },
  ] as const
  for (const w of writes) {
    const res = await app.inject({ ...w, headers: 'payload' in w ? JSON_HEADERS : {} })
    assert.equal(res.statusCode, 401, `${w.method} ${w.url}`)
    assert.equal(res.json().code, 'TOKEN_MISSING')
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="tokenwarden"')
  }
  assert.equal((await app.inject({ url: '/api/noc/ISL' })).statusCode, 404, 'nothing was written')

  const token = await login(app)
  const expected = [201, 200, 200, 201, 200]
  for (const [i, w] of writes.entries()) {
    const res = await app.inject({ ...w, headers: 'payload' in w ? { ...JSON_HEADERS, ...bare(token) } : bare(token) })
    assert.equal(res.statusCode, expected[i], `${w.method} ${w.url}: ${res.body}`)
  }
  const la = (await app.inject({ url: '/api/event' })).json().at(-1)
  assert.deepEqual([la.year, la.location, la.NOC, la.start], [2028, 'Los Angeles', 'USA', null])
  assert.equal((await app.inject({ url: '/api/event/1' })).json().sports, 8)
  await app.close()
})

test("the bare token, as Flask-JWT-Extended's JWT_HEADER_TYPE='' reads it; JWT_HEADER_TYPE=Bearer for the usual scheme", async () => {
  const { app } = await start()
  const token = await login(app)
  const withBearer = await app.inject({ method: 'DELETE', url: '/api/noc/NZL', headers: { authorization: `Bearer ${token}` } })
  assert.equal(withBearer.statusCode, 401)
  assert.equal(withBearer.json().code, 'TOKEN_MALFORMED', 'the whole header is the token')
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/noc/NZL', headers: bare(token) })).statusCode, 200)
  await app.close()

  const bearer = await start({ JWT_HEADER_TYPE: 'Bearer' })
  const token2 = await login(bearer.app)
  const noScheme = await bearer.app.inject({ method: 'DELETE', url: '/api/noc/NZL', headers: bare(token2) })
  assert.equal(noScheme.json().code, 'TOKEN_SCHEME_INVALID')
  assert.equal((await bearer.app.inject({ method: 'DELETE', url: '/api/noc/NZL', headers: { authorization: `Bearer ${token2}` } })).statusCode, 200)
  await bearer.app.close()
})

test('bad input is a 4xx with a code, never a 500', async () => {
  const { app } = await start()
  const token = await login(app)
  const auth = { ...JSON_HEADERS, ...bare(token) }
  const cases: [string, InjectOptions, number, string, string?][] = [
    ['login, no body', { method: 'POST', url: '/api/login' }, 400, 'VALIDATION_FAILED'],
    ['login, broken JSON', { method: 'POST', url: '/api/login', payload: '{"email":', headers: JSON_HEADERS }, 400, 'INVALID_JSON'],
    ['login, a form', { method: 'POST', url: '/api/login', payload: 'email=a&password=b', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['register, password an object', { method: 'POST', url: '/api/register', payload: { email: 'a@b.c', password: { text: 'long enough pass' } }, headers: JSON_HEADERS }, 400, 'VALIDATION_FAILED', 'password'],
    ['register, not an email', { method: 'POST', url: '/api/register', payload: { email: 'nope', password: 'long enough pass' }, headers: JSON_HEADERS }, 400, 'VALIDATION_FAILED', 'email'],
    ['region, lowercase code', { method: 'POST', url: '/api/noc', payload: { NOC: 'isl', region: 'Iceland' }, headers: auth }, 400, 'VALIDATION_FAILED', 'NOC'],
    ['region, no name', { method: 'POST', url: '/api/noc', payload: { NOC: 'ISL' }, headers: auth }, 400, 'VALIDATION_FAILED', 'region'],
    ['region, a taken code', { method: 'POST', url: '/api/noc', payload: { NOC: 'GBR', region: 'Britain' }, headers: auth }, 409, 'NOC_EXISTS'],
    ['region, change of key', { method: 'PATCH', url: '/api/noc/GBR', payload: { NOC: 'UKG' }, headers: auth }, 400, 'VALIDATION_FAILED', 'NOC'],
    ['region, empty patch', { method: 'PATCH', url: '/api/noc/GBR', payload: {}, headers: auth }, 400, 'VALIDATION_FAILED'],
    ['region, unknown', { method: 'PATCH', url: '/api/noc/XYZ', payload: { notes: 'x' }, headers: auth }, 404, 'NOC_NOT_FOUND'],
    ['region, delete a host', { method: 'DELETE', url: '/api/noc/JPN', headers: bare(token) }, 409, 'NOC_IN_USE'],
    ['region, delete unknown', { method: 'DELETE', url: '/api/noc/XYZ', headers: bare(token) }, 404, 'NOC_NOT_FOUND'],
    ['region, delete with an empty JSON body', { method: 'DELETE', url: '/api/noc/NZL', headers: auth }, 400, 'INVALID_JSON'],
    ['event, id not a number', { url: '/api/event/abc' }, 400, 'VALIDATION_FAILED', 'event_id'],
    ['event, unknown type', { method: 'POST', url: '/api/event', payload: { type: 'autumn', year: 2030, location: 'X' }, headers: auth }, 400, 'VALIDATION_FAILED', 'type'],
    ['event, year a word', { method: 'POST', url: '/api/event', payload: { type: 'summer', year: 'soon', location: 'X' }, headers: auth }, 400, 'VALIDATION_FAILED', 'year'],
    ['event, unknown host', { method: 'POST', url: '/api/event', payload: { type: 'summer', year: 2032, location: 'Brisbane', NOC: 'ZZZ' }, headers: auth }, 400, 'VALIDATION_FAILED', 'NOC'],
    ['event, not a date', { method: 'POST', url: '/api/event', payload: { type: 'summer', year: 2032, location: 'Brisbane', start: '2032-02-30' }, headers: auth }, 400, 'VALIDATION_FAILED', 'start'],
    ['event, end before start', { method: 'PATCH', url: '/api/event/1', payload: { end: '1960-09-01' }, headers: auth }, 400, 'VALIDATION_FAILED', 'end'],
    ['event, negative count', { method: 'PATCH', url: '/api/event/1', payload: { countries: -1 }, headers: auth }, 400, 'VALIDATION_FAILED', 'countries'],
    ['event, unknown', { method: 'PATCH', url: '/api/event/9999', payload: { sports: 1 }, headers: auth }, 404, 'EVENT_NOT_FOUND'],
    ['token, garbage', { method: 'DELETE', url: '/api/noc/NZL', headers: { authorization: 'not-a-token' } }, 401, 'TOKEN_MALFORMED'],
    ['no such route', { url: '/api/medals' }, 404, 'ROUTE_NOT_FOUND'],
  ]
  for (const [name, request, status, code, field] of cases) {
    const res = await app.inject(request)
    assert.equal(res.statusCode, status, `${name}: ${res.body}`)
    assert.equal(res.json().code, code, name)
    if (field !== undefined) assert.equal(res.json().field, field, name)
  }
  assert.equal((await app.inject({ url: '/api/noc/JPN' })).statusCode, 200, 'the host region is still there')
  await app.close()
})

test("the token expires after the tutorial's 5 minutes (frozen clock); ACCESS_TOKEN_TTL changes it", async () => {
  const { app, clock } = await start()
  const token = await login(app)
  clock.advance(5 * 60_000 - 1000)
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/noc/NZL', headers: bare(token) })).statusCode, 200)
  clock.advance(1000)
  const expired = await app.inject({ method: 'DELETE', url: '/api/noc/NOR', headers: bare(token) })
  assert.equal(expired.statusCode, 401)
  assert.equal(expired.json().code, 'TOKEN_EXPIRED')
  await app.close()

  const longer = await start({ ACCESS_TOKEN_TTL: '1h' })
  const token2 = await login(longer.app)
  longer.clock.advance(59 * 60_000)
  assert.equal((await longer.app.inject({ method: 'DELETE', url: '/api/noc/NZL', headers: bare(token2) })).statusCode, 200)
  await longer.app.close()
})

test("pinned algorithm and sessions: the tutorial's own PyJWT token, alg none and a deleted account's token are refused", async () => {
  const { app, auth } = await start()
  const token = await login(app)
  const now = Math.floor(Date.UTC(2026, 0, 1) / 1000)
  // What the tutorial's login signed: {exp, iat, sub} with the same secret, but no session.
  const pyjwt = hs256({ exp: now + 300, iat: now, sub: '1' })
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/noc/NZL', headers: bare(pyjwt) })).json().code, 'TOKEN_CLAIM_INVALID')
  const [, payload] = token.split('.')
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/noc/NZL', headers: bare(none) })).json().code, 'TOKEN_ALGORITHM_INVALID')

  const user = (await auth.accounts.findByEmail(USER.email))!
  await auth.admin.deleteUser(user.id)
  const after = await app.inject({ method: 'DELETE', url: '/api/noc/NZL', headers: bare(token) })
  assert.equal(after.statusCode, 401)
  assert.equal(after.json().code, 'TOKEN_REVOKED')
  await app.close()
})

test("the Flask app's users: `tokenwarden users import --from sqlite:<the Flask database>`, then log in with the old password", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-paralympics-import-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  // The tutorial's User table, with the hash Werkzeug's generate_password_hash writes (pbkdf2:sha256).
  const salt = 'QmFzZTY0U2FsdDE2'
  const werkzeug = `pbkdf2:sha256:600000$${salt}$${pbkdf2Sync(USER.password, salt, 600_000, 32, 'sha256').toString('hex')}`
  const flask = new Database(join(dir, 'paralympics.db'))
  flask.exec('CREATE TABLE user (id INTEGER PRIMARY KEY AUTOINCREMENT, email VARCHAR(255) UNIQUE NOT NULL, password VARCHAR(255) NOT NULL)')
  flask.prepare('INSERT INTO user (email, password) VALUES (?, ?)').run(USER.email, werkzeug)
  flask.close()

  const dataDir = join(dir, 'data')
  const imported = await runScript('src/cli/main.ts', ['users', 'import', '--from', `sqlite:${join(dir, 'paralympics.db')}`], exampleEnv({ DATA_DIR: dataDir }))
  assert.equal(imported.code, 0, imported.output)
  assert.match(imported.output, /Imported 1/)

  const config = paralympicsConfig({ DATA_DIR: dataDir, JWT_SECRET: SECRET, NODE_ENV: 'test', ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1' }, dir)
  const { app, store } = await buildParalympics(config)
  t.after(() => app.close())
  assert.equal((await store.findUserByEmail(USER.email))!.passwordHash, werkzeug)
  const res = await post(app, '/api/login', USER)
  assert.equal(res.statusCode, 200, res.body)
  assert.equal((await app.inject({ method: 'DELETE', url: '/api/noc/NZL', headers: bare(res.json().token) })).statusCode, 200)
  const user = (await store.findUserByEmail(USER.email))!
  assert.equal(user.id, '1', 'the Flask id is kept')
  assert.match(user.passwordHash, /^\$argon2id\$/)
})

for (const dialect of ['postgres', 'mysql'] as const) {
  describe(`the data routes on ${dialect}`, { ...needService(dialect) }, () => {
    test('tables created, the dataset loaded once, every write and refusal as on SQLite', async (t) => {
      const db = await freshDatabase(dialect)
      t.after(() => db.drop())
      const env = { JWT_SECRET: SECRET, DATABASE_URL: db.url, NODE_ENV: 'test', ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1' }
      let { app } = await buildParalympics(paralympicsConfig(env, tmpdir()))
      const token = await login(app)
      const auth = { ...JSON_HEADERS, ...bare(token) }
      assert.equal((await app.inject({ url: '/api/event' })).json().length, loadEvents().length)
      assert.equal((await app.inject({ method: 'POST', url: '/api/noc', payload: { NOC: 'ISL', region: 'Iceland' }, headers: auth })).statusCode, 201)
      assert.equal((await app.inject({ method: 'POST', url: '/api/noc', payload: { NOC: 'ISL', region: 'Iceland' }, headers: auth })).json().code, 'NOC_EXISTS')
      const added = await app.inject({ method: 'POST', url: '/api/event', payload: { type: 'winter', year: 2030, location: 'French Alps', NOC: 'FRA' }, headers: auth })
      assert.equal(added.statusCode, 201)
      assert.equal(added.json().event_id, loadEvents().length + 1)
      assert.equal((await app.inject({ method: 'PATCH', url: `/api/event/${added.json().event_id}`, payload: { sports: 6 }, headers: auth })).json().sports, 6)
      assert.equal((await app.inject({ method: 'DELETE', url: '/api/noc/FRA', headers: bare(token) })).json().code, 'NOC_IN_USE')
      assert.equal((await app.inject({ method: 'DELETE', url: '/api/noc/ISL', headers: bare(token) })).statusCode, 200)
      await app.close()

      // A second start finds the tables filled and leaves them as they are.
      ;({ app } = await buildParalympics(paralympicsConfig(env, tmpdir())))
      assert.equal((await app.inject({ url: '/api/event' })).json().length, loadEvents().length + 1)
      assert.equal((await app.inject({ url: '/api/noc/ISL' })).statusCode, 404)
      await app.close()
    })
  })
}

test('the dataset: one row per Games, hosts among the regions, dates in order, no count below zero', () => {
  assert.deepEqual(parseCsv('a,b\n"x, ""y""",\r\n'), [{ a: 'x, "y"', b: '' }])
  const regions = new Set(loadRegions().map((r) => r.NOC))
  const events = loadEvents()
  assert.equal(new Set(events.map((e) => `${e.type} ${e.year}`)).size, events.length)
  for (const e of events) {
    const name = `${e.type} ${e.year}`
    assert.ok(e.type === 'summer' || e.type === 'winter', name)
    assert.ok(e.NOC === null || regions.has(e.NOC), `${name}: host ${e.NOC}`)
    if (e.start !== null && e.end !== null) assert.ok(e.start <= e.end, name)
    for (const n of [e.countries, e.events, e.sports, e.participants, e.male, e.female]) assert.ok(n === null || (Number.isInteger(n) && n >= 0), name)
  }
  assert.equal(events.filter((e) => e.type === 'summer').length, 17)
})

test('the real command: npx tsx examples/paralympics/server.ts on a fresh data directory, and again on the same one', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-paralympics-'))
  t.after(() => rmSync(dataDir, { recursive: true, force: true }))
  const env = exampleEnv({ PORT: '0', DATA_DIR: dataDir })
  let server = await spawnExample('paralympics', env)
  t.after(() => server.stop())
  assert.match(server.output(), /generated a development secret/)
  assert.equal(statSync(join(dataDir, 'jwt-secret')).mode & 0o777, 0o600)
  assert.ok(statSync(join(dataDir, 'tokenwarden.db')).isFile())

  const call = (path: string, init: RequestInit = {}) => fetch(`${server.url}/api${path}`, init)
  const json = { 'content-type': 'application/json' }
  assert.equal((await call('/noc')).status, 200)
  assert.equal((await call('/register', { method: 'POST', headers: json, body: JSON.stringify(USER) })).status, 201)
  const { token } = (await (await call('/login', { method: 'POST', headers: json, body: JSON.stringify(USER) })).json()) as { token: string }
  assert.equal((await call('/noc/NZL', { method: 'DELETE' })).status, 401)
  assert.equal((await call('/noc/NZL', { method: 'DELETE', headers: { authorization: token } })).status, 200)
  await server.stop()

  // Same data directory: the secret and the account were kept, so the token still works.
  server = await spawnExample('paralympics', env)
  assert.doesNotMatch(server.output(), /generated a development secret/)
  assert.equal((await call('/noc/NZL')).status, 404, 'the deletion was kept')
  assert.equal((await call('/noc/NOR', { method: 'DELETE', headers: { authorization: token } })).status, 409)
  await server.stop()

  const production = await runScript('examples/paralympics/server.ts', [], exampleEnv({ PORT: '0', DATA_DIR: dataDir, NODE_ENV: 'production' }))
  assert.equal(production.code, 2)
  assert.match(production.output, /JWT_SECRET/)
})
