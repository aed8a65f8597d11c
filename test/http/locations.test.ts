// Token locations through the server: query string (off unless enabled, redacted in logs),
// JSON body, configurable header name and scheme, the order of locations, and the error
// message key.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bearer, json, signUp, testApp } from '../helpers.js'

test('query_string is off by default: ?jwt= is not a token', async () => {
  const { app } = await testApp()
  const { tokens } = await signUp(app)
  const res = await app.inject({ url: `/auth/me?jwt=${tokens.access_token}` })
  assert.equal(res.statusCode, 401)
  assert.equal(json(res).code, 'TOKEN_MISSING')
  await app.close()
})

test('query_string when enabled: ?jwt= authenticates, and the logged URL never holds the token', async () => {
  const lines: string[] = []
  const { app } = await testApp({ JWT_TOKEN_LOCATION: 'headers,query_string', LOG_LEVEL: 'info' }, { logStream: { write: (l: string) => void lines.push(l) } })
  const { tokens } = await signUp(app)
  const res = await app.inject({ url: `/auth/me?x=1&jwt=${tokens.access_token}` })
  assert.equal(res.statusCode, 200)
  const bad = await app.inject({ url: `/auth/me?jwt=${tokens.access_token}x` })
  assert.equal(json(bad).code, 'TOKEN_SIGNATURE_INVALID')
  const twice = await app.inject({ url: `/auth/me?jwt=a&jwt=b` })
  assert.equal(json(twice).code, 'TOKEN_MALFORMED')
  await app.close()
  assert.ok(lines.some((l) => l.includes('"url":"/auth/me?x=1&jwt=[REDACTED]"')), 'the URL is logged masked')
  const [, payload, signature] = tokens.access_token.split('.')
  for (const l of lines) {
    assert.ok(!l.includes(payload!) && !l.includes(signature!), `a log line holds the token: ${l.slice(0, 120)}`)
  }
})

test('a custom JWT_QUERY_STRING_NAME authenticates and is redacted too', async () => {
  const lines: string[] = []
  const { app } = await testApp(
    { JWT_TOKEN_LOCATION: 'query_string', JWT_QUERY_STRING_NAME: 'auth', LOG_LEVEL: 'info' },
    { logStream: { write: (l: string) => void lines.push(l) } },
  )
  const { tokens } = await signUp(app)
  assert.equal((await app.inject({ url: `/auth/me?auth=${tokens.access_token}` })).statusCode, 200)
  assert.equal(json(await app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })).code, 'TOKEN_MISSING')
  await app.close()
  assert.ok(lines.some((l) => l.includes('/auth/me?auth=[REDACTED]')))
  assert.ok(!lines.some((l) => l.includes(tokens.access_token.split('.')[2]!)))
})

test('json: access_token in the body of a guarded POST; refresh_token for /auth/refresh', async () => {
  const { app } = await testApp({ JWT_TOKEN_LOCATION: 'json' })
  const { tokens } = await signUp(app)
  const refreshed = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: tokens.refresh_token } })
  assert.equal(refreshed.statusCode, 200)
  const next = json<{ access_token: string }>(refreshed)
  // Bearer is not a configured location now.
  const header = await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(next.access_token) })
  assert.equal(json(header).code, 'TOKEN_MISSING')
  const wrongType = await app.inject({ method: 'POST', url: '/auth/logout', payload: { access_token: 42 } })
  assert.equal(json(wrongType).code, 'TOKEN_MALFORMED')
  const out = await app.inject({ method: 'POST', url: '/auth/logout', payload: { access_token: next.access_token } })
  assert.equal(out.statusCode, 204)
  await app.close()
})

test('the first location holding a token decides: a bad header token is refused even with a good query token', async () => {
  const { app } = await testApp({ JWT_TOKEN_LOCATION: 'headers,query_string' })
  const { tokens } = await signUp(app)
  const res = await app.inject({ url: `/auth/me?jwt=${tokens.access_token}`, headers: bearer('not.a.token') })
  assert.equal(res.statusCode, 401)
  assert.equal(json(res).code, 'TOKEN_MALFORMED')
  await app.close()
})

test('JWT_HEADER_NAME and JWT_HEADER_TYPE: a custom header, a custom scheme, or a bare token', async () => {
  const scheme = await testApp({ JWT_HEADER_NAME: 'X-Api-Token', JWT_HEADER_TYPE: 'JWT' })
  const a = await signUp(scheme.app)
  assert.equal((await scheme.app.inject({ url: '/auth/me', headers: { 'x-api-token': `JWT ${a.tokens.access_token}` } })).statusCode, 200)
  assert.equal(json(await scheme.app.inject({ url: '/auth/me', headers: bearer(a.tokens.access_token) })).code, 'TOKEN_MISSING')
  await scheme.app.close()
  const bare = await testApp({ JWT_HEADER_NAME: 'X-Api-Token', JWT_HEADER_TYPE: '' })
  const b = await signUp(bare.app)
  assert.equal((await bare.app.inject({ url: '/auth/me', headers: { 'x-api-token': b.tokens.access_token } })).statusCode, 200)
  await bare.app.close()
})

test('JWT_ERROR_MESSAGE_KEY renames the message key of every error body', async () => {
  const { app } = await testApp({ JWT_ERROR_MESSAGE_KEY: 'msg' })
  const res = await app.inject({ url: '/auth/me' })
  const body = json(res)
  assert.equal(body.code, 'TOKEN_MISSING')
  assert.equal(body.msg, 'No token was presented')
  assert.equal(body.message, undefined)
  await app.close()
})
