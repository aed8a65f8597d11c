// Two-factor login over HTTP (every answer checked against the served OpenAPI document by
// testApp): enroll with a fresh token (secret, otpauth URI, QR SVG), confirm (recovery codes
// once), the password step's mfa_token and no session, the second step (amr, replay, wrong
// codes throttled, recovery codes once, two racing uses of one mfa_token, cookies), amr after a
// refresh, disable needing a fresh token and a code, the admin's reset, MFA_REQUIRED_ROLES, and
// a plugin guard with `mfa: true`. No code, secret or mfa_token appears in an error body.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify from 'fastify'
import type { FastifyInstance } from 'fastify'
import { tokenwarden } from '../../src/fastify.js'
import type { ManualClock } from '../../src/core/clock.js'
import { totpCode } from '../../src/core/mfa/totp.js'
import { bearer, coreAuth, json, logIn, signUpAdmin, testApp, type Tokens } from '../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
}

/** Enrolls the account logged in with `tokens` and returns its secret and recovery codes; the clock moves past the confirming step. */
async function enroll(app: FastifyInstance, clock: ManualClock, tokens: Tokens): Promise<{ secret: string; recoveryCodes: string[] }> {
  const started = await app.inject({ method: 'POST', url: '/auth/mfa/totp', headers: bearer(tokens.access_token) })
  assert.equal(started.statusCode, 200, started.body)
  const { secret, otpauth_uri, qr_svg } = json<{ secret: string; otpauth_uri: string; qr_svg: string }>(started)
  assert.ok(otpauth_uri.startsWith('otpauth://totp/') && otpauth_uri.includes(`secret=${secret}`))
  assert.ok(qr_svg.startsWith('<svg') && qr_svg.includes('</svg>'))
  const confirmed = await app.inject({ method: 'POST', url: '/auth/mfa/totp/confirm', headers: bearer(tokens.access_token), payload: { code: totpCode(secret, clock.now()) } })
  assert.equal(confirmed.statusCode, 200, confirmed.body)
  const recoveryCodes = json<{ recovery_codes: string[] }>(confirmed).recovery_codes
  assert.equal(recoveryCodes.length, 10)
  clock.advance(30_000)
  return { secret, recoveryCodes }
}

async function passwordStep(app: FastifyInstance, body: Record<string, string> = ADA): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: body })
  assert.equal(res.statusCode, 200, res.body)
  const b = json(res)
  assert.equal(b.mfa_required, true)
  assert.equal(b.access_token, undefined, 'no session before the second factor')
  assert.equal(b.expires_in, 300)
  return b.mfa_token as string
}

function secondStep(app: FastifyInstance, payload: Record<string, unknown>, url = '/auth/login/mfa') {
  return app.inject({ method: 'POST', url, payload })
}

async function setup(env: Record<string, string> = {}) {
  const t = await testApp(env)
  await t.app.inject({ method: 'POST', url: '/auth/register', payload: ADA })
  const first = await logIn(t.app, ADA.email, ADA.password)
  assert.deepEqual(claimsOf(first.access_token).amr, ['pwd'])
  const factor = await enroll(t.app, t.clock, first)
  return { ...t, first, ...factor }
}

test('enroll, then log in in two steps: amr pwd, otp, mfa, kept by a refresh; GET /auth/me and /auth/mfa show it on', async (t) => {
  const { app, clock, secret, first } = await setup()
  t.after(() => app.close())
  const token = await passwordStep(app)
  const res = await secondStep(app, { mfa_token: token, code: totpCode(secret, clock.now()) })
  assert.equal(res.statusCode, 200, res.body)
  const tokens = json<Tokens>(res)
  assert.deepEqual(claimsOf(tokens.access_token).amr, ['pwd', 'otp', 'mfa'])
  const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(tokens.refresh_token) })
  assert.equal(refreshed.statusCode, 200)
  assert.deepEqual(claimsOf(json<Tokens>(refreshed).access_token).amr, ['pwd', 'otp', 'mfa'])
  assert.equal(json(await app.inject({ url: '/auth/me', headers: bearer(first.access_token) })).mfa_enabled, true)
  assert.deepEqual(json(await app.inject({ url: '/auth/mfa', headers: bearer(first.access_token) })), { enabled: true, pending: false, recovery_codes_left: 10, required: false })
  const again = await secondStep(app, { mfa_token: token, code: totpCode(secret, clock.now()) })
  assert.equal(again.statusCode, 401)
  assert.equal(json(again).code, 'MFA_TOKEN_INVALID')
})

test('a code is refused a second time (replay), with 401 MFA_CODE_INVALID, and the mfa_token survives a wrong code', async (t) => {
  const { app, clock, secret } = await setup()
  t.after(() => app.close())
  const code = totpCode(secret, clock.now())
  assert.equal((await secondStep(app, { mfa_token: await passwordStep(app), code })).statusCode, 200)
  const token = await passwordStep(app)
  const replay = await secondStep(app, { mfa_token: token, code })
  assert.equal(replay.statusCode, 401)
  assert.equal(json(replay).code, 'MFA_CODE_INVALID')
  assert.ok(!replay.body.includes(code) && !replay.body.includes(token), 'nothing submitted is echoed')
  clock.advance(30_000)
  assert.equal((await secondStep(app, { mfa_token: token, code: totpCode(secret, clock.now()) })).statusCode, 200)
})

test('wrong codes count toward the login throttle: past LOGIN_MAX_FAILURES the second step answers 429', async (t) => {
  const { app, clock, secret } = await setup({ LOGIN_MAX_FAILURES: '3' })
  t.after(() => app.close())
  const right = totpCode(secret, clock.now())
  const wrong = right === '000000' ? '111111' : '000000'
  const token = await passwordStep(app)
  for (let i = 0; i < 3; i++) assert.equal(json(await secondStep(app, { mfa_token: token, code: wrong })).code, 'MFA_CODE_INVALID')
  const throttled = await secondStep(app, { mfa_token: token, code: right })
  assert.equal(throttled.statusCode, 429)
  assert.equal(json(throttled).code, 'LOGIN_THROTTLED')
  assert.ok(Number(throttled.headers['retry-after']) > 0)
})

test('a recovery code logs in once (amr pwd, mfa); both or neither of code and recovery_code is a 400', async (t) => {
  const { app, recoveryCodes, clock, secret } = await setup()
  t.after(() => app.close())
  const res = await secondStep(app, { mfa_token: await passwordStep(app), recovery_code: recoveryCodes[0]! })
  assert.equal(res.statusCode, 200, res.body)
  assert.deepEqual(claimsOf(json<Tokens>(res).access_token).amr, ['pwd', 'mfa'])
  const token = await passwordStep(app)
  const reused = await secondStep(app, { mfa_token: token, recovery_code: recoveryCodes[0]! })
  assert.equal(json(reused).code, 'MFA_CODE_INVALID')
  for (const payload of [{ mfa_token: token }, { mfa_token: token, code: totpCode(secret, clock.now()), recovery_code: recoveryCodes[1]! }]) {
    const bad = await secondStep(app, payload)
    assert.equal(bad.statusCode, 400)
    assert.equal(json(bad).code, 'VALIDATION_FAILED')
  }
})

test('two racing second steps with one mfa_token: exactly one gets tokens', async (t) => {
  const { app, recoveryCodes, clock, secret } = await setup()
  t.after(() => app.close())
  const token = await passwordStep(app)
  const [a, b] = await Promise.all([
    secondStep(app, { mfa_token: token, code: totpCode(secret, clock.now()) }),
    secondStep(app, { mfa_token: token, recovery_code: recoveryCodes[0]! }),
  ])
  assert.deepEqual([a.statusCode, b.statusCode].sort(), [200, 401])
  assert.equal(json(a.statusCode === 401 ? a : b).code, 'MFA_TOKEN_INVALID')
})

test('the second step can deliver cookies', async (t) => {
  const { app, clock, secret } = await setup({ JWT_TOKEN_LOCATION: 'headers,cookies' })
  t.after(() => app.close())
  const res = await secondStep(app, { mfa_token: await passwordStep(app), code: totpCode(secret, clock.now()) }, '/auth/login/mfa?cookies=true')
  assert.equal(res.statusCode, 200, res.body)
  assert.equal(json(res).token_type, 'cookie')
  assert.ok(res.cookies.some((c) => c.name === 'access_token_cookie' && c.httpOnly === true))
})

test('enrollment needs a fresh token; confirming needs a pending secret and a right code', async (t) => {
  const { app, clock } = await testApp()
  t.after(() => app.close())
  await app.inject({ method: 'POST', url: '/auth/register', payload: ADA })
  const tokens = await logIn(app, ADA.email, ADA.password)
  const early = await app.inject({ method: 'POST', url: '/auth/mfa/totp/confirm', headers: bearer(tokens.access_token), payload: { code: '123456' } })
  assert.equal(json(early).code, 'MFA_ENROLLMENT_NOT_STARTED')
  const refreshed = json<Tokens>(await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(tokens.refresh_token) }))
  const stale = await app.inject({ method: 'POST', url: '/auth/mfa/totp', headers: bearer(refreshed.access_token) })
  assert.equal(json(stale).code, 'TOKEN_NOT_FRESH')
  const started = json<{ secret: string }>(await app.inject({ method: 'POST', url: '/auth/mfa/totp', headers: bearer(tokens.access_token) }))
  const right = totpCode(started.secret, clock.now())
  const wrong = await app.inject({ method: 'POST', url: '/auth/mfa/totp/confirm', headers: bearer(tokens.access_token), payload: { code: right === '000000' ? '111111' : '000000' } })
  assert.equal(wrong.statusCode, 401)
  assert.equal(json(wrong).code, 'MFA_CODE_INVALID')
  assert.equal(json(await app.inject({ url: '/auth/mfa', headers: bearer(tokens.access_token) })).pending, true)
})

test('disable needs a fresh token and a right code; then a password alone logs in', async (t) => {
  const { app, clock, secret, first } = await setup()
  t.after(() => app.close())
  const none = await app.inject({ method: 'DELETE', url: '/auth/mfa/totp', headers: bearer(first.access_token), payload: {} })
  assert.equal(json(none).code, 'VALIDATION_FAILED')
  const right = totpCode(secret, clock.now())
  const wrong = await app.inject({ method: 'DELETE', url: '/auth/mfa/totp', headers: bearer(first.access_token), payload: { code: right === '000000' ? '111111' : '000000' } })
  assert.equal(json(wrong).code, 'MFA_CODE_INVALID')
  const refreshed = json<Tokens>(await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(first.refresh_token) }))
  const stale = await app.inject({ method: 'DELETE', url: '/auth/mfa/totp', headers: bearer(refreshed.access_token), payload: { code: right } })
  assert.equal(json(stale).code, 'TOKEN_NOT_FRESH')
  const off = await app.inject({ method: 'DELETE', url: '/auth/mfa/totp', headers: bearer(first.access_token), payload: { code: right } })
  assert.equal(off.statusCode, 204, off.body)
  const plain = json(await app.inject({ method: 'POST', url: '/auth/login', payload: ADA }))
  assert.equal(typeof plain.access_token, 'string')
  assert.equal(plain.mfa_required, undefined)
})

test("an admin resets a user's two-factor login: the factor is gone and every session of the user ends", async (t) => {
  const { app, auth, first } = await setup()
  t.after(() => app.close())
  const admin = await signUpAdmin(app, auth)
  const user = json(await app.inject({ url: '/auth/me', headers: bearer(first.access_token) }))
  const seen = json(await app.inject({ url: `/admin/users/${user.id}`, headers: bearer(admin.tokens.access_token) }))
  assert.equal(seen.mfa_enabled, true)
  assert.equal(json(await app.inject({ url: `/admin/users/${user.id}/mfa`, headers: bearer(admin.tokens.access_token) })).enabled, true)
  const reset = await app.inject({ method: 'DELETE', url: `/admin/users/${user.id}/mfa`, headers: bearer(admin.tokens.access_token) })
  assert.equal(reset.statusCode, 200, reset.body)
  assert.equal(json(reset).revoked, 1)
  assert.equal(json(await app.inject({ url: '/auth/me', headers: bearer(first.access_token) })).code, 'TOKEN_REVOKED')
  const again = await app.inject({ method: 'DELETE', url: `/admin/users/${user.id}/mfa`, headers: bearer(admin.tokens.access_token) })
  assert.equal(json(again).code, 'MFA_NOT_ENABLED')
  const byUser = await app.inject({ method: 'DELETE', url: `/admin/users/${admin.id}/mfa`, headers: bearer((await logIn(app, ADA.email, ADA.password)).access_token) })
  assert.equal(json(byUser).code, 'ROLE_REQUIRED')
})

test('MFA_REQUIRED_ROLES=admin: an admin without a factor is told to enroll, refused on admin routes (MFA_REQUIRED) but can enroll, and gets in after a login with a code', async (t) => {
  const { app, auth, clock } = await testApp({ MFA_REQUIRED_ROLES: 'admin' })
  t.after(() => app.close())
  await auth.accounts.register({ email: 'root@example.com', password: 'admin password 1', roles: ['user', 'admin'] })
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'root@example.com', password: 'admin password 1' } })
  const tokens = json<Tokens & { mfa_enrollment_required?: boolean }>(login)
  assert.equal(tokens.mfa_enrollment_required, true)
  const refused = await app.inject({ url: '/admin/users', headers: bearer(tokens.access_token) })
  assert.equal(refused.statusCode, 403)
  assert.equal(json(refused).code, 'MFA_REQUIRED')
  assert.equal(json(await app.inject({ url: '/auth/mfa', headers: bearer(tokens.access_token) })).required, true)
  const { secret } = await enroll(app, clock, tokens)
  const token = await passwordStep(app, { email: 'root@example.com', password: 'admin password 1' })
  const second = json<Tokens>(await secondStep(app, { mfa_token: token, code: totpCode(secret, clock.now()) }))
  assert.equal((await app.inject({ url: '/admin/users', headers: bearer(second.access_token) })).statusCode, 200)
  // A user without the role is not asked.
  await app.inject({ method: 'POST', url: '/auth/register', payload: ADA })
  assert.equal(json(await app.inject({ method: 'POST', url: '/auth/login', payload: ADA })).mfa_enrollment_required, undefined)
})

test("the plugin's guard option mfa: true refuses a password-only token with 403 MFA_REQUIRED and takes one with a second factor", async (t) => {
  const { auth, clock } = coreAuth()
  const app = Fastify()
  t.after(() => app.close())
  await app.register(tokenwarden, { auth })
  app.get('/vault', { onRequest: app.tokenwarden.guard({ mfa: true }) }, async (request) => ({ amr: request.jwt!.amr }))
  const user = await auth.accounts.register(ADA)
  const plain = await auth.accounts.login(ADA)
  const refused = await app.inject({ url: '/vault', headers: bearer(plain.accessToken) })
  assert.equal(refused.statusCode, 403)
  assert.equal(json(refused).code, 'MFA_REQUIRED')
  assert.match(String(refused.headers['www-authenticate']), /insufficient_scope/)
  const { secret } = await auth.accounts.startTotp(user.id)
  await auth.accounts.confirmTotp(user.id, totpCode(secret, clock.now()))
  clock.advance(30_000)
  const step = await auth.accounts.signIn(ADA)
  assert.ok(step.mfaRequired)
  const done = await auth.accounts.completeSignIn(step.mfaToken, { code: totpCode(secret, clock.now()) })
  const ok = await app.inject({ url: '/vault', headers: bearer(done.accessToken) })
  assert.equal(ok.statusCode, 200)
  assert.deepEqual(json(ok).amr, ['pwd', 'otp', 'mfa'])
})

test('at trace level, no log line holds the TOTP secret, a code, a recovery code or an mfa_token', async (t) => {
  const lines: string[] = []
  const { app, clock } = await testApp({ LOG_LEVEL: 'trace' }, { logStream: { write: (line: string) => void lines.push(line) } })
  t.after(() => app.close())
  await app.inject({ method: 'POST', url: '/auth/register', payload: ADA })
  const first = await logIn(app, ADA.email, ADA.password)
  const { secret, recoveryCodes } = await enroll(app, clock, first)
  const token = await passwordStep(app)
  const code = totpCode(secret, clock.now())
  const wrong = code === '000000' ? '111111' : '000000'
  await secondStep(app, { mfa_token: token, code: wrong })
  await secondStep(app, { mfa_token: token, code: [wrong] })
  await app.inject({ method: 'POST', url: '/auth/login/mfa', payload: `{"mfa_token":"${token}","code":"${wrong}"`, headers: { 'content-type': 'application/json' } })
  await secondStep(app, { mfa_token: token, recovery_code: recoveryCodes[1]! })
  const secrets = [secret, token, recoveryCodes[1]!, recoveryCodes[0]!]
  assert.ok(lines.length >= 10, `captured ${lines.length} log lines`)
  for (const value of secrets) for (const line of lines) assert.ok(!line.includes(value), `a log line holds a secret value: ${line.slice(0, 200)}`)
  // Six digits are too common to search for alone; as a JSON value they would be quoted.
  for (const line of lines) assert.ok(!line.includes(`"${wrong}"`) && !line.includes(`"${code}"`), 'a code in a log line')
})
