// Cookie delivery with double-submit CSRF: login?cookies=true sets HttpOnly token cookies and
// readable CSRF cookies; GET needs no echo, unsafe methods need X-CSRF-TOKEN equal to the
// token's csrf claim; refresh from a cookie rotates the cookies; logout clears them.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { json, testApp } from '../helpers.js'

const CREDS = { email: 'ada@example.com', password: 'correct horse battery' }

interface Cookie {
  name: string
  value: string
  path?: string
  maxAge?: number
  httpOnly?: boolean
  secure?: boolean
  sameSite?: string
}

function cookies(res: LightMyRequestResponse): Record<string, Cookie> {
  return Object.fromEntries((res.cookies as Cookie[]).map((c) => [c.name, c]))
}

async function cookieApp(env: Record<string, string> = {}) {
  const t = await testApp({ JWT_TOKEN_LOCATION: 'cookies,headers', ...env })
  await t.app.inject({ method: 'POST', url: '/auth/register', payload: CREDS })
  const login = await t.app.inject({ method: 'POST', url: '/auth/login?cookies=true', payload: CREDS })
  assert.equal(login.statusCode, 200, login.body)
  return { ...t, login, jar: cookies(login) }
}

test('login?cookies=true: HttpOnly token cookies, readable CSRF cookies, no token in the body', async () => {
  const { app, login, jar } = await cookieApp()
  const body = json(login)
  assert.equal(body.token_type, 'cookie')
  assert.equal(body.access_token, undefined)
  assert.equal(body.refresh_token, undefined)
  assert.equal(body.csrf_access_token, jar.csrf_access_token!.value)
  for (const name of ['access_token_cookie', 'refresh_token_cookie']) {
    assert.equal(jar[name]!.httpOnly, true, name)
    assert.equal(jar[name]!.sameSite, 'Lax')
    assert.equal(jar[name]!.path, '/')
  }
  assert.equal(jar.csrf_access_token!.httpOnly, undefined)
  assert.equal(jar.access_token_cookie!.maxAge, 900)
  assert.equal(jar.refresh_token_cookie!.maxAge, 30 * 86400)
  assert.equal(jar.access_token_cookie!.secure, undefined, 'not Secure by default outside production')
  await app.close()
})

test('login?cookies=true refuses a form body (login CSRF); JSON and HTTP Basic still set cookies', async () => {
  const { app } = await cookieApp()
  const form = `email=${encodeURIComponent(CREDS.email)}&password=${encodeURIComponent(CREDS.password)}`
  for (const type of ['application/x-www-form-urlencoded', 'Application/X-WWW-Form-Urlencoded; charset=UTF-8']) {
    const res = await app.inject({ method: 'POST', url: '/auth/login?cookies=true', headers: { 'content-type': type }, payload: form })
    assert.equal(res.statusCode, 415, type)
    assert.equal(json(res).code, 'UNSUPPORTED_MEDIA_TYPE')
    assert.equal(res.headers['set-cookie'], undefined, 'no cookie set')
  }
  // The same form without ?cookies=true is a token login as before (non-browser clients post forms).
  const plain = await app.inject({ method: 'POST', url: '/auth/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form })
  assert.equal(plain.statusCode, 200, plain.body)
  assert.equal(typeof json(plain).access_token, 'string')
  const basic = await app.inject({
    method: 'POST',
    url: '/auth/login?cookies=1',
    headers: { authorization: `Basic ${Buffer.from(`${CREDS.email}:${CREDS.password}`).toString('base64')}` },
  })
  assert.equal(basic.statusCode, 200, basic.body)
  assert.equal(cookies(basic).access_token_cookie?.httpOnly, true)
  await app.close()
})

test('JWT_COOKIE_SECURE, JWT_COOKIE_SAMESITE and custom cookie names are honoured', async () => {
  const { app, jar } = await cookieApp({ JWT_COOKIE_SECURE: 'true', JWT_COOKIE_SAMESITE: 'strict', JWT_ACCESS_COOKIE_NAME: 'at' })
  assert.equal(jar.at!.secure, true)
  assert.equal(jar.at!.sameSite, 'Strict')
  assert.equal(jar.access_token_cookie, undefined)
  await app.close()
})

test('GET with the access cookie needs no CSRF echo', async () => {
  const { app, jar } = await cookieApp()
  const me = await app.inject({ url: '/auth/me', cookies: { access_token_cookie: jar.access_token_cookie!.value } })
  assert.equal(me.statusCode, 200)
  assert.equal(json(me).email, CREDS.email)
  await app.close()
})

test('POST with the access cookie: no echo -> CSRF_FAILED, wrong echo -> CSRF_FAILED, right echo -> 204 and cookies cleared', async () => {
  const { app, jar } = await cookieApp()
  const cookie = { access_token_cookie: jar.access_token_cookie!.value, csrf_access_token: jar.csrf_access_token!.value }
  const none = await app.inject({ method: 'POST', url: '/auth/logout', cookies: cookie })
  assert.equal(none.statusCode, 401)
  assert.equal(json(none).code, 'CSRF_FAILED')
  // The refresh cookie's CSRF value is not the access token's.
  const wrong = await app.inject({ method: 'POST', url: '/auth/logout', cookies: cookie, headers: { 'x-csrf-token': jar.csrf_refresh_token!.value } })
  assert.equal(json(wrong).code, 'CSRF_FAILED')
  const ok = await app.inject({ method: 'POST', url: '/auth/logout', cookies: cookie, headers: { 'x-csrf-token': jar.csrf_access_token!.value } })
  assert.equal(ok.statusCode, 204)
  const cleared = cookies(ok)
  for (const name of ['access_token_cookie', 'refresh_token_cookie', 'csrf_access_token', 'csrf_refresh_token']) {
    assert.equal(cleared[name]?.value, '', `${name} cleared`)
  }
  const after = await app.inject({ url: '/auth/me', cookies: { access_token_cookie: jar.access_token_cookie!.value } })
  assert.equal(json(after).code, 'TOKEN_REVOKED')
  await app.close()
})

test('logout?scope=others in cookie mode keeps this browser signed in: no cookie is cleared, the other sessions end', async () => {
  const { app, jar } = await cookieApp()
  const other = json<{ access_token: string }>(await app.inject({ method: 'POST', url: '/auth/login', payload: CREDS }))
  const cookie = { access_token_cookie: jar.access_token_cookie!.value, csrf_access_token: jar.csrf_access_token!.value }
  const res = await app.inject({ method: 'POST', url: '/auth/logout?scope=others', cookies: cookie, headers: { 'x-csrf-token': jar.csrf_access_token!.value } })
  assert.equal(res.statusCode, 204)
  assert.deepEqual(res.cookies, [], 'no Set-Cookie')
  assert.equal((await app.inject({ url: '/auth/me', cookies: { access_token_cookie: jar.access_token_cookie!.value } })).statusCode, 200)
  assert.equal(json(await app.inject({ url: '/auth/me', headers: { authorization: `Bearer ${other.access_token}` } })).code, 'TOKEN_REVOKED')
  await app.close()
})

test('refresh from the refresh cookie: CSRF required, then new cookies (rotated tokens)', async () => {
  const { app, jar } = await cookieApp()
  const refreshCookie = { refresh_token_cookie: jar.refresh_token_cookie!.value }
  const noEcho = await app.inject({ method: 'POST', url: '/auth/refresh', cookies: refreshCookie })
  assert.equal(json(noEcho).code, 'CSRF_FAILED')
  const res = await app.inject({ method: 'POST', url: '/auth/refresh', cookies: refreshCookie, headers: { 'x-csrf-token': jar.csrf_refresh_token!.value } })
  assert.equal(res.statusCode, 200, res.body)
  assert.equal(json(res).token_type, 'cookie')
  const next = cookies(res)
  assert.notEqual(next.refresh_token_cookie!.value, jar.refresh_token_cookie!.value)
  assert.notEqual(next.csrf_access_token!.value, jar.csrf_access_token!.value)
  const me = await app.inject({ url: '/auth/me', cookies: { access_token_cookie: next.access_token_cookie!.value } })
  assert.equal(me.statusCode, 200)
  await app.close()
})

test('a dead refresh cookie is cleared with its refusal; a failed CSRF echo clears nothing', async () => {
  const { app, jar, clock } = await cookieApp()
  const TOKEN_COOKIES = ['access_token_cookie', 'refresh_token_cookie', 'csrf_access_token', 'csrf_refresh_token']
  const refreshCookie = { refresh_token_cookie: jar.refresh_token_cookie!.value }
  const echo = { 'x-csrf-token': jar.csrf_refresh_token!.value }

  // Another site can make the browser post without the echo: refused, and the cookies stay.
  const noEcho = await app.inject({ method: 'POST', url: '/auth/refresh', cookies: refreshCookie })
  assert.equal(json(noEcho).code, 'CSRF_FAILED')
  assert.equal(noEcho.headers['set-cookie'], undefined)

  // Rotate once, then present the spent cookie after the reuse interval: reuse, session revoked,
  // and every token cookie cleared in the same answer.
  const first = await app.inject({ method: 'POST', url: '/auth/refresh', cookies: refreshCookie, headers: echo })
  assert.equal(first.statusCode, 200, first.body)
  clock.advance(11_000)
  const reused = await app.inject({ method: 'POST', url: '/auth/refresh', cookies: refreshCookie, headers: echo })
  assert.equal(reused.statusCode, 401)
  assert.equal(json(reused).code, 'REFRESH_TOKEN_REUSED')
  const cleared = cookies(reused)
  for (const name of TOKEN_COOKIES) assert.equal(cleared[name]?.value, '', `${name} cleared`)

  // An expired refresh cookie (no CSRF check is possible without its claims): cleared too.
  const next = cookies(first)
  clock.advance(31 * 86400 * 1000)
  const expired = await app.inject({ method: 'POST', url: '/auth/refresh', cookies: { refresh_token_cookie: next.refresh_token_cookie!.value }, headers: { 'x-csrf-token': next.csrf_refresh_token!.value } })
  assert.equal(json(expired).code, 'TOKEN_EXPIRED')
  assert.equal(cookies(expired).refresh_token_cookie?.value, '')
  await app.close()
})

test('refresh with a bearer header still answers in the body', async () => {
  const { app } = await testApp({ JWT_TOKEN_LOCATION: 'headers,cookies' })
  await app.inject({ method: 'POST', url: '/auth/register', payload: CREDS })
  const tokens = json<{ refresh_token: string }>(await app.inject({ method: 'POST', url: '/auth/login', payload: CREDS }))
  const res = await app.inject({ method: 'POST', url: '/auth/refresh', headers: { authorization: `Bearer ${tokens.refresh_token}` } })
  assert.equal(json(res).token_type, 'Bearer')
  assert.equal(res.cookies.length, 0)
  await app.close()
})

test('JWT_COOKIE_CSRF_PROTECT=false: no CSRF cookies, unsafe methods pass without an echo', async () => {
  const { app, jar, login } = await cookieApp({ JWT_COOKIE_CSRF_PROTECT: 'false' })
  assert.equal(jar.csrf_access_token, undefined)
  assert.equal(json(login).csrf_access_token, undefined)
  const out = await app.inject({ method: 'POST', url: '/auth/logout', cookies: { access_token_cookie: jar.access_token_cookie!.value } })
  assert.equal(out.statusCode, 204)
  await app.close()
})

test('cookies are ignored unless JWT_TOKEN_LOCATION lists them; login?cookies=true is refused', async () => {
  // Set explicitly: unset, the default lists cookies while the web console is on (CONSOLE).
  const { app } = await testApp({ JWT_TOKEN_LOCATION: 'headers' })
  await app.inject({ method: 'POST', url: '/auth/register', payload: CREDS })
  const refused = await app.inject({ method: 'POST', url: '/auth/login?cookies=true', payload: CREDS })
  assert.equal(refused.statusCode, 400)
  assert.equal(json(refused).code, 'COOKIE_LOGIN_DISABLED')
  const bad = await app.inject({ method: 'POST', url: '/auth/login?cookies=maybe', payload: CREDS })
  assert.equal(json(bad).code, 'VALIDATION_FAILED')
  const { app: other, jar } = await cookieApp()
  const me = await app.inject({ url: '/auth/me', cookies: { access_token_cookie: jar.access_token_cookie!.value } })
  assert.equal(me.statusCode, 401)
  assert.equal(json(me).code, 'TOKEN_MISSING')
  await app.close()
  await other.close()
})

test('a forged csrf cookie does not help: the echo must equal the claim inside the signed token', async () => {
  const { app, jar } = await cookieApp()
  const res = await app.inject({
    method: 'POST',
    url: '/auth/logout',
    cookies: { access_token_cookie: jar.access_token_cookie!.value, csrf_access_token: 'attacker' },
    headers: { 'x-csrf-token': 'attacker' },
  })
  assert.equal(json(res).code, 'CSRF_FAILED')
  await app.close()
})
