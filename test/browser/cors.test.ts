// The browser test of CORS_ORIGINS: Debian's Chromium (playwright-core) against the real server on
// 127.0.0.1, with single-page apps served from other origins. A listed origin's page uses the API in
// token mode and in cookie mode, same-site (127.0.0.1, another port) and cross-site (localhost,
// which needs SameSite=None; Secure cookies and a browser that allows third-party cookies); a page
// on an origin that is not listed can read nothing, and its cookie-carrying requests are refused.

import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { testApp, type TestApp } from '../helpers.js'
import { chromiumMissing, corsFetch, elsewhere, launchAllowingThirdPartyCookies, launchChromium, recordAnswers, type Seen } from './harness.js'

// page.evaluate bodies run in the browser; the test program has no DOM lib.
declare const document: { cookie: string }
declare const window: { isSecureContext: boolean }

const CREDS = { email: 'ada@example.com', password: 'correct horse battery' }

const missing = chromiumMissing()
if (missing !== undefined && process.env.CI === 'true') {
  test('Chromium is installed for the browser CORS test (CI=true)', () => assert.fail(`${missing}; .ci/run installs it under CI=true`))
}

/** A server under test, listening, with a recorder of what it answered. */
interface Api {
  t: TestApp
  url: string
  seen: Seen[]
}

async function startApi(env: Record<string, string>): Promise<Api> {
  const t = await testApp(env)
  const seen = recordAnswers(t.app)
  const url = await t.app.listen({ host: '127.0.0.1', port: 0 })
  return { t, url, seen }
}

/** The answers `api` sent while `act` ran, as [method, path, status]. */
async function answersTo(api: Api, act: () => Promise<unknown>): Promise<[string, string, number][]> {
  const from = api.seen.length
  await act()
  return api.seen.slice(from).map((a) => [a.method, a.path, a.status])
}

describe('CORS_ORIGINS in Chromium', { skip: missing }, () => {
  let spa: { server: Server; port: number } | undefined
  let third: { server: Server; port: number } | undefined
  let browser: Browser | undefined
  let allowing: { context: BrowserContext; close: () => Promise<void> } | undefined
  const apis: Api[] = []
  /** The listed single-page app, cross-site (localhost) and same-site (127.0.0.1) to the API. */
  let crossSite: string
  let sameSite: string
  /** An origin nobody listed. */
  let stranger: string

  before(async () => {
    spa = await elsewhere()
    third = await elsewhere()
    crossSite = `http://localhost:${spa.port}`
    sameSite = `http://127.0.0.1:${spa.port}`
    stranger = `http://localhost:${third.port}`
    browser = await launchChromium()
    allowing = await launchAllowingThirdPartyCookies()
  })

  after(async () => {
    const close = (s?: { server: Server }) => new Promise((resolve) => (s ? s.server.close(resolve) : resolve(null)))
    await Promise.allSettled([browser?.close(), allowing?.close(), ...apis.map((a) => a.t.app.close()), close(spa), close(third)])
  })

  async function api(env: Record<string, string>): Promise<Api> {
    const a = await startApi(env)
    apis.push(a)
    return a
  }

  async function open(context: BrowserContext, origin: string): Promise<Page> {
    const page = await context.newPage()
    await page.goto(`${origin}/`)
    return page
  }

  describe('token mode (tokens in the JSON body, Authorization header)', () => {
    let a: Api
    let access: string
    before(async () => (a = await api({ CORS_ORIGINS: crossSite })))

    test('a listed origin registers, logs in, reads /auth/me, its 401 and challenge, and refreshes', async () => {
      const page = await open(await browser!.newContext(), crossSite)
      let answers = await answersTo(a, async () => {
        const reg = await corsFetch(page, `${a.url}/auth/register`, { method: 'POST', json: CREDS })
        assert.equal(reg.readable && reg.status, 201, JSON.stringify(reg))
        assert.equal(reg.readable && reg.body!.email, CREDS.email)
      })
      // The JSON body made the browser ask first, and the server said yes.
      assert.deepEqual(answers, [['OPTIONS', '/auth/register', 204], ['POST', '/auth/register', 201]])

      const login = await corsFetch(page, `${a.url}/auth/login`, { method: 'POST', json: CREDS })
      assert.ok(login.readable && login.status === 200, JSON.stringify(login))
      access = String(login.body!.access_token)
      assert.equal(login.body!.token_type, 'Bearer')

      const me = await corsFetch(page, `${a.url}/auth/me`, { headers: { Authorization: `Bearer ${access}` } })
      assert.ok(me.readable)
      assert.equal(me.status, 200)
      assert.equal(me.body!.email, CREDS.email)

      const refused = await corsFetch(page, `${a.url}/auth/me`)
      assert.ok(refused.readable, 'an error answer is readable too')
      assert.equal(refused.status, 401)
      assert.equal(refused.body!.code, 'TOKEN_MISSING')
      assert.match(refused.headers['www-authenticate'] ?? '', /^Bearer /, 'WWW-Authenticate is exposed')

      answers = await answersTo(a, async () => {
        const refreshed = await corsFetch(page, `${a.url}/auth/refresh`, { method: 'POST', json: { refresh_token: login.body!.refresh_token } })
        assert.ok(refreshed.readable && refreshed.status === 200, JSON.stringify(refreshed))
        assert.equal(typeof refreshed.body!.access_token, 'string')
      })
      assert.deepEqual(answers.at(-1), ['POST', '/auth/refresh', 200])
      await page.close()
    })

    test('an origin that is not listed reads nothing; its preflights fail, so the real request is never sent', async () => {
      const page = await open(await browser!.newContext(), stranger)
      let answers = await answersTo(a, async () => {
        assert.deepEqual(await corsFetch(page, `${a.url}/auth/me`, { headers: { Authorization: `Bearer ${access}` } }), { readable: false, error: 'TypeError' })
        assert.deepEqual(await corsFetch(page, `${a.url}/auth/login`, { method: 'POST', json: CREDS }), { readable: false, error: 'TypeError' })
      })
      assert.deepEqual(answers, [['OPTIONS', '/auth/me', 404], ['OPTIONS', '/auth/login', 404]])

      // A simple request needs no preflight: it reaches the server, but the page may not read the answer.
      answers = await answersTo(a, async () => {
        assert.deepEqual(await corsFetch(page, `${a.url}/health`), { readable: false, error: 'TypeError' })
      })
      assert.deepEqual(answers, [['GET', '/health', 200]])
      await page.close()
    })
  })

  describe('cookie mode, same-site origin (127.0.0.1, another port), default SameSite=Lax', () => {
    let a: Api
    before(async () => {
      a = await api({ JWT_TOKEN_LOCATION: 'cookies', CORS_ORIGINS: `${sameSite},${crossSite}` })
      await a.t.auth.accounts.register(CREDS)
    })

    test('login with credentials: include, /auth/me by cookie, writes need the CSRF echo, refresh, logout', async () => {
      const context = await browser!.newContext()
      const page = await open(context, sameSite)
      const login = await corsFetch(page, `${a.url}/auth/login?cookies=true`, { method: 'POST', json: CREDS, credentials: 'include' })
      assert.ok(login.readable && login.status === 200, JSON.stringify(login))
      assert.equal(login.body!.token_type, 'cookie')
      assert.equal(login.body!.access_token, undefined)
      const jar = await context.cookies(a.url)
      assert.deepEqual(jar.map((c) => [c.name, c.sameSite]).sort(), [['access_token_cookie', 'Lax'], ['csrf_access_token', 'Lax'], ['csrf_refresh_token', 'Lax'], ['refresh_token_cookie', 'Lax']])

      const me = await corsFetch(page, `${a.url}/auth/me`, { credentials: 'include' })
      assert.ok(me.readable && me.status === 200, JSON.stringify(me))
      assert.equal(me.body!.email, CREDS.email)
      // Without `credentials: 'include'` the browser sends no cookie to another origin.
      const bare = await corsFetch(page, `${a.url}/auth/me`)
      assert.ok(bare.readable && bare.status === 401)
      assert.equal(bare.body!.code, 'TOKEN_MISSING')

      const rename = (csrf?: string) =>
        corsFetch(page, `${a.url}/auth/me`, { method: 'PATCH', json: { username: 'ada' }, credentials: 'include', headers: csrf === undefined ? {} : { 'X-CSRF-TOKEN': csrf } })
      const refused = await rename()
      assert.ok(refused.readable && refused.status === 401)
      assert.equal(refused.body!.code, 'CSRF_FAILED', 'a listed origin still needs the double submit')
      // Same site, same host: the page's own document.cookie holds the CSRF cookie (cookies are not port-scoped).
      const fromCookie = await page.evaluate(() => decodeURIComponent(document.cookie.split('; ').find((c) => c.startsWith('csrf_access_token='))!.split('=')[1]!))
      assert.equal(fromCookie, login.body!.csrf_access_token)
      const renamed = await rename(fromCookie)
      assert.ok(renamed.readable && renamed.status === 200, JSON.stringify(renamed))
      assert.equal(renamed.body!.username, 'ada')

      const refreshed = await corsFetch(page, `${a.url}/auth/refresh`, { method: 'POST', credentials: 'include', headers: { 'X-CSRF-TOKEN': String(login.body!.csrf_refresh_token) } })
      assert.ok(refreshed.readable && refreshed.status === 200, JSON.stringify(refreshed))
      assert.equal(refreshed.body!.token_type, 'cookie')
      const out = await corsFetch(page, `${a.url}/auth/logout`, { method: 'POST', credentials: 'include', headers: { 'X-CSRF-TOKEN': String(refreshed.body!.csrf_access_token) } })
      assert.ok(out.readable && out.status === 204, JSON.stringify(out))
      assert.deepEqual(await context.cookies(a.url), [])
      await context.close()
    })

    test('cross-site (localhost), even where third-party cookies are allowed: the Lax cookies are refused, nothing authenticates', async () => {
      const page = await open(allowing!.context, crossSite)
      const login = await corsFetch(page, `${a.url}/auth/login?cookies=true`, { method: 'POST', json: CREDS, credentials: 'include' })
      assert.ok(login.readable && login.status === 200, 'the login itself succeeds and is readable')
      assert.deepEqual(await allowing!.context.cookies(a.url), [], 'SameSite=Lax cookies from a cross-site fetch are not stored')
      const me = await corsFetch(page, `${a.url}/auth/me`, { credentials: 'include' })
      assert.ok(me.readable && me.status === 401)
      assert.equal(me.body!.code, 'TOKEN_MISSING')
      await page.close()
    })
  })

  describe('cookie mode, cross-site origin (localhost) with JWT_COOKIE_SAMESITE=none and JWT_COOKIE_SECURE=true', () => {
    let a: Api
    before(async () => {
      a = await api({ JWT_TOKEN_LOCATION: 'cookies', JWT_COOKIE_SAMESITE: 'none', JWT_COOKIE_SECURE: 'true', CORS_ORIGINS: crossSite })
      await a.t.auth.accounts.register(CREDS)
    })

    test('where third-party cookies are allowed: login, /auth/me, CSRF echo from the login answer', async () => {
      const context = allowing!.context
      await context.clearCookies()
      const page = await open(context, crossSite)
      // http://localhost and http://127.0.0.1 are secure contexts, so Secure cookies work over plain HTTP here.
      assert.equal(await page.evaluate(() => window.isSecureContext), true)
      const login = await corsFetch(page, `${a.url}/auth/login?cookies=true`, { method: 'POST', json: CREDS, credentials: 'include' })
      assert.ok(login.readable && login.status === 200, JSON.stringify(login))
      const jar = await context.cookies(a.url)
      assert.equal(jar.length, 4)
      for (const c of jar) assert.deepEqual([c.name, c.sameSite, c.secure], [c.name, 'None', true])
      // The page cannot read the API host's cookies: the CSRF values come from the login answer.
      assert.equal(await page.evaluate(() => document.cookie), '')

      const me = await corsFetch(page, `${a.url}/auth/me`, { credentials: 'include' })
      assert.ok(me.readable && me.status === 200, JSON.stringify(me))
      assert.equal(me.body!.email, CREDS.email)
      const rename = (headers: Record<string, string>) => corsFetch(page, `${a.url}/auth/me`, { method: 'PATCH', json: { username: 'ada' }, credentials: 'include', headers })
      const refused = await rename({})
      assert.ok(refused.readable && refused.status === 401)
      assert.equal(refused.body!.code, 'CSRF_FAILED')
      const renamed = await rename({ 'X-CSRF-TOKEN': String(login.body!.csrf_access_token) })
      assert.ok(renamed.readable && renamed.status === 200, JSON.stringify(renamed))
      await page.close()
    })

    test('SameSite=None sends the cookies from every site: an unlisted page reads nothing and its writes fail the CSRF check', async () => {
      const page = await open(allowing!.context, stranger)
      try {
        // The cookies ride along (the server answers 200), but without CORS headers the page reads nothing.
        const from = a.seen.length
        assert.deepEqual(await corsFetch(page, `${a.url}/auth/me`, { credentials: 'include' }), { readable: false, error: 'TypeError' })
        assert.deepEqual(a.seen.slice(from).map((s) => [s.method, s.status, s.cookies]), [['GET', 200, true]])

        // A simple POST (no preflight) carries the cookies and is refused for want of the echo.
        let answers = await answersTo(a, () => page.evaluate((url) => fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include' }).then(() => null), `${a.url}/auth/logout?scope=global`))
        assert.deepEqual(answers, [['POST', '/auth/logout', 401]])
        assert.equal(a.seen.at(-1)!.code, 'CSRF_FAILED')

        // With the header, or a JSON cookie login (login CSRF), the preflight fails and nothing is sent.
        answers = await answersTo(a, async () => {
          assert.equal((await corsFetch(page, `${a.url}/auth/logout`, { method: 'POST', credentials: 'include', headers: { 'X-CSRF-TOKEN': 'guessed' } })).readable, false)
          assert.equal((await corsFetch(page, `${a.url}/auth/login?cookies=true`, { method: 'POST', credentials: 'include', json: CREDS })).readable, false)
        })
        assert.deepEqual(answers, [['OPTIONS', '/auth/logout', 404], ['OPTIONS', '/auth/login', 404]])
      } finally {
        await page.close()
      }
      const listed = await open(allowing!.context, crossSite)
      const me = await corsFetch(listed, `${a.url}/auth/me`, { credentials: 'include' })
      assert.ok(me.readable && me.status === 200, 'the session survived')
      await listed.close()
    })

    test('a browser that blocks third-party cookies (a private window) stores none: cross-site SPAs need token mode there', async () => {
      const context = await browser!.newContext()
      const page = await open(context, crossSite)
      const login = await corsFetch(page, `${a.url}/auth/login?cookies=true`, { method: 'POST', json: CREDS, credentials: 'include' })
      assert.ok(login.readable && login.status === 200)
      assert.deepEqual(await context.cookies(a.url), [])
      const me = await corsFetch(page, `${a.url}/auth/me`, { credentials: 'include' })
      assert.ok(me.readable && me.status === 401)
      assert.equal(me.body!.code, 'TOKEN_MISSING')
      await context.close()
    })
  })
})
