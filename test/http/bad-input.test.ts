// Bad input always gets a 4xx with a stable code, never a 500, and never an echo of the body:
// malformed JSON, oversize bodies, unsupported media types, unknown routes, malformed URLs.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { ERRORS } from '../../src/core/errors.js'
import { json, testApp, type TestApp } from '../helpers.js'

let t: TestApp
const logLines: string[] = []
before(async () => {
  t = await testApp({ LOG_LEVEL: 'trace' }, { logStream: { write: (line: string) => void logLines.push(line) } })
})
after(() => t.app.close())

const JSON_TYPE = { 'content-type': 'application/json' }

/** Asserts Fastify's error shape with one of our codes. */
function assertError(res: { statusCode: number; body: string; headers: Record<string, unknown> }, status: number, code: keyof typeof ERRORS): void {
  assert.equal(res.statusCode, status, res.body)
  assert.match(String(res.headers['content-type']), /^application\/json/)
  const body = json(res as never)
  assert.equal(body.code, code)
  assert.equal(body.statusCode, status)
  assert.equal(typeof body.error, 'string')
  assert.equal(typeof body.message, 'string')
}

test('malformed JSON -> 400 INVALID_JSON; neither the response nor the log holds the body text', async () => {
  const marker = 'Hunter2-Marker-Pw'
  for (const url of ['/auth/register', '/auth/login', '/auth/refresh']) {
    const payload = `{"email":"ada@example.com","password":"${marker}"`
    const res = await t.app.inject({ method: 'POST', url, payload, headers: JSON_TYPE })
    assertError(res, 400, 'INVALID_JSON')
    assert.ok(!res.body.includes(marker), `${url} response echoes the body`)
  }
  const bad = await t.app.inject({ method: 'POST', url: '/auth/login', payload: `{"password": ${marker}}`, headers: JSON_TYPE })
  assertError(bad, 400, 'INVALID_JSON')
  assert.ok(!bad.body.includes(marker))
  assert.ok(logLines.length > 0, 'the logger captured lines')
  assert.ok(!logLines.some((l) => l.includes(marker)), 'a log line holds the body text')
})

test('an empty JSON body -> 400 INVALID_JSON; prototype poisoning -> 400 JSON_PROTOTYPE_KEY', async () => {
  assertError(await t.app.inject({ method: 'POST', url: '/auth/register', payload: '', headers: JSON_TYPE }), 400, 'INVALID_JSON')
  const poisoned = '{"__proto__":{"admin":true},"email":"a@b.co","password":"12345678"}'
  assertError(await t.app.inject({ method: 'POST', url: '/auth/register', payload: poisoned, headers: JSON_TYPE }), 400, 'JSON_PROTOTYPE_KEY')
})

test('a body over 1 MiB -> 413 BODY_TOO_LARGE (JSON, form, or a lying content-length)', async () => {
  const big = JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(1024 * 1024) })
  assertError(await t.app.inject({ method: 'POST', url: '/auth/register', payload: big, headers: JSON_TYPE }), 413, 'BODY_TOO_LARGE')
  const form = `email=a%40b.co&password=${'x'.repeat(1024 * 1024)}`
  assertError(
    await t.app.inject({ method: 'POST', url: '/auth/login', payload: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    413,
    'BODY_TOO_LARGE',
  )
  assertError(
    await t.app.inject({ method: 'POST', url: '/auth/login', payload: '{}', headers: { ...JSON_TYPE, 'content-length': String(2 * 1024 * 1024) } }),
    413,
    'BODY_TOO_LARGE',
  )
})

test('content types other than JSON and form -> 415 UNSUPPORTED_MEDIA_TYPE', async () => {
  for (const type of ['text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/octet-stream']) {
    const res = await t.app.inject({ method: 'POST', url: '/auth/login', payload: 'email=a@b.co', headers: { 'content-type': type } })
    assertError(res, 415, 'UNSUPPORTED_MEDIA_TYPE')
  }
})

test('unknown routes and methods -> 404 JSON ROUTE_NOT_FOUND', async () => {
  for (const [method, url] of [['GET', '/nope'], ['GET', '/auth/login'], ['DELETE', '/health'], ['POST', '/auth/me']] as const) {
    assertError(await t.app.inject({ method, url }), 404, 'ROUTE_NOT_FOUND')
  }
})

test('a malformed URL -> 400 with our error shape and code, not a bare framework error', async () => {
  const res = await t.app.inject({ method: 'GET', url: '/auth/me/%E0%A4%A' })
  assertError(res, 400, 'VALIDATION_FAILED')
})

test('duplicate form fields are a validation failure, not a 500', async () => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: 'email=a%40b.co&password=one&password=two',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  })
  assertError(res, 400, 'VALIDATION_FAILED')
  assert.equal(json(res).field, 'password')
})
