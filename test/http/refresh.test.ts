// POST /auth/refresh: rotation with reuse detection (RFC 9700 §4.14.2) through the server.
// A spent token is tolerated for REFRESH_REUSE_INTERVAL (10 s) and is a theft signal after it.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { MemoryStore } from '../../src/store/memory.js'
import { bearer, json, signUp, testApp, type TestApp, type Tokens } from '../helpers.js'
import { contextOf } from '../../src/core/auth.js'

let t: TestApp
before(async () => {
  t = await testApp()
})
after(() => t.app.close())

let n = 0
const login = async () => (await signUp(t.app, { email: `r${++n}@example.com` })).tokens
const claims = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
const refreshBearer = (token: string) => t.app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(token) })
const refreshBody = (token: string) => t.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: token } })
const me = (token: string) => t.app.inject({ url: '/auth/me', headers: bearer(token) })

test('refresh via Bearer -> 200, a new pair in the same session; the new access token is not fresh', async () => {
  const tokens = await login()
  const res = await refreshBearer(tokens.refresh_token)
  assert.equal(res.statusCode, 200)
  const next = json<Tokens>(res)
  assert.equal(next.token_type, 'Bearer')
  assert.equal(next.expires_in, 900)
  assert.notEqual(next.refresh_token, tokens.refresh_token)
  assert.notEqual(claims(next.refresh_token).jti, claims(tokens.refresh_token).jti)
  assert.equal(claims(next.access_token).fresh, false)
  assert.equal(claims(next.access_token).sid, claims(tokens.access_token).sid)
  assert.equal(claims(next.access_token).type, 'access')
  assert.equal((await me(next.access_token)).statusCode, 200)
  assert.equal((await me(tokens.access_token)).statusCode, 200, 'rotation does not revoke the old access token')
})

test('refresh via JSON {refresh_token} -> 200', async () => {
  const tokens = await login()
  const res = await refreshBody(tokens.refresh_token)
  assert.equal(res.statusCode, 200)
  assert.equal(claims(json<Tokens>(res).access_token).fresh, false)
  const bad = await t.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: 5 } })
  assert.equal(bad.statusCode, 400)
  assert.equal(json(bad).code, 'VALIDATION_FAILED')
  assert.equal(json(bad).field, 'refresh_token')
})

test('no refresh token -> 401 TOKEN_MISSING', async () => {
  const res = await t.app.inject({ method: 'POST', url: '/auth/refresh' })
  assert.equal(res.statusCode, 401)
  assert.equal(json(res).code, 'TOKEN_MISSING')
  assert.equal(res.headers['www-authenticate'], 'Bearer realm="tokenwarden"')
})

test('an access token on /auth/refresh -> 401 TOKEN_TYPE_INVALID', async () => {
  const tokens = await login()
  for (const res of [await refreshBearer(tokens.access_token), await refreshBody(tokens.access_token)]) {
    assert.equal(res.statusCode, 401)
    assert.equal(json(res).code, 'TOKEN_TYPE_INVALID')
    assert.match(String(res.headers['www-authenticate']), /error="invalid_token"/)
  }
})

test('the spent refresh token within the reuse interval -> 200 in the current lineage', async () => {
  const tokens = await login()
  const first = json<Tokens>(await refreshBearer(tokens.refresh_token))
  t.clock.advance(9_000)
  const retry = await refreshBearer(tokens.refresh_token)
  assert.equal(retry.statusCode, 200)
  assert.equal(claims(json<Tokens>(retry).refresh_token).jti, claims(first.refresh_token).jti)
  assert.equal((await me(first.access_token)).statusCode, 200, 'the session is still live')
})

test('the spent refresh token after the reuse interval -> 401 REFRESH_TOKEN_REUSED and the session dies', async () => {
  const tokens = await login()
  const rotated = json<Tokens>(await refreshBearer(tokens.refresh_token))
  assert.equal((await me(rotated.access_token)).statusCode, 200)
  t.clock.advance(11_000)
  const reuse = await refreshBearer(tokens.refresh_token)
  assert.equal(reuse.statusCode, 401)
  assert.equal(json(reuse).code, 'REFRESH_TOKEN_REUSED')
  assert.match(String(reuse.headers['www-authenticate']), /error="invalid_token"/)
  // The newest access token of the session is revoked, and so is the current refresh token.
  const after = await me(rotated.access_token)
  assert.equal(after.statusCode, 401)
  assert.equal(json(after).code, 'TOKEN_REVOKED')
  const legit = await refreshBearer(rotated.refresh_token)
  assert.equal(legit.statusCode, 401)
  assert.equal(json(legit).code, 'TOKEN_REVOKED')
  const store = contextOf(t.auth).store
  const session = await store.findSession(String(claims(tokens.refresh_token).sid))
  assert.equal(session?.revokedReason, 'refresh_token_reused')
})

test('a refresh token two rotations old -> REFRESH_TOKEN_REUSED even within the interval', async () => {
  const tokens = await login()
  const second = json<Tokens>(await refreshBearer(tokens.refresh_token))
  const third = json<Tokens>(await refreshBearer(second.refresh_token))
  const res = await refreshBearer(tokens.refresh_token)
  assert.equal(res.statusCode, 401)
  assert.equal(json(res).code, 'REFRESH_TOKEN_REUSED')
  assert.equal(json(await me(third.access_token)).code, 'TOKEN_REVOKED')
})

test('20 parallel refreshes of one token: no 5xx, all 200, exactly one lineage', async () => {
  const tokens = await login()
  const results = await Promise.all(Array.from({ length: 20 }, () => refreshBearer(tokens.refresh_token)))
  assert.deepEqual(results.map((r) => r.statusCode), Array(20).fill(200))
  const jtis = new Set(results.map((r) => claims(json<Tokens>(r).refresh_token).jti))
  assert.equal(jtis.size, 1, 'all returned refresh tokens share one jti')
  assert.notEqual([...jtis][0], claims(tokens.refresh_token).jti)
  const next = json<Tokens>(results[0]!)
  assert.equal((await refreshBearer(next.refresh_token)).statusCode, 200, 'the lineage goes on')
})

test('an expired refresh token -> 401 TOKEN_EXPIRED', async () => {
  const tokens = await login()
  t.clock.advance(t.config.refreshTtl * 1000)
  const res = await refreshBearer(tokens.refresh_token)
  assert.equal(res.statusCode, 401)
  assert.equal(json(res).code, 'TOKEN_EXPIRED')
})

test('20 parallel refreshes over the in-memory store: the same single lineage', async () => {
  const m = await testApp({}, { store: new MemoryStore() })
  try {
    const { tokens } = await signUp(m.app)
    const results = await Promise.all(
      Array.from({ length: 20 }, () => m.app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(tokens.refresh_token) })),
    )
    assert.deepEqual(results.map((r) => r.statusCode), Array(20).fill(200))
    assert.equal(new Set(results.map((r) => claims(json<Tokens>(r).refresh_token).jti)).size, 1)
  } finally {
    await m.app.close()
  }
})
