// No log line ever holds a password, a token (or any segment of one) or the JWT secret, even
// at LOG_LEVEL=trace, across register, login (JSON, form, Basic), me, refresh, logout, the token inspector and errors.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bearer, json, TEST_SECRET, testApp, type Tokens } from '../helpers.js'

test('at trace level, logs never contain the password, any token, or the JWT secret', async () => {
  const lines: string[] = []
  const { app } = await testApp({ LOG_LEVEL: 'trace' }, { logStream: { write: (line: string) => void lines.push(line) } })
  const email = 'secretive@example.com'
  const password = 'Pw-9f8e7d6c5b4a-never-log'
  const tokens: string[] = []
  const collect = (res: { body: string; statusCode: number }) => {
    if (res.statusCode === 200) {
      const body = json<Tokens>(res as never)
      tokens.push(body.access_token, body.refresh_token)
    }
    return res
  }
  try {
    assert.equal((await app.inject({ method: 'POST', url: '/auth/register', payload: { email, password } })).statusCode, 201)
    const first = collect(await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } }))
    assert.equal(first.statusCode, 200)
    const form = new URLSearchParams({ email, password }).toString()
    collect(await app.inject({ method: 'POST', url: '/auth/login', payload: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } }))
    const basic = `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`
    collect(await app.inject({ method: 'POST', url: '/auth/login', headers: { authorization: basic } }))
    await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: password + 'x' } })
    await app.inject({ method: 'POST', url: '/auth/login', payload: `{"email":"${email}","password":"${password}"`, headers: { 'content-type': 'application/json' } })
    await app.inject({ method: 'POST', url: '/auth/register', payload: { email, password: 12345678, username: password } })
    const [access, refresh] = tokens as [string, string]
    assert.equal((await app.inject({ url: '/auth/me', headers: bearer(access) })).statusCode, 200)
    await app.inject({ url: `/auth/me?access_token=${access}&jwt=${access}`, headers: { cookie: `access_token=${access}` } })
    await app.inject({ url: '/auth/me', headers: bearer(refresh) })
    await app.inject({ url: '/auth/me', headers: bearer(access.slice(0, -2)) })
    collect(await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(refresh) }))
    collect(await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: tokens.at(-1)! } }))
    await app.inject({ method: 'POST', url: '/auth/refresh', payload: `{"refresh_token":"${refresh}"`, headers: { 'content-type': 'application/json' } })
    assert.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.at(-2)!) })).statusCode, 204)
    await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(tokens.at(-1)!) })
    // The token inspector: accepted, refused, and a body the schema refuses.
    assert.equal((await app.inject({ method: 'POST', url: '/auth/token/inspect', payload: { token: tokens.at(-1)! } })).statusCode, 200)
    await app.inject({ method: 'POST', url: '/auth/token/inspect', payload: { token: access.slice(0, -2) } })
    await app.inject({ method: 'POST', url: '/auth/token/inspect', payload: { token: [access] } })
  } finally {
    await app.close()
  }

  assert.ok(tokens.length >= 8, `collected ${tokens.length} tokens`)
  assert.ok(lines.length >= 20, `captured ${lines.length} log lines`)
  assert.ok(lines.some((l) => l.includes('"url":"/auth/me?access_token=[REDACTED]')), 'query tokens are logged masked')
  const secrets: [string, string][] = [
    ['password', password],
    ['password (base64 in Basic)', Buffer.from(`${email}:${password}`).toString('base64')],
    ['JWT secret', TEST_SECRET],
  ]
  for (const token of tokens) {
    const [, payload, signature] = token.split('.')
    secrets.push(['token', token], ['token payload', payload!], ['token signature', signature!])
  }
  for (const line of lines) {
    for (const [what, value] of secrets) assert.ok(!line.includes(value), `a log line contains the ${what}: ${line.slice(0, 120)}`)
  }
})
