// Brute force over HTTP: the login throttle (429 LOGIN_THROTTLED, Retry-After doubling to
// 15 minutes, identical for existing and unknown accounts, reset by a success) and the per-IP
// rate limit on the /auth/* routes that take no token (429 RATE_LIMITED), which normal use never
// meets; test/http/rate-limit-scope.test.ts has which route draws on which budget.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { json, signUp, testApp } from '../helpers.js'

function shape(res: LightMyRequestResponse) {
  return { status: res.statusCode, code: json(res).code, retryAfter: res.headers['retry-after'], www: res.headers['www-authenticate'] }
}

test('existing and unknown accounts get byte-identical answers, throttled after 5 failures', async () => {
  const { app } = await testApp()
  await signUp(app)
  const login = (email: string, password = 'wrong password') => app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } })
  for (let i = 1; i <= 7; i++) {
    const known = await login('ada@example.com')
    const unknown = await login('nobody@example.com')
    assert.deepEqual(shape(known), shape(unknown), `attempt ${i}`)
    assert.equal(known.body, unknown.body)
    if (i <= 5) {
      assert.equal(known.statusCode, 401)
      assert.equal(json(known).code, 'INVALID_CREDENTIALS')
    } else {
      assert.equal(known.statusCode, 429)
      assert.equal(json(known).code, 'LOGIN_THROTTLED')
      assert.equal(known.headers['retry-after'], '60')
    }
  }
  await app.close()
})

test('Retry-After counts down, doubles per further failure and stops at 15 minutes', async () => {
  const { app, clock } = await testApp()
  const login = (password = 'wrong password', email = 'Victim@Example.com') => app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } })
  for (let i = 0; i < 5; i++) await login()
  assert.equal((await login()).headers['retry-after'], '60')
  clock.advance(45_000)
  assert.equal((await login()).headers['retry-after'], '15')
  const waits: string[] = []
  for (let i = 0; i < 6; i++) {
    const wait = Number((await login()).headers['retry-after'])
    clock.advance(wait * 1000)
    assert.equal((await login()).statusCode, 401, 'after the wait the password is checked again')
    waits.push(String((await login()).headers['retry-after']))
  }
  assert.deepEqual(waits, ['120', '240', '480', '900', '900', '900'])
  // The identifier is normalized: another spelling of the same email shares the streak.
  assert.equal((await login('wrong password', ' victim@EXAMPLE.com')).statusCode, 429)
  await app.close()
})

test('a success resets the count; usernames are throttled the same way', async () => {
  const { app, clock } = await testApp()
  const { email, password } = await signUp(app, { username: 'ada' })
  const byName = (pw: string) => app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'ada', password: pw } })
  for (let i = 0; i < 4; i++) assert.equal((await byName('wrong password')).statusCode, 401)
  assert.equal((await byName(password)).statusCode, 200)
  for (let i = 0; i < 5; i++) assert.equal((await byName('wrong password')).statusCode, 401)
  const throttled = await byName(password)
  assert.equal(throttled.statusCode, 429, 'the right password waits too while throttled')
  // Email and username are separate identifiers.
  assert.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } })).statusCode, 200)
  clock.advance(60_000)
  assert.equal((await byName(password)).statusCode, 200)
  await app.close()
})

test('HTTP Basic logins share the throttle', async () => {
  const { app } = await testApp()
  const basic = (user: string, pw: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}` })
  for (let i = 0; i < 5; i++) await app.inject({ method: 'POST', url: '/auth/login', headers: basic('ada@example.com', 'wrong password') })
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ADA@example.com', password: 'wrong password' } })
  assert.equal(json(res).code, 'LOGIN_THROTTLED')
  await app.close()
})

test('LOGIN_MAX_FAILURES=0 disables the throttle', async () => {
  const { app } = await testApp({ LOGIN_MAX_FAILURES: '0' })
  for (let i = 0; i < 12; i++) {
    const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: 'wrong password' } })
    assert.equal(json(res).code, 'INVALID_CREDENTIALS')
  }
  await app.close()
})

test('the per-IP rate limit on /auth/* routes without a token: 429 RATE_LIMITED with Retry-After; other routes are exempt', async () => {
  const { app } = await testApp({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '1m' })
  const refresh = (url = '/auth/refresh', remoteAddress?: string) => app.inject({ method: 'POST', url, ...(remoteAddress !== undefined && { remoteAddress }) })
  for (let i = 0; i < 3; i++) assert.equal((await refresh()).statusCode, 401)
  const limited = await refresh()
  assert.equal(limited.statusCode, 429)
  assert.equal(json(limited).code, 'RATE_LIMITED')
  assert.ok(Number(limited.headers['retry-after']) > 0 && Number(limited.headers['retry-after']) <= 60)
  assert.equal(limited.headers['x-ratelimit-limit'], '3')
  assert.equal(limited.headers['x-ratelimit-remaining'], '0')
  assert.deepEqual(Object.keys(json(limited)).sort(), ['code', 'error', 'message', 'statusCode'])
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'a@example.com', password: 'x' } })
  assert.equal(json(login).code, 'RATE_LIMITED')
  // Percent-encoding the path reaches the same route, and the same limit.
  assert.equal(json(await refresh('/%61uth/refresh')).code, 'RATE_LIMITED')
  // Another client IP has its own budget; routes that need a token, and routes outside /auth, are not limited per IP.
  assert.equal((await refresh('/auth/refresh', '10.0.0.9')).statusCode, 401)
  assert.equal(json(await app.inject({ url: '/auth/me' })).code, 'TOKEN_MISSING')
  assert.equal((await app.inject({ url: '/health' })).statusCode, 200)
  assert.equal(json(await app.inject({ url: '/users/nobody' })).code, 'USER_NOT_FOUND')
  await app.close()
})

test('RATE_LIMIT_MAX=0 disables the rate limit; the default is generous', async () => {
  const off = await testApp({ RATE_LIMIT_MAX: '0' })
  for (let i = 0; i < 50; i++) assert.equal((await off.app.inject({ method: 'POST', url: '/auth/refresh' })).statusCode, 401)
  await off.app.close()
  const { app, config } = await testApp()
  assert.equal(config.rateLimitMax, 1000)
  assert.equal(config.rateLimitWindow, 60)
  const res = await app.inject({ method: 'POST', url: '/auth/refresh' })
  assert.equal(res.statusCode, 401)
  // Under the limit, no x-ratelimit-* headers: they cost ~2 µs a response (bench/analysis.md).
  assert.equal(res.headers['x-ratelimit-limit'], undefined)
  for (let i = 0; i < 50; i++) assert.equal((await app.inject({ method: 'POST', url: '/auth/refresh' })).statusCode, 401)
  await app.close()
})
