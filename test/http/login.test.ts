// POST /auth/login: every way credentials arrive (JSON email, JSON username, form, HTTP Basic)
// and failures that say nothing about whether the account exists.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { json, testApp, type TestApp, type Tokens } from '../helpers.js'

let t: TestApp
const EMAIL = 'ada@example.com'
const PASSWORD = 'correct horse: battery' // a colon, to prove Basic splits at the first one
let userId: string

before(async () => {
  t = await testApp()
  const res = await t.app.inject({ method: 'POST', url: '/auth/register', payload: { email: EMAIL, password: PASSWORD, username: 'Ada.L' } })
  assert.equal(res.statusCode, 201)
  userId = json(res).id as string
})
after(() => t.app.close())

const login = (opts: { payload?: string | object; headers?: Record<string, string> }) =>
  t.app.inject({ method: 'POST', url: '/auth/login', ...opts })
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` })

/** Asserts a 200 token response for this user. */
function assertTokens(res: Awaited<ReturnType<typeof login>>, how: string): Tokens {
  assert.equal(res.statusCode, 200, `${how}: ${res.body}`)
  const body = json<Tokens>(res)
  assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type'], how)
  assert.equal(body.token_type, 'Bearer')
  assert.equal(body.expires_in, 900)
  const access = JSON.parse(Buffer.from(body.access_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
  assert.equal(access.sub, userId)
  assert.equal(access.type, 'access')
  assert.equal(access.fresh, true)
  assert.equal(typeof access.sid, 'string')
  return body
}

test('login with JSON email -> 200 token response', async () => {
  assertTokens(await login({ payload: { email: EMAIL, password: PASSWORD } }), 'json email')
  assertTokens(await login({ payload: { email: '  ADA@example.com ', password: PASSWORD } }), 'json email, unnormalized')
})

test('login with JSON username (case-insensitive)', async () => {
  assertTokens(await login({ payload: { username: 'ada.l', password: PASSWORD } }), 'json username')
  assertTokens(await login({ payload: { username: 'ADA.L', password: PASSWORD } }), 'json username, upper case')
})

test('login with application/x-www-form-urlencoded', async () => {
  const form = new URLSearchParams({ email: EMAIL, password: PASSWORD }).toString()
  assertTokens(await login({ payload: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 'form email')
  const byName = new URLSearchParams({ username: 'ada.l', password: PASSWORD }).toString()
  assertTokens(await login({ payload: byName, headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 'form username')
})

test('login with HTTP Basic (RFC 7617), email or username', async () => {
  assertTokens(await login({ headers: basic(EMAIL, PASSWORD) }), 'basic email')
  assertTokens(await login({ headers: basic('ada.l', PASSWORD) }), 'basic username')
  assertTokens(await login({ headers: { authorization: basic(EMAIL, PASSWORD).authorization.replace('Basic', 'basic') } }), 'basic lower-case scheme')
})

test('each login opens its own session', async () => {
  const a = assertTokens(await login({ payload: { email: EMAIL, password: PASSWORD } }), 'a')
  const b = assertTokens(await login({ payload: { email: EMAIL, password: PASSWORD } }), 'b')
  const sid = (tok: string) => JSON.parse(Buffer.from(tok.split('.')[1]!, 'base64url').toString()).sid as string
  assert.notEqual(sid(a.access_token), sid(b.access_token))
  assert.equal(sid(a.access_token), sid(a.refresh_token))
})

test('wrong password and unknown user -> identical 401 INVALID_CREDENTIALS', async () => {
  const wrong = await login({ payload: { email: EMAIL, password: 'wrong horse battery' } })
  const unknown = await login({ payload: { email: 'nobody@example.com', password: 'wrong horse battery' } })
  const unknownName = await login({ payload: { username: 'nobody', password: PASSWORD } })
  const basicWrong = await login({ headers: basic(EMAIL, 'nope-nope') })
  for (const res of [wrong, unknown, unknownName, basicWrong]) {
    assert.equal(res.statusCode, 401)
    assert.equal(json(res).code, 'INVALID_CREDENTIALS')
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="tokenwarden"')
  }
  assert.equal(wrong.body, unknown.body)
  assert.equal(wrong.body, unknownName.body)
  assert.equal(wrong.body, basicWrong.body)
  assert.deepEqual(Object.keys(wrong.headers).sort(), Object.keys(unknown.headers).sort())
})

test('a short password is simply wrong at login, not a validation error', async () => {
  const res = await login({ payload: { email: EMAIL, password: 'short' } })
  assert.equal(res.statusCode, 401)
  assert.equal(json(res).code, 'INVALID_CREDENTIALS')
})

test('bad login input -> 400 VALIDATION_FAILED naming the field', async () => {
  const cases: [object, string][] = [
    [{ password: PASSWORD }, 'email'],
    [{ email: EMAIL, password: 12345678 }, 'password'],
    [{ email: 5, password: PASSWORD }, 'email'],
    [{ username: ['ada'], password: PASSWORD }, 'username'],
    [{ email: EMAIL }, 'password'],
  ]
  for (const [payload, field] of cases) {
    const res = await login({ payload })
    assert.equal(res.statusCode, 400, JSON.stringify(payload))
    assert.equal(json(res).code, 'VALIDATION_FAILED')
    assert.equal(json(res).field, field, JSON.stringify(payload))
  }
  const noColon = await login({ headers: { authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` } })
  assert.equal(noColon.statusCode, 400)
  assert.equal(json(noColon).code, 'VALIDATION_FAILED')
  const nothing = await login({})
  assert.equal(nothing.statusCode, 400)
  assert.equal(json(nothing).code, 'VALIDATION_FAILED')
})

test('email and username together -> 400 VALIDATION_FAILED naming both, even when both name this account', async () => {
  for (const payload of [
    { email: EMAIL, username: 'ada.l', password: PASSWORD },
    { email: 'nobody@example.com', username: 'ada.l', password: PASSWORD },
  ]) {
    const res = await login({ payload })
    assert.equal(res.statusCode, 400, JSON.stringify(payload))
    const body = json(res)
    assert.equal(body.code, 'VALIDATION_FAILED')
    assert.match(String(body.message), /email/)
    assert.match(String(body.message), /username/)
  }
  const form = await login({ payload: `email=${encodeURIComponent(EMAIL)}&username=ada.l&password=x`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  assert.equal(json(form).code, 'VALIDATION_FAILED')
})
