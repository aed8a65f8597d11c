// LEGACY_TOKENS: tokens a Flask + PyJWT / Flask-JWT-Extended app signed with the shared secret
// (no kid, no sid). Refused by default; with `accept`, taken on guarded routes while their user
// is live, refused at once when the user is disabled, deleted, loses a role or logs out
// everywhere; a legacy refresh token opens a session once, and reusing it is theft.

import assert from 'node:assert/strict'
import { createHmac, randomUUID } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { after, before, test } from 'node:test'
import { ConfigError } from '../../src/core/config.js'
import { bearer, json, signUpAdmin, TEST_SECRET, testApp, testConfig, type TestApp, type Tokens } from '../helpers.js'
import { contextOf } from '../../src/core/auth.js'

const PBKDF2 = 'pbkdf2:sha256:1000$FYXZiSvtlwDQEHBN$a5169a4cce39d13d17df5f1f76375a3799cf9ea0edc5e739e80c459f104d8193'
const PYTHON = '/usr/bin/python3'

/** A token as the seed app's PyJWT code makes it: HS256, {alg, typ} header, no kid, no sid. */
function forge(claims: Record<string, unknown>, secret = TEST_SECRET): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const input = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}

let clockOf: TestApp['clock'] | undefined
/** Flask-JWT-Extended's claim layout for `create_access_token(identity=sub, fresh=True)` (or a refresh token). */
function flaskClaims(sub: unknown, type: 'access' | 'refresh' = 'access', extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(clockOf!.now() / 1000)
  const ttl = type === 'access' ? 900 : 30 * 86400
  return { sub, iat: now, nbf: now, exp: now + ttl, jti: randomUUID(), type, ...(type === 'access' ? { fresh: true } : {}), ...extra }
}
const flaskToken = (sub: unknown, type: 'access' | 'refresh' = 'access') => forge(flaskClaims(sub, type))
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>

let off: TestApp
let t: TestApp
let admin: Tokens
let n = 40
before(async () => {
  off = await testApp()
  t = await testApp({ LEGACY_TOKENS: 'accept' })
  clockOf = t.clock
  admin = (await signUpAdmin(t.app, t.auth)).tokens
})
after(async () => {
  await off.app.close()
  await t.app.close()
})

/** A user imported from the Flask app: id kept as a string, Werkzeug hash kept. */
async function flaskUser(app: TestApp = t, roles = ['user']): Promise<string> {
  const id = String(++n)
  const r = await contextOf(app.auth).store.createUser({ id, email: `u${id}@example.com`, username: null, passwordHash: PBKDF2, roles, createdAt: new Date(app.clock.now()).toISOString() })
  assert.ok(r.ok)
  return id
}
const me = (app: TestApp, token: string) => app.app.inject({ url: '/auth/me', headers: bearer(token) })
const refresh = (app: TestApp, token: string) => app.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: token } })
const patchUser = (id: string, body: Record<string, unknown>) => t.app.inject({ method: 'PATCH', url: `/admin/users/${id}`, headers: bearer(admin.access_token), payload: body })

test('LEGACY_TOKENS is off unless set to accept; any other value names the variable', () => {
  assert.equal(testConfig().legacyTokens, 'off')
  assert.equal(testConfig({ LEGACY_TOKENS: 'accept' }).legacyTokens, 'accept')
  assert.throws(() => testConfig({ LEGACY_TOKENS: 'yes' }), (err) => err instanceof ConfigError && err.variable === 'LEGACY_TOKENS')
})

test('LEGACY_TOKENS off (the default): a Flask token is refused, access and refresh alike', async () => {
  clockOf = off.clock
  const id = await flaskUser(off)
  const res = await me(off, flaskToken(id))
  assert.equal(res.statusCode, 401)
  assert.equal(json(res).code, 'TOKEN_CLAIM_INVALID')
  assert.equal(json(await refresh(off, flaskToken(id, 'refresh'))).code, 'TOKEN_CLAIM_INVALID')
  clockOf = t.clock
})

test('accept: a Flask access token works on guarded routes while its user is live', async () => {
  const id = await flaskUser()
  const token = flaskToken(id)
  const res = await me(t, token)
  assert.equal(res.statusCode, 200, res.body)
  assert.equal(json(res).id, id)
  assert.equal((await me(t, token)).statusCode, 200, 'answered again (from the cache)')
  assert.equal(json(await me(t, forge(flaskClaims(id), 'another-secret-that-is-32-bytes-long!!'))).code, 'TOKEN_SIGNATURE_INVALID')
  assert.equal(json(await me(t, flaskToken('no-such-user'))).code, 'TOKEN_REVOKED')
  const now = Math.floor(t.clock.now() / 1000)
  assert.equal(json(await me(t, forge(flaskClaims(id, 'access', { iat: now - 900, nbf: now - 900, exp: now })))).code, 'TOKEN_EXPIRED')
})

test('accept: a numeric sub is refused (TOKEN_CLAIM_INVALID), as PyJWT >= 2.10 does', async () => {
  const id = await flaskUser()
  const res = await me(t, flaskToken(Number(id)))
  assert.equal(res.statusCode, 401)
  assert.equal(json(res).code, 'TOKEN_CLAIM_INVALID')
})

test('accept: disabling the user refuses their legacy tokens at once; re-enabling takes only new ones', async () => {
  const id = await flaskUser()
  const token = flaskToken(id)
  assert.equal((await me(t, token)).statusCode, 200)
  assert.equal((await patchUser(id, { disabled: true })).statusCode, 200)
  assert.equal(json(await me(t, token)).code, 'TOKEN_REVOKED')
  assert.equal(json(await me(t, flaskToken(id))).code, 'TOKEN_REVOKED', 'a token the Flask app signs now: the user is disabled')
  t.clock.advance(1000)
  assert.equal((await patchUser(id, { disabled: false })).statusCode, 200)
  assert.equal(json(await me(t, token)).code, 'TOKEN_REVOKED', 'issued before the disable: stays dead')
  t.clock.advance(1000)
  assert.equal((await me(t, flaskToken(id))).statusCode, 200)
})

test('accept: deleting the user, removing a role or a global logout refuses their legacy tokens', async () => {
  const deleted = await flaskUser()
  const token = flaskToken(deleted)
  assert.equal((await me(t, token)).statusCode, 200)
  assert.equal((await t.app.inject({ method: 'DELETE', url: `/admin/users/${deleted}`, headers: bearer(admin.access_token) })).statusCode, 204)
  assert.equal(json(await me(t, token)).code, 'TOKEN_REVOKED')

  const demoted = await flaskUser(t, ['user', 'editor'])
  const before = flaskToken(demoted)
  assert.equal((await me(t, before)).statusCode, 200)
  assert.equal((await patchUser(demoted, { roles: ['user'] })).statusCode, 200)
  assert.equal(json(await me(t, before)).code, 'TOKEN_REVOKED')

  const leaving = await flaskUser()
  const first = flaskToken(leaving)
  const second = flaskToken(leaving)
  const out = await t.app.inject({ method: 'POST', url: '/auth/logout?scope=global', headers: bearer(first) })
  assert.equal(out.statusCode, 204)
  assert.equal(json(await me(t, second)).code, 'TOKEN_REVOKED')
})

test('accept: logout with a legacy access token retires that token only', async () => {
  const id = await flaskUser()
  const [a, b] = [flaskToken(id), flaskToken(id)]
  assert.equal((await t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(a) })).statusCode, 204)
  assert.equal(json(await me(t, a)).code, 'TOKEN_REVOKED')
  assert.equal((await me(t, b)).statusCode, 200)
})

test('accept: role-guarded routes refuse legacy tokens (no roles claim): 403 ROLE_REQUIRED', async () => {
  const id = await flaskUser(t, ['user', 'admin'])
  const res = await t.app.inject({ url: '/admin/users', headers: bearer(flaskToken(id)) })
  assert.equal(res.statusCode, 403)
  assert.equal(json(res).code, 'ROLE_REQUIRED')
})

test('accept: a legacy refresh token opens a session once; the second exchange is reuse and kills that session', async () => {
  const id = await flaskUser()
  const legacy = flaskToken(id, 'refresh')
  const res = await t.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: legacy }, headers: { 'user-agent': 'flask-client/1.0' } })
  assert.equal(res.statusCode, 200, res.body)
  const pair = json<Tokens>(res)
  const access = claimsOf(pair.access_token)
  assert.equal(access.sub, id)
  assert.equal(typeof access.sid, 'string')
  assert.equal(access.fresh, false, 'a refresh never proves the password')
  assert.deepEqual(access.roles, ['user'])
  assert.equal((await me(t, pair.access_token)).statusCode, 200)
  const sessions = json<{ sessions: { user_agent: string | null }[] }>(await t.app.inject({ url: '/auth/sessions', headers: bearer(pair.access_token) }))
  assert.equal(sessions.sessions[0]!.user_agent, 'flask-client/1.0')
  // The new session's own refresh token rotates as usual.
  const rotated = await refresh(t, pair.refresh_token)
  assert.equal(rotated.statusCode, 200)

  t.clock.advance(60_000)
  const again = await refresh(t, legacy)
  assert.equal(again.statusCode, 401)
  assert.equal(json(again).code, 'REFRESH_TOKEN_REUSED')
  assert.equal(json(await me(t, json<Tokens>(rotated).access_token)).code, 'TOKEN_REVOKED', 'the exchanged session is revoked')
})

test('accept: a legacy refresh token of a disabled user is refused; an access token is no refresh token', async () => {
  const id = await flaskUser()
  const legacy = flaskToken(id, 'refresh')
  assert.equal(json(await refresh(t, flaskToken(id))).code, 'TOKEN_TYPE_INVALID')
  assert.equal((await patchUser(id, { disabled: true })).statusCode, 200)
  assert.equal(json(await refresh(t, legacy)).code, 'TOKEN_REVOKED')
})

/** Why PyJWT cannot run here, or undefined when it can; under CI=true its absence fails the test. */
function pyjwtMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import jwt'], { env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8', timeout: 20_000 })
  if (probe.status === 0) return undefined
  const why = `${PYTHON} cannot import jwt (apt-get install python3-jwt)`
  assert.notEqual(process.env.CI, 'true', `PyJWT legacy-token tests must run under CI: ${why}`)
  console.log(`skipping PyJWT legacy token: ${why}`)
  return why
}

/** Runs `lines` of Python with `now` (a datetime from our frozen clock) defined; returns what it printed. */
function python(lines: string[], env: Record<string, string>): string {
  const code = ['import jwt, os, uuid', 'from datetime import datetime, timedelta, timezone', 'now = datetime.fromtimestamp(int(os.environ["NOW"]), timezone.utc)', ...lines].join('\n')
  const r = spawnSync(PYTHON, ['-c', code], {
    env: { PATH: '/usr/bin:/bin', SECRET: TEST_SECRET, NOW: String(Math.floor(Math.min(t.clock.now(), off.clock.now()) / 1000)), ...env },
    encoding: 'utf8',
    timeout: 20_000,
  })
  assert.equal(r.status, 0, r.stderr)
  return r.stdout.trim()
}

test('accept: a token PyJWT itself signs (the seed app\'s jwt.encode) is accepted', async (ctx) => {
  const missing = pyjwtMissing()
  if (missing !== undefined) return ctx.skip(missing)
  const id = await flaskUser()
  // The seed app's login code (shared/peers/flask_pyjwt_app.py).
  const token = python([
    'print(jwt.encode({"sub": os.environ["SUB"], "iat": now, "nbf": now, "exp": now + timedelta(minutes=15),',
    '  "jti": str(uuid.uuid4()), "type": "access", "fresh": True}, os.environ["SECRET"], algorithm="HS256"))',
  ], { SUB: id })
  const res = await me(t, token)
  assert.equal(res.statusCode, 200, res.body)
  assert.equal(json(res).id, id)
  assert.equal(json(await me(off, token)).code, 'TOKEN_CLAIM_INVALID')
})

/** PUT /auth/me/password with a wrong current password: 403 PASSWORD_INCORRECT once past the fresh guard, 401 TOKEN_NOT_FRESH before it. */
const freshRoute = (token: string) =>
  t.app.inject({ method: 'PUT', url: '/auth/me/password', headers: bearer(token), payload: { current_password: 'not the password', new_password: 'another good password 1' } })

test('accept: a Flask-JWT-Extended fresh timestamp (fresh=timedelta) is fresh until that time, to the instant, with no leeway', async () => {
  const id = await flaskUser()
  const now = t.clock.now() / 1000
  // FJE 4's _encode_jwt: "fresh": datetime.timestamp(now + fresh), seconds with a fraction.
  const token = forge(flaskClaims(id, 'access', { fresh: now + 300.25 }))
  assert.equal(json(await freshRoute(token)).code, 'PASSWORD_INCORRECT', 'fresh: past the guard, the password is checked')
  t.clock.advance(300_250)
  assert.equal(json(await freshRoute(token)).code, 'PASSWORD_INCORRECT', 'fresh at its own instant (FJE refuses only once fresh < now)')
  t.clock.advance(1)
  const stale = await freshRoute(token)
  assert.equal(stale.statusCode, 401)
  assert.equal(json(stale).code, 'TOKEN_NOT_FRESH')
  assert.equal((await me(t, token)).statusCode, 200, 'no longer fresh, still a valid access token')

  const past = forge(flaskClaims(id, 'access', { fresh: t.clock.now() / 1000 - 1 }))
  assert.equal(json(await freshRoute(past)).code, 'TOKEN_NOT_FRESH')
  assert.equal(json(await freshRoute(forge(flaskClaims(id, 'access', { fresh: false })))).code, 'TOKEN_NOT_FRESH')
  assert.equal(json(await freshRoute(forge(flaskClaims(id)))).code, 'PASSWORD_INCORRECT', 'fresh: true stays fresh')
  for (const fresh of ['2099-01-01', null, [1]]) {
    assert.equal(json(await me(t, forge(flaskClaims(id, 'access', { fresh })))).code, 'TOKEN_CLAIM_INVALID', JSON.stringify(fresh))
  }
})

test('accept: a fresh timestamp written by FJE 4\'s own expression (PyJWT, datetime.timestamp(now + timedelta)) is honoured', async (ctx) => {
  const missing = pyjwtMissing()
  if (missing !== undefined) return ctx.skip(missing)
  const id = await flaskUser()
  const issuedAt = Math.floor(t.clock.now() / 1000)
  const token = python([
    'print(jwt.encode({"sub": os.environ["SUB"], "iat": now, "nbf": now, "exp": now + timedelta(minutes=15), "jti": str(uuid.uuid4()),',
    '  "type": "access", "fresh": datetime.timestamp(now + timedelta(minutes=5))}, os.environ["SECRET"], algorithm="HS256"))',
  ], { SUB: id, NOW: String(issuedAt) })
  assert.equal(claimsOf(token).fresh, issuedAt + 300)
  t.clock.set(issuedAt * 1000 + 60_000)
  assert.equal(json(await freshRoute(token)).code, 'PASSWORD_INCORRECT')
  t.clock.set(issuedAt * 1000 + 300_001)
  assert.equal(json(await freshRoute(token)).code, 'TOKEN_NOT_FRESH')
  assert.equal((await me(t, token)).statusCode, 200)
})
