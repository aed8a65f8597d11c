// Sessions over HTTP (SQLite store): listing and revoking one's own sessions, logout scopes,
// refresh rotation under 20 parallel requests, and theft detection killing one session at once.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bearer, json, logIn, signUp, testApp, type Tokens } from '../helpers.js'

interface SessionOut {
  id: string
  created_at: string
  last_used_at: string
  expires_at: string
  user_agent: string | null
  ip: string | null
  current: boolean
}

test('GET /auth/sessions lists live sessions with the current one marked', async () => {
  const { app, auth } = await testApp()
  const { tokens, email, password } = await signUp(app)
  const phone = await logIn(app, email, password, { 'user-agent': 'Phone/1.0' })
  const res = await app.inject({ url: '/auth/sessions', headers: bearer(phone.access_token) })
  assert.equal(res.statusCode, 200)
  const { sessions } = json<{ sessions: SessionOut[] }>(res)
  assert.equal(sessions.length, 2)
  const current = sessions.filter((s) => s.current)
  assert.equal(current.length, 1)
  assert.equal(current[0]!.id, auth.verifier.verify(phone.access_token).sid)
  assert.equal(current[0]!.user_agent, 'Phone/1.0')
  assert.equal(current[0]!.ip, '127.0.0.1')
  for (const key of ['id', 'created_at', 'last_used_at', 'expires_at', 'user_agent', 'ip', 'current']) assert.ok(key in current[0]!, key)
  assert.deepEqual(Object.keys(current[0]!).sort(), ['created_at', 'current', 'expires_at', 'id', 'ip', 'last_used_at', 'user_agent'])
  // A logged-out session disappears from the list.
  await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token) })
  const after = json<{ sessions: SessionOut[] }>(await app.inject({ url: '/auth/sessions', headers: bearer(phone.access_token) }))
  assert.deepEqual(after.sessions.map((s) => s.id), [current[0]!.id])
  assert.equal((await app.inject({ url: '/auth/sessions' })).statusCode, 401)
  await app.close()
})

test('DELETE /auth/sessions/:id revokes one own session; anyone else\'s is a 404', async () => {
  const { app, auth } = await testApp()
  const ada = await signUp(app)
  const adaPhone = await logIn(app, ada.email, ada.password)
  const bob = await signUp(app, { email: 'bob@example.com' })
  const phoneSid = auth.verifier.verify(adaPhone.access_token).sid!
  const bobSid = auth.verifier.verify(bob.tokens.access_token).sid!

  const foreign = await app.inject({ method: 'DELETE', url: `/auth/sessions/${bobSid}`, headers: bearer(ada.tokens.access_token) })
  assert.equal(foreign.statusCode, 404)
  assert.equal(json(foreign).code, 'SESSION_NOT_FOUND')
  assert.equal((await app.inject({ url: '/auth/me', headers: bearer(bob.tokens.access_token) })).statusCode, 200)
  const unknown = await app.inject({ method: 'DELETE', url: '/auth/sessions/nope', headers: bearer(ada.tokens.access_token) })
  assert.equal(json(unknown).code, 'SESSION_NOT_FOUND')

  const own = await app.inject({ method: 'DELETE', url: `/auth/sessions/${phoneSid}`, headers: bearer(ada.tokens.access_token) })
  assert.equal(own.statusCode, 204)
  const dead = await app.inject({ url: '/auth/me', headers: bearer(adaPhone.access_token) })
  assert.equal(dead.statusCode, 401)
  assert.equal(json(dead).code, 'TOKEN_REVOKED')
  assert.equal(json((await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(adaPhone.refresh_token) }))).code, 'TOKEN_REVOKED')
  assert.equal((await app.inject({ url: '/auth/me', headers: bearer(ada.tokens.access_token) })).statusCode, 200)
  const again = await app.inject({ method: 'DELETE', url: `/auth/sessions/${phoneSid}`, headers: bearer(ada.tokens.access_token) })
  assert.equal(json(again).code, 'SESSION_NOT_FOUND')
  await app.close()
})

async function threeSessions() {
  const t = await testApp()
  const ada = await signUp(t.app)
  const b = await logIn(t.app, ada.email, ada.password)
  const c = await logIn(t.app, ada.email, ada.password)
  const bob = await signUp(t.app, { email: 'bob@example.com' })
  const status = async (tok: Tokens) => (await t.app.inject({ url: '/auth/me', headers: bearer(tok.access_token) })).statusCode
  const all = async () => [await status(ada.tokens), await status(b), await status(c), await status(bob.tokens)]
  return { ...t, a: ada.tokens, b, c, all }
}

test('POST /auth/logout scopes: local (default), global, others', async () => {
  {
    const { app, b, all } = await threeSessions()
    assert.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(b.access_token) })).statusCode, 204)
    assert.deepEqual(await all(), [200, 401, 200, 200])
    await app.close()
  }
  {
    const { app, b, all } = await threeSessions()
    assert.equal((await app.inject({ method: 'POST', url: '/auth/logout?scope=global', headers: bearer(b.access_token) })).statusCode, 204)
    assert.deepEqual(await all(), [401, 401, 401, 200])
    await app.close()
  }
  {
    const { app, b, all } = await threeSessions()
    assert.equal((await app.inject({ method: 'POST', url: '/auth/logout?scope=others', headers: bearer(b.access_token) })).statusCode, 204)
    assert.deepEqual(await all(), [401, 200, 401, 200])
    const bad = await app.inject({ method: 'POST', url: '/auth/logout?scope=everyone', headers: bearer(b.access_token) })
    assert.equal(bad.statusCode, 400)
    assert.equal(json(bad).code, 'VALIDATION_FAILED')
    await app.close()
  }
})

test('20 parallel refreshes of one token: no 5xx, one lineage, the session still works', async () => {
  const { app, auth } = await testApp()
  const { tokens } = await signUp(app)
  const responses = await Promise.all(
    Array.from({ length: 20 }, () => app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(tokens.refresh_token) })),
  )
  assert.deepEqual(responses.map((r) => r.statusCode), Array(20).fill(200))
  const pairs = responses.map((r) => json<Tokens>(r))
  const jtis = new Set(pairs.map((p) => auth.verifier.verify(p.refresh_token).jti))
  assert.equal(jtis.size, 1)
  assert.notEqual([...jtis][0], auth.verifier.verify(tokens.refresh_token).jti)
  for (const p of pairs.slice(0, 3)) assert.equal((await app.inject({ url: '/auth/me', headers: bearer(p.access_token) })).statusCode, 200)
  const next = await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(pairs[13]!.refresh_token) })
  assert.equal(next.statusCode, 200)
  assert.equal((await app.inject({ url: '/auth/me', headers: bearer(json<Tokens>(next).access_token) })).statusCode, 200)
  await app.close()
})

test('reuse within REFRESH_REUSE_INTERVAL is tolerated; after it, theft revokes that session only', async () => {
  const { app, clock } = await testApp({ REFRESH_REUSE_INTERVAL: '10' })
  const { tokens, email, password } = await signUp(app)
  const other = await logIn(app, email, password)
  const rotated = json<Tokens>(await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(tokens.refresh_token) }))
  clock.advance(5_000)
  const retry = await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(tokens.refresh_token) })
  assert.equal(retry.statusCode, 200)
  const newest = json<Tokens>(retry)
  clock.advance(6_000) // 11 s after the rotation: past the interval
  const stolen = await app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: tokens.refresh_token } })
  assert.equal(stolen.statusCode, 401)
  assert.equal(json(stolen).code, 'REFRESH_TOKEN_REUSED')
  assert.match(String(stolen.headers['www-authenticate']), /error="invalid_token"/)
  for (const access of [rotated.access_token, newest.access_token]) {
    const res = await app.inject({ url: '/auth/me', headers: bearer(access) })
    assert.equal(res.statusCode, 401)
    assert.equal(json(res).code, 'TOKEN_REVOKED')
  }
  const refreshNewest = await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(newest.refresh_token) })
  assert.equal(refreshNewest.statusCode, 401)
  assert.equal(json(refreshNewest).code, 'TOKEN_REVOKED')
  assert.equal((await app.inject({ url: '/auth/me', headers: bearer(other.access_token) })).statusCode, 200)
  assert.equal((await app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(other.refresh_token) })).statusCode, 200)
  await app.close()
})
