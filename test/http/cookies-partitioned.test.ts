// JWT_COOKIE_PARTITIONED (CHIPS): every token and CSRF cookie the server sets, and every
// clearing Set-Cookie, carries `Partitioned` (with Secure and SameSite=None) when asked, and
// none does by default; the plugin's `cookies.partitioned` option does the same and needs `secure`.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify, { type LightMyRequestResponse } from 'fastify'
import { tokenwarden } from '../../src/fastify.js'
import { TEST_SECRET, json, testApp } from '../helpers.js'

const CREDS = { email: 'ada@example.com', password: 'correct horse battery' }
const TOKEN_COOKIES = ['access_token_cookie', 'csrf_access_token', 'csrf_refresh_token', 'refresh_token_cookie']
const CHIPS = { JWT_TOKEN_LOCATION: 'cookies', JWT_COOKIE_SAMESITE: 'none', JWT_COOKIE_SECURE: 'true', JWT_COOKIE_PARTITIONED: 'true' }

/** The raw Set-Cookie lines by cookie name: value and lower-cased attribute names (with values). */
function setCookies(res: LightMyRequestResponse): Record<string, { value: string; attrs: string[] }> {
  const raw = res.headers['set-cookie']
  const lines = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
  return Object.fromEntries(
    lines.map((line) => {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim())
      const eq = pair!.indexOf('=')
      return [pair!.slice(0, eq), { value: pair!.slice(eq + 1), attrs: attrs.map((a) => a.toLowerCase()) }]
    }),
  )
}

function assertPartitioned(res: LightMyRequestResponse, names: readonly string[], partitioned: boolean, what: string): void {
  const jar = setCookies(res)
  assert.deepEqual(Object.keys(jar).sort(), [...names].sort(), `${what}: the cookies set`)
  for (const name of names) {
    const attrs = jar[name]!.attrs
    assert.equal(attrs.includes('partitioned'), partitioned, `${what}: ${name} Partitioned`)
    if (partitioned) {
      assert.ok(attrs.includes('secure'), `${what}: ${name} Secure`)
      assert.ok(attrs.includes('samesite=none'), `${what}: ${name} SameSite=None`)
    }
  }
}

async function loggedIn(env: Record<string, string>) {
  const t = await testApp(env)
  assert.equal((await t.app.inject({ method: 'POST', url: '/auth/register', payload: CREDS })).statusCode, 201)
  const login = await t.app.inject({ method: 'POST', url: '/auth/login?cookies=true', payload: CREDS })
  assert.equal(login.statusCode, 200, login.body)
  return { ...t, login, jar: setCookies(login) }
}

test('JWT_COOKIE_PARTITIONED=true: login, refresh and the clearing Set-Cookie of logout are Partitioned, Secure, SameSite=None', async () => {
  const { app, login, jar } = await loggedIn(CHIPS)
  assertPartitioned(login, TOKEN_COOKIES, true, 'login')

  const refreshed = await app.inject({
    method: 'POST',
    url: '/auth/refresh',
    cookies: { refresh_token_cookie: jar.refresh_token_cookie!.value },
    headers: { 'x-csrf-token': jar.csrf_refresh_token!.value },
  })
  assert.equal(refreshed.statusCode, 200, refreshed.body)
  assertPartitioned(refreshed, TOKEN_COOKIES, true, 'refresh')

  const next = setCookies(refreshed)
  const out = await app.inject({
    method: 'POST',
    url: '/auth/logout',
    cookies: { access_token_cookie: next.access_token_cookie!.value },
    headers: { 'x-csrf-token': next.csrf_access_token!.value },
  })
  assert.equal(out.statusCode, 204, out.body)
  assertPartitioned(out, TOKEN_COOKIES, true, 'logout')
  for (const [name, c] of Object.entries(setCookies(out))) {
    assert.equal(c.value, '', `${name} emptied`)
    assert.ok(c.attrs.includes('max-age=0'), `${name} expired`)
  }
  await app.close()
})

test('a dead refresh cookie is cleared with Partitioned too', async () => {
  const { app, jar } = await loggedIn(CHIPS)
  const forged = await app.inject({ method: 'POST', url: '/auth/refresh', cookies: { refresh_token_cookie: `${jar.refresh_token_cookie!.value}x` } })
  assert.equal(json(forged).code, 'TOKEN_SIGNATURE_INVALID')
  assertPartitioned(forged, TOKEN_COOKIES, true, 'refusal')
  await app.close()
})

test('by default no cookie is Partitioned, on login nor logout (SameSite=None alone does not add it)', async () => {
  const envs: Record<string, string>[] = [{ JWT_TOKEN_LOCATION: 'cookies' }, { JWT_TOKEN_LOCATION: 'cookies', JWT_COOKIE_SAMESITE: 'none', JWT_COOKIE_SECURE: 'true' }]
  for (const env of envs) {
    const { app, login, jar } = await loggedIn(env)
    assertPartitioned(login, TOKEN_COOKIES, false, `login ${env.JWT_COOKIE_SAMESITE ?? 'lax'}`)
    const out = await app.inject({
      method: 'POST',
      url: '/auth/logout',
      cookies: { access_token_cookie: jar.access_token_cookie!.value },
      headers: { 'x-csrf-token': jar.csrf_access_token!.value },
    })
    assert.equal(out.statusCode, 204)
    assertPartitioned(out, TOKEN_COOKIES, false, `logout ${env.JWT_COOKIE_SAMESITE ?? 'lax'}`)
    await app.close()
  }
})

test('plugin: cookies.partitioned sets and clears Partitioned cookies; without secure it is a TypeError at registration', async () => {
  const app = Fastify()
  await app.register(tokenwarden, { keys: [{ alg: 'HS256', secret: TEST_SECRET }], locations: ['cookies'], cookies: { partitioned: true, sameSite: 'none' } })
  app.post('/login', async (_req, reply) => app.tokenwarden.setAccessCookies(reply, app.tokenwarden.createAccessToken('9')).send({ ok: true }))
  app.post('/logout', async (_req, reply) => app.tokenwarden.unsetJwtCookies(reply).send({ ok: true }))
  assertPartitioned(await app.inject({ method: 'POST', url: '/login' }), ['access_token_cookie', 'csrf_access_token'], true, 'plugin set')
  assertPartitioned(await app.inject({ method: 'POST', url: '/logout' }), TOKEN_COOKIES, true, 'plugin unset')
  await app.close()

  const bad = Fastify()
  await assert.rejects(
    async () => {
      await bad.register(tokenwarden, { keys: [{ alg: 'HS256', secret: TEST_SECRET }], cookies: { partitioned: true, secure: false } })
    },
    (err: unknown) => err instanceof TypeError && /cookies\.partitioned/.test(err.message),
  )
})
