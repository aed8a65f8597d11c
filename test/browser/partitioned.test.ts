// The browser test of JWT_COOKIE_PARTITIONED (CHIPS): a single-page app on one site
// (http://localhost:PORT, the top-level page) uses the API on another site (http://127.0.0.1:PORT)
// in cookie mode, in Chromium as shipped, which blocks third-party cookies. With Partitioned
// cookies the whole flow works (login, /auth/me, CSRF echo, refresh, logout); without them the
// same flow stores nothing. A partitioned jar belongs to the top-level site it was filled under.

import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { testApp, type TestApp } from '../helpers.js'
import { chromiumMissing, corsFetch, elsewhere, launchChromium, launchFreshProfile } from './harness.js'

// page.evaluate bodies run in the browser; the test program has no DOM lib.
declare const document: { cookie: string }
declare const window: { isSecureContext: boolean }

const CREDS = { email: 'ada@example.com', password: 'correct horse battery' }
const TOKEN_COOKIES = ['access_token_cookie', 'csrf_access_token', 'csrf_refresh_token', 'refresh_token_cookie']
const CROSS_SITE_COOKIES = { JWT_TOKEN_LOCATION: 'cookies', JWT_COOKIE_SAMESITE: 'none', JWT_COOKIE_SECURE: 'true' }

const missing = chromiumMissing()
if (missing !== undefined && process.env.CI === 'true') {
  test('Chromium is installed for the browser CHIPS test (CI=true)', () => assert.fail(`${missing}; .ci/run installs it under CI=true`))
}

describe('JWT_COOKIE_PARTITIONED in Chromium, third-party cookies blocked as shipped', { skip: missing }, () => {
  let spa: { server: Server; port: number } | undefined
  let browser: Browser | undefined
  let fresh: { context: BrowserContext; close: () => Promise<void> } | undefined
  const apps: TestApp[] = []
  /** The single-page app's top-level site, and another top-level site (the API's own host). */
  let spaOrigin: string
  let otherSite: string
  let partitioned: string
  let plain: string

  async function api(env: Record<string, string>): Promise<string> {
    const t = await testApp({ ...CROSS_SITE_COOKIES, CORS_ORIGINS: `${spaOrigin},${otherSite}`, ...env })
    apps.push(t)
    await t.auth.accounts.register(CREDS)
    return t.app.listen({ host: '127.0.0.1', port: 0 })
  }

  before(async () => {
    spa = await elsewhere()
    spaOrigin = `http://localhost:${spa.port}`
    otherSite = `http://127.0.0.1:${spa.port}`
    browser = await launchChromium()
    fresh = await launchFreshProfile()
    partitioned = await api({ JWT_COOKIE_PARTITIONED: 'true' })
    plain = await api({})
  })

  after(async () => {
    const closeSpa = new Promise((resolve) => (spa ? spa.server.close(resolve) : resolve(null)))
    await Promise.allSettled([browser?.close(), fresh?.close(), ...apps.map((t) => t.app.close()), closeSpa])
  })

  async function open(context: BrowserContext, origin: string): Promise<Page> {
    const page = await context.newPage()
    await page.goto(`${origin}/`)
    return page
  }

  /** Logs in from `page` with `credentials: 'include'`; returns the answer's CSRF values. */
  async function login(page: Page, url: string): Promise<{ access: string; refresh: string }> {
    const res = await corsFetch(page, `${url}/auth/login?cookies=true`, { method: 'POST', json: CREDS, credentials: 'include' })
    assert.ok(res.readable && res.status === 200, JSON.stringify(res.readable ? res.status : res))
    assert.equal(res.body!.token_type, 'cookie')
    assert.equal(res.body!.access_token, undefined, 'no token in the body')
    return { access: String(res.body!.csrf_access_token), refresh: String(res.body!.csrf_refresh_token) }
  }

  async function me(page: Page, url: string): Promise<{ status: number; code: unknown }> {
    const res = await corsFetch(page, `${url}/auth/me`, { credentials: 'include' })
    assert.ok(res.readable, 'the answer is readable (listed origin)')
    return { status: res.status, code: res.body?.code }
  }

  /** The token cookies the context holds for the API, as [name, partitionKey] pairs. */
  async function jar(context: BrowserContext, url: string): Promise<[string, string | undefined][]> {
    return (await context.cookies(url)).map((c): [string, string | undefined] => [c.name, c.partitionKey]).sort()
  }

  async function fullFlow(context: BrowserContext): Promise<void> {
    await context.clearCookies()
    const page = await open(context, spaOrigin)
    // http://localhost and http://127.0.0.1 are secure contexts: Secure cookies work over plain HTTP.
    assert.equal(await page.evaluate(() => window.isSecureContext), true)
    const csrf = await login(page, partitioned)
    // Stored, in the partition of the top-level site (scheme and host, no port).
    assert.deepEqual(await jar(context, partitioned), TOKEN_COOKIES.map((n) => [n, 'http://localhost']))
    assert.equal(await page.evaluate(() => document.cookie), '', 'the page cannot read the API host cookies')

    assert.deepEqual(await me(page, partitioned), { status: 200, code: undefined })

    const rename = (headers: Record<string, string>) =>
      corsFetch(page, `${partitioned}/auth/me`, { method: 'PATCH', json: { username: 'ada' }, credentials: 'include', headers })
    const refused = await rename({})
    assert.ok(refused.readable && refused.status === 401)
    assert.equal(refused.body!.code, 'CSRF_FAILED')
    const renamed = await rename({ 'X-CSRF-TOKEN': csrf.access })
    assert.ok(renamed.readable && renamed.status === 200, JSON.stringify(renamed.readable ? renamed.body : renamed))
    assert.equal(renamed.body!.username, 'ada')

    const refreshed = await corsFetch(page, `${partitioned}/auth/refresh`, { method: 'POST', credentials: 'include', headers: { 'X-CSRF-TOKEN': csrf.refresh } })
    assert.ok(refreshed.readable && refreshed.status === 200, JSON.stringify(refreshed.readable ? refreshed.body : refreshed))
    assert.deepEqual(await jar(context, partitioned), TOKEN_COOKIES.map((n) => [n, 'http://localhost']), 'rotated cookies stay partitioned')
    assert.deepEqual(await me(page, partitioned), { status: 200, code: undefined })

    const out = await corsFetch(page, `${partitioned}/auth/logout`, { method: 'POST', credentials: 'include', headers: { 'X-CSRF-TOKEN': String(refreshed.body!.csrf_access_token) } })
    assert.ok(out.readable && out.status === 204, JSON.stringify(out.readable ? out.body : out))
    // The clearing Set-Cookie carried Partitioned too, so it removed the partitioned cookies.
    assert.deepEqual(await jar(context, partitioned), [])
    assert.deepEqual(await me(page, partitioned), { status: 401, code: 'TOKEN_MISSING' })
    await page.close()
  }

  test('a default context (private window): login, /auth/me, CSRF echo from the login answer, refresh, logout', async () => {
    const context = await browser!.newContext()
    await fullFlow(context)
    await context.close()
  })

  test('a fresh regular profile: the same flow works', async () => {
    await fullFlow(fresh!.context)
  })

  test('contrast: the same flow without JWT_COOKIE_PARTITIONED stores nothing; /auth/me is 401 TOKEN_MISSING', async () => {
    for (const context of [await browser!.newContext(), fresh!.context]) {
      await context.clearCookies()
      const page = await open(context, spaOrigin)
      await login(page, plain)
      assert.deepEqual(await jar(context, plain), [], 'SameSite=None; Secure alone is a blocked third-party cookie')
      assert.deepEqual(await me(page, plain), { status: 401, code: 'TOKEN_MISSING' })
      await page.close()
    }
  })

  test('the jar belongs to the top-level site: a page on another site gets a separate, empty one', async () => {
    const context = await browser!.newContext()
    const page = await open(context, spaOrigin)
    await login(page, partitioned)
    // The API's own host as top-level site (http://127.0.0.1, CORS-listed too): not the localhost partition.
    const other = await open(context, otherSite)
    assert.deepEqual(await me(other, partitioned), { status: 401, code: 'TOKEN_MISSING' })
    // Another port of the same host is the same site, so the same partition.
    assert.deepEqual(await me(page, partitioned), { status: 200, code: undefined })
    await context.close()
  })
})
