// Review: HTTP edge cases found in the security review, each asserting the code it answers.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { json, testApp } from '../helpers.js'

test('a malformed URL answers under JWT_ERROR_MESSAGE_KEY too, like every other error', async () => {
  const { app } = await testApp({ JWT_ERROR_MESSAGE_KEY: 'msg' })
  const res = await app.inject({ method: 'GET', url: '/users/%E0%A4%A' })
  assert.equal(res.statusCode, 400)
  const body = json(res)
  assert.equal(body.code, 'VALIDATION_FAILED')
  assert.equal(typeof body.msg, 'string')
  assert.equal(body.message, undefined)
  await app.close()
})

test('a token in a percent-encoded query parameter name (?%6Awt=) is masked in the log like ?jwt=', async () => {
  const lines: string[] = []
  const { app } = await testApp(
    { LOG_LEVEL: 'info', JWT_TOKEN_LOCATION: 'headers,query_string' },
    { logStream: { write: (line: string) => void lines.push(line) } },
  )
  await app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'ada@example.com', password: 'correct horse battery' } })
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: 'correct horse battery' } })
  const access = json<{ access_token: string }>(login).access_token
  const res = await app.inject({ url: `/auth/me?%6Awt=${access}` })
  assert.equal(res.statusCode, 200, 'the query parser decodes the name, so the token is accepted')
  const signature = access.split('.')[2]!
  await app.close()
  for (const line of lines) assert.ok(!line.includes(signature), `a log line holds the token: ${line.slice(0, 160)}`)
})

test('discovery built from the request origin (no JWT_ISSUER URL) is not cacheable by shared caches', async () => {
  // Behind a CDN with TRUST_PROXY, X-Forwarded-Host picks jwks_uri: a public cache entry would
  // hand every client an attacker's JWKS location (cache poisoning).
  const { app } = await testApp({ TRUST_PROXY: 'true' })
  const res = await app.inject({ url: '/.well-known/openid-configuration', headers: { 'x-forwarded-host': 'evil.example' } })
  assert.equal(res.statusCode, 200)
  assert.doesNotMatch(String(res.headers['cache-control']), /public/)
  assert.match(String(res.headers.vary), /host/i)
  await app.close()
  const fixed = await testApp({ JWT_ISSUER: 'https://auth.example.com' })
  const pinned = await fixed.app.inject({ url: '/.well-known/openid-configuration', headers: { host: 'evil.example' } })
  assert.equal(json(pinned).jwks_uri, 'https://auth.example.com/.well-known/jwks.json')
  assert.match(String(pinned.headers['cache-control']), /public/)
  await fixed.app.close()
})

test('an email holding control characters (NUL, ESC) is refused at registration', async () => {
  const { app } = await testApp()
  for (const email of ['\u0000x@example.com', 'x\u001b[31m@example.com', 'x@exa\u007fmple.com']) {
    const res = await app.inject({ method: 'POST', url: '/auth/register', payload: { email, password: 'correct horse battery' } })
    assert.equal(res.statusCode, 400, JSON.stringify(email))
    assert.equal(json(res).code, 'VALIDATION_FAILED')
    assert.equal(json(res).field, 'email')
  }
  await app.close()
})
