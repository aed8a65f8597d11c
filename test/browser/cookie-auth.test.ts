// The browser test of cookie mode: Debian's Chromium (playwright-core) against the real server on
// 127.0.0.1, set up as a developer runs it locally (JWT_TOKEN_LOCATION=cookies, NODE_ENV not
// production, so the cookies are not Secure). HttpOnly token cookies, readable CSRF cookies echoed
// in X-CSRF-TOKEN (double submit), refresh rotation and reuse detection, logout, and a second
// origin playing the attacker: same-site (127.0.0.1, another port) and cross-site (localhost).

import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Cookie, Page } from 'playwright-core'
import { testApp, type TestApp } from '../helpers.js'
import { chromiumMissing, crossFetch, elsewhere, launchChromium, pageFetch, recordAnswers, scriptCookieNames, type Seen } from './harness.js'

// page.evaluate bodies run in the browser; the test program has no DOM lib.
declare const document: { cookie: string }

const CREDS = { email: 'ada@example.com', password: 'correct horse battery' }
const ACCESS = 'access_token_cookie'
const REFRESH = 'refresh_token_cookie'
const CSRF_ACCESS = 'csrf_access_token'
const CSRF_REFRESH = 'csrf_refresh_token'
const ALL = [ACCESS, REFRESH, CSRF_ACCESS, CSRF_REFRESH]

const missing = chromiumMissing()
if (missing !== undefined && process.env.CI === 'true') {
  test('Chromium is installed for the browser test (CI=true)', () => assert.fail(`${missing}; .ci/run installs it under CI=true`))
}

describe('cookie-mode auth in Chromium', { skip: missing }, () => {
  let t: TestApp
  let seen: Seen[]
  let api: string
  let other: { server: Server; port: number } | undefined
  let browser: Browser | undefined
  let context: BrowserContext
  let page: Page

  before(async () => {
    t = await testApp({ JWT_TOKEN_LOCATION: 'cookies' })
    seen = recordAnswers(t.app)
    api = await t.app.listen({ host: '127.0.0.1', port: 0 })
    other = await elsewhere()
    browser = await launchChromium()
    context = await browser.newContext()
    page = await context.newPage()
    await page.goto(`${api}/health`) // the app's own origin: its script's fetch() is same-origin
  })

  after(async () => {
    await Promise.allSettled([browser?.close(), t?.app.close(), new Promise((resolve) => (other ? other.server.close(resolve) : resolve(null)))])
  })

  /** The browser's cookies for the API, by name. */
  async function jar(): Promise<Record<string, Cookie>> {
    return Object.fromEntries((await context.cookies(api)).map((c) => [c.name, c]))
  }

  async function logIn(): Promise<void> {
    const login = await pageFetch(page, '/auth/login?cookies=true', { method: 'POST', json: CREDS })
    assert.equal(login.status, 200, JSON.stringify(login.body))
  }

  /** The answers the server sent while `act` ran. */
  async function answersTo(act: () => Promise<unknown>): Promise<Seen[]> {
    const from = seen.length
    await act()
    return seen.slice(from)
  }

  test('login?cookies=true: token cookies are HttpOnly (script cannot read them), CSRF cookies are readable', async () => {
    assert.equal((await pageFetch(page, '/auth/register', { method: 'POST', json: CREDS })).status, 201)
    const login = await pageFetch(page, '/auth/login?cookies=true', { method: 'POST', json: CREDS })
    assert.equal(login.status, 200)
    assert.equal(login.body!.token_type, 'cookie')
    assert.equal(login.body!.access_token, undefined, 'no token in the body')
    assert.deepEqual((await scriptCookieNames(page)).sort(), [CSRF_ACCESS, CSRF_REFRESH])

    const c = await jar()
    assert.deepEqual(Object.keys(c).sort(), [...ALL].sort())
    for (const name of ALL) {
      assert.equal(c[name]!.httpOnly, name === ACCESS || name === REFRESH, name)
      assert.equal(c[name]!.sameSite, 'Lax', name)
      assert.equal(c[name]!.secure, false, `${name}: JWT_COOKIE_SECURE is false outside production`)
      assert.equal(c[name]!.path, '/', name)
      assert.equal(c[name]!.domain, '127.0.0.1', `${name}: host-only`)
      assert.ok(c[name]!.expires > Date.now() / 1000, `${name}: persistent, Max-Age of its token`)
    }
    assert.equal(c[CSRF_ACCESS]!.value, login.body!.csrf_access_token)
    assert.equal(c[CSRF_REFRESH]!.value, login.body!.csrf_refresh_token)
  })

  test('GET /auth/me: the access cookie alone authenticates, and GET needs no CSRF echo', async () => {
    const [answer] = await answersTo(async () => {
      const me = await pageFetch(page, '/auth/me')
      assert.equal(me.status, 200, JSON.stringify(me.body))
      assert.equal(me.body!.email, CREDS.email)
    })
    assert.equal(answer!.cookies, true)
  })

  test('PATCH /auth/me needs X-CSRF-TOKEN equal to the access token claim', async () => {
    const rename = (init: { csrfFrom?: string }) => pageFetch(page, '/auth/me', { method: 'PATCH', json: { username: 'ada' }, ...init })
    let res = await rename({})
    assert.equal(res.status, 401)
    assert.equal(res.body!.code, 'CSRF_FAILED')
    res = await rename({ csrfFrom: CSRF_REFRESH })
    assert.equal(res.status, 401, 'the refresh token CSRF value is not the access one')
    assert.equal(res.body!.code, 'CSRF_FAILED')

    // A script that overwrites the readable cookie gains nothing: the echo is checked against the signed claim.
    const real = (await jar())[CSRF_ACCESS]!
    await page.evaluate(() => void (document.cookie = 'csrf_access_token=forged-value; path=/'))
    res = await rename({ csrfFrom: CSRF_ACCESS })
    assert.equal(res.echoed, true)
    assert.equal(res.status, 401)
    assert.equal(res.body!.code, 'CSRF_FAILED')
    await context.addCookies([real])

    res = await rename({ csrfFrom: CSRF_ACCESS })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.equal(res.body!.username, 'ada')
  })

  test('POST /auth/refresh from the cookie: needs the refresh CSRF echo, rotates every cookie, reuse revokes the session', async () => {
    const old = await jar()
    for (const csrfFrom of [undefined, CSRF_ACCESS]) {
      const res = await pageFetch(page, '/auth/refresh', { method: 'POST', ...(csrfFrom ? { csrfFrom } : {}) })
      assert.equal(res.status, 401, `echo of ${csrfFrom}`)
      assert.equal(res.body!.code, 'CSRF_FAILED')
    }
    const res = await pageFetch(page, '/auth/refresh', { method: 'POST', csrfFrom: CSRF_REFRESH })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.equal(res.body!.token_type, 'cookie')
    const now = await jar()
    for (const name of ALL) assert.notEqual(now[name]!.value, old[name]!.value, `${name} rotated`)
    assert.equal(now[CSRF_REFRESH]!.value, res.body!.csrf_refresh_token)
    assert.equal((await pageFetch(page, '/auth/me')).status, 200)

    // The previous access token lives on until it expires (access tokens are not rotated away).
    await context.addCookies([old[ACCESS]!])
    assert.equal((await pageFetch(page, '/auth/me')).status, 200)

    // The spent refresh cookie, presented after REFRESH_REUSE_INTERVAL (10 s), is a stolen copy (RFC 9700 §4.14.2).
    t.clock.advance(11_000)
    await context.addCookies([old[REFRESH]!, old[CSRF_REFRESH]!])
    const reused = await pageFetch(page, '/auth/refresh', { method: 'POST', csrfFrom: CSRF_REFRESH })
    assert.equal(reused.status, 401)
    assert.equal(reused.body!.code, 'REFRESH_TOKEN_REUSED')
    const left = (await context.cookies()).map((c) => c.name)
    assert.ok(!left.includes(REFRESH) && !left.includes(ACCESS), `the refusal cleared the dead token cookies (left: ${left.join(', ')})`)
    await context.addCookies([now[ACCESS]!, now[CSRF_ACCESS]!])
    const revoked = await pageFetch(page, '/auth/me')
    assert.equal(revoked.status, 401, 'the whole session is revoked, newest access token included')
    assert.equal(revoked.body!.code, 'TOKEN_REVOKED')
  })

  test('POST /auth/logout: refused without the echo, then clears all four cookies', async () => {
    await logIn()
    const refused = await pageFetch(page, '/auth/logout', { method: 'POST' })
    assert.equal(refused.status, 401)
    assert.equal(refused.body!.code, 'CSRF_FAILED')
    assert.ok((await jar())[ACCESS], 'a refused logout leaves the cookies')

    const out = await pageFetch(page, '/auth/logout', { method: 'POST', csrfFrom: CSRF_ACCESS })
    assert.equal(out.status, 204, JSON.stringify(out.body))
    assert.deepEqual(Object.keys(await jar()), [])
    assert.deepEqual(await scriptCookieNames(page), [])
    const me = await pageFetch(page, '/auth/me')
    assert.equal(me.status, 401)
    assert.equal(me.body!.code, 'TOKEN_MISSING')
  })

  for (const [kind, host] of [['same-site (127.0.0.1, another port)', '127.0.0.1'], ['cross-site (localhost)', 'localhost']] as const) {
    test(`a ${kind} page can neither read answers nor change state with the cookies`, async () => {
      if ((await jar())[ACCESS] === undefined) await logIn()
      // SameSite=Lax: a same-site page's requests carry the cookies, a cross-site page's do not.
      const sameSite = host === '127.0.0.1'
      const refusal = sameSite ? 'CSRF_FAILED' : 'TOKEN_MISSING'
      const evil = await context.newPage()
      try {
        await evil.goto(`http://${host}:${other!.port}/`)

        // Reading: no CORS headers, so the page's fetch fails even where the server answered 200.
        let answers = await answersTo(async () => {
          assert.deepEqual(await crossFetch(evil, `${api}/auth/me`), { readable: false, type: 'error', error: 'TypeError' })
        })
        assert.deepEqual(answers.map((a) => [a.method, a.status, a.cookies]), [['GET', sameSite ? 200 : 401, sameSite]])

        // Cookies are not port-scoped (RFC 6265 §8.5): a page on the same host reads the CSRF cookies.
        const readable = await scriptCookieNames(evil)
        assert.deepEqual(readable.sort(), sameSite ? [CSRF_ACCESS, CSRF_REFRESH] : [])

        // A simple request (no custom header) reaches the server but is refused there.
        answers = await answersTo(async () => {
          assert.deepEqual(await crossFetch(evil, `${api}/auth/logout?scope=global`, { method: 'POST', mode: 'no-cors' }), { readable: false, type: 'opaque' })
        })
        assert.deepEqual(answers.map((a) => [a.method, a.path, a.status, a.code]), [['POST', '/auth/logout', 401, refusal]])

        // Echoing the header (even the real value, where readable) needs a CORS preflight the server never grants.
        const csrf = sameSite ? (await jar())[CSRF_ACCESS]!.value : 'guessed'
        answers = await answersTo(async () => {
          const headers = { 'X-CSRF-TOKEN': csrf, 'content-type': 'application/json' }
          assert.equal((await crossFetch(evil, `${api}/auth/logout`, { method: 'POST', headers })).readable, false)
          assert.equal((await crossFetch(evil, `${api}/auth/me`, { method: 'PATCH', headers, body: '{"username":"mallory"}' })).readable, false)
        })
        assert.deepEqual(answers.map((a) => a.method), ['OPTIONS', 'OPTIONS'], 'only preflights reached the server')

        // A top-level form POST (the classic CSRF): the browser follows it, the server refuses it.
        for (const action of [`${api}/auth/logout?scope=global`, `${api}/auth/refresh`]) {
          await evil.goto(`http://${host}:${other!.port}/form?action=${encodeURIComponent(action)}&username=mallory`)
          const [nav] = await Promise.all([evil.waitForResponse((r) => r.url() === action), evil.click('button')])
          assert.equal(nav.status(), 401, action)
          assert.equal(((await nav.json()) as { code: string }).code, refusal, action)
        }
      } finally {
        await evil.close()
      }
      const me = await pageFetch(page, '/auth/me')
      assert.equal(me.status, 200, 'the session survived every attempt')
      assert.equal(me.body!.username, 'ada')
    })
  }

  // Login CSRF (OWASP): a form on another site posting the attacker's credentials to
  // login?cookies=true would swap the browser's cookies for the attacker's account. Cookie logins
  // refuse form bodies (415), and a JSON body cannot be sent cross-origin without a preflight.
  test('a cross-site form cannot log the browser into another account', async () => {
    await t.auth.accounts.register({ email: 'mallory@example.com', password: 'mallory password 1' })
    const evil = await context.newPage()
    try {
      const action = `${api}/auth/login?cookies=true`
      await evil.goto(`http://localhost:${other!.port}/form?action=${encodeURIComponent(action)}&email=mallory%40example.com&password=mallory%20password%201`)
      const [nav] = await Promise.all([evil.waitForResponse((r) => r.url() === action), evil.click('button')])
      assert.equal(nav.status(), 415)
      assert.equal(((await nav.json()) as { code: string }).code, 'UNSUPPORTED_MEDIA_TYPE')
    } finally {
      await evil.close()
    }
    const me = await pageFetch(page, '/auth/me')
    assert.equal(me.body?.email, CREDS.email, 'still signed in as ada, not as mallory')
  })
})
