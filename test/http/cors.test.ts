// CORS_ORIGINS through HTTP: off by default (not a single Access-Control-* header), and when set,
// preflights and answers for the listed origins only, exact origin and credentials, Vary: Origin.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { bearer, json, signUp, testApp, type TestApp } from '../helpers.js'

const APP = 'https://app.example.com'
const EVIL = 'https://evil.example.com'

function corsHeaders(res: LightMyRequestResponse): string[] {
  return Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))
}

function preflight(t: TestApp, origin: string, url = '/auth/me', method = 'GET', headers = 'authorization') {
  return t.app.inject({ method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } })
}

const varies = (res: LightMyRequestResponse) => String(res.headers.vary ?? '').split(/\s*,\s*/).map((v) => v.toLowerCase())

describe('without CORS_ORIGINS', () => {
  let t: TestApp
  before(async () => (t = await testApp()))
  after(() => t.app.close())

  test('no Access-Control-* header on an answer, even to an Origin', async () => {
    const { tokens } = await signUp(t.app)
    const res = await t.app.inject({ method: 'GET', url: '/auth/me', headers: { origin: APP, ...bearer(tokens.access_token) } })
    assert.equal(res.statusCode, 200)
    assert.deepEqual(corsHeaders(res), [])
    assert.equal(res.headers.vary, undefined)
  })

  test('a preflight finds no route (404 ROUTE_NOT_FOUND) and no Access-Control-* header', async () => {
    const res = await preflight(t, APP)
    assert.equal(res.statusCode, 404)
    assert.equal(json(res).code, 'ROUTE_NOT_FOUND')
    assert.deepEqual(corsHeaders(res), [])
  })
})

describe('with CORS_ORIGINS', () => {
  let t: TestApp
  before(async () => (t = await testApp({ CORS_ORIGINS: `${APP}, http://localhost:5173`, CORS_MAX_AGE: '2h', JWT_TOKEN_LOCATION: 'headers,cookies' })))
  after(() => t.app.close())

  test('a listed origin\'s preflight: 204, its own origin (not *), credentials, methods, headers, max-age', async () => {
    for (const origin of [APP, 'http://localhost:5173']) {
      const res = await preflight(t, origin, '/auth/me', 'PATCH', 'authorization,content-type,x-csrf-token')
      assert.equal(res.statusCode, 204, origin)
      assert.equal(res.headers['access-control-allow-origin'], origin)
      assert.equal(res.headers['access-control-allow-credentials'], 'true')
      const methods = String(res.headers['access-control-allow-methods']).split(/\s*,\s*/)
      assert.deepEqual(methods, ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'])
      const allowed = String(res.headers['access-control-allow-headers']).split(/\s*,\s*/).map((h) => h.toLowerCase())
      for (const h of ['authorization', 'content-type', 'x-csrf-token']) assert.ok(allowed.includes(h), `${h} in ${allowed}`)
      assert.equal(res.headers['access-control-max-age'], '7200')
      assert.ok(varies(res).includes('origin'))
      assert.equal(res.body, '')
    }
  })

  test('an answer to a listed origin: its origin, credentials, exposed WWW-Authenticate and Retry-After, Vary: Origin', async () => {
    const { tokens } = await signUp(t.app)
    const res = await t.app.inject({ method: 'GET', url: '/auth/me', headers: { origin: APP, ...bearer(tokens.access_token) } })
    assert.equal(res.statusCode, 200)
    assert.equal(json(res).email, 'ada@example.com')
    assert.equal(res.headers['access-control-allow-origin'], APP)
    assert.equal(res.headers['access-control-allow-credentials'], 'true')
    assert.ok(varies(res).includes('origin'))
    const exposed = String(res.headers['access-control-expose-headers']).split(/\s*,\s*/).map((h) => h.toLowerCase())
    for (const h of ['www-authenticate', 'retry-after', 'x-ratelimit-reset']) assert.ok(exposed.includes(h), `${h} in ${exposed}`)

    // Errors carry them too, so the page can read the code and the challenge.
    const refused = await t.app.inject({ method: 'GET', url: '/auth/me', headers: { origin: APP } })
    assert.equal(refused.statusCode, 401)
    assert.equal(json(refused).code, 'TOKEN_MISSING')
    assert.equal(refused.headers['access-control-allow-origin'], APP)
  })

  test('another origin: no Access-Control-* header on the answer, its preflight a 404 without them', async () => {
    const { tokens } = await signUp(t.app, { email: 'bob@example.com' })
    // Near misses of a listed origin: other scheme, port, subdomain, trailing slash, and `null`.
    for (const origin of [EVIL, 'http://app.example.com', 'https://app.example.com:8443', 'https://x.app.example.com', `${APP}/`, 'null']) {
      const res = await t.app.inject({ method: 'GET', url: '/auth/me', headers: { origin, ...bearer(tokens.access_token) } })
      assert.equal(res.statusCode, 200, 'the server answers; the browser keeps the answer from the page')
      assert.deepEqual(corsHeaders(res), [], origin)
      assert.ok(varies(res).includes('origin'), 'Vary: Origin, so a cache never serves this answer to a listed origin')

      const pre = await preflight(t, origin)
      assert.equal(pre.statusCode, 404, origin)
      assert.equal(json(pre).code, 'ROUTE_NOT_FOUND')
      assert.deepEqual(corsHeaders(pre), [], origin)
    }
  })

  test('no Origin (same-origin or not a browser): no CORS header, an OPTIONS is a 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' })
    assert.equal(res.statusCode, 200)
    assert.deepEqual(corsHeaders(res), [])
    const options = await t.app.inject({ method: 'OPTIONS', url: '/auth/me' })
    assert.equal(options.statusCode, 404)
    assert.equal(json(options).code, 'ROUTE_NOT_FOUND')
  })

  test('cookie mode keeps its CSRF check for a listed origin', async () => {
    await signUp(t.app, { email: 'carol@example.com' })
    const login = await t.app.inject({ method: 'POST', url: '/auth/login?cookies=true', headers: { origin: APP }, payload: { email: 'carol@example.com', password: 'correct horse battery' } })
    assert.equal(login.statusCode, 200)
    assert.equal(login.headers['access-control-allow-origin'], APP)
    const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
    const patch = (headers: Record<string, string>) => t.app.inject({ method: 'PATCH', url: '/auth/me', headers: { origin: APP, cookie, ...headers }, payload: { username: 'carol' } })
    const refused = await patch({})
    assert.equal(refused.statusCode, 401)
    assert.equal(json(refused).code, 'CSRF_FAILED')
    const ok = await patch({ 'x-csrf-token': String(json(login).csrf_access_token) })
    assert.equal(ok.statusCode, 200)
    assert.equal(ok.headers['access-control-allow-origin'], APP)
  })
})

test('a 429 from a listed origin is readable: CORS headers and Retry-After exposed', async () => {
  const t = await testApp({ CORS_ORIGINS: APP, RATE_LIMIT_MAX: '1' })
  try {
    await t.app.inject({ method: 'POST', url: '/auth/refresh', headers: { origin: APP } })
    const res = await t.app.inject({ method: 'POST', url: '/auth/refresh', headers: { origin: APP } })
    assert.equal(res.statusCode, 429)
    assert.equal(json(res).code, 'RATE_LIMITED')
    assert.equal(res.headers['access-control-allow-origin'], APP)
    assert.ok(res.headers['retry-after'])
    // A preflight is answered before the limit counts: the page can still ask.
    assert.equal((await preflight(t, APP)).statusCode, 204)
  } finally {
    await t.app.close()
  }
})

test('a custom JWT_HEADER_NAME and JWT_CSRF_HEADER_NAME are allowed in preflights', async () => {
  const t = await testApp({ CORS_ORIGINS: APP, JWT_HEADER_NAME: 'X-Api-Token', JWT_CSRF_HEADER_NAME: 'X-XSRF' })
  try {
    const res = await preflight(t, APP, '/auth/me', 'GET', 'x-api-token')
    assert.equal(res.statusCode, 204)
    const allowed = String(res.headers['access-control-allow-headers']).split(/\s*,\s*/).map((h) => h.toLowerCase())
    assert.deepEqual(allowed, ['authorization', 'content-type', 'x-xsrf', 'x-api-token'])
  } finally {
    await t.app.close()
  }
})

describe('plain-http origins in production', () => {
  async function warnings(env: Record<string, string>): Promise<Record<string, unknown>[]> {
    const lines: string[] = []
    const t = await testApp({ LOG_LEVEL: 'warn', ...env }, { logStream: { write: (l: string) => void lines.push(l) } })
    await t.app.close()
    return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => String(l.msg).startsWith('CORS_ORIGINS lists plain-http'))
  }

  test('are allowed with a warning naming them; https and loopback origins, or outside production, get none', async () => {
    const warned = await warnings({ NODE_ENV: 'production', CORS_ORIGINS: `http://intranet.example.com,${APP},http://localhost:5173` })
    assert.equal(warned.length, 1)
    assert.deepEqual(warned[0]!.origins, ['http://intranet.example.com'])
    assert.deepEqual(await warnings({ NODE_ENV: 'production', CORS_ORIGINS: `${APP},http://127.0.0.1:8080` }), [])
    assert.deepEqual(await warnings({ CORS_ORIGINS: 'http://intranet.example.com' }), [])
  })
})
