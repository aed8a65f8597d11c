// The web console in Chromium: register, sign in, the three ways to sign out, the refusals a
// sign-in meets (wrong password, throttled), keyboard and labels, a phone's width, and the
// message when JWT_TOKEN_LOCATION leaves cookies out. Screenshots go to test-output/console/.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { testApp } from '../helpers.js'
import { assertNoWebStorage, onPage, PHONE, shot, shownDone, shownError, signIn, startConsole, type ConsoleRig, countOf } from './console-harness.js'
import { chromiumMissing } from './harness.js'

// page.evaluate bodies run in the browser; the test program has no DOM lib.
declare const document: {
  activeElement: { tagName: string; textContent: string | null } | null
  documentElement: { scrollWidth: number }
  querySelectorAll(s: string): ArrayLike<{ id: string; labels: ArrayLike<unknown> | null; getAttribute(n: string): string | null }>
}
declare function getComputedStyle(e: unknown): { outlineStyle: string; outlineWidth: string }

const PASSWORD = 'correct horse battery'

const missing = chromiumMissing()
if (missing !== undefined && process.env.CI === 'true') {
  test('Chromium is installed for the console tests (CI=true)', () => assert.fail(`${missing}; .ci/run installs it under CI=true`))
}

describe('web console: sign-in, register, sign out', { skip: missing }, () => {
  let rig: ConsoleRig

  before(async () => {
    rig = await startConsole({ LOGIN_MAX_FAILURES: '3' })
  })
  after(async () => {
    await rig?.close()
  })

  async function me(page: Page): Promise<number> {
    return page.evaluate(async () => (await fetch('/auth/me')).status)
  }

  test('a visitor is sent to sign-in; registering signs in at once, with HttpOnly cookies and nothing in web storage', async () => {
    const { context, page } = await rig.open()
    await page.goto('/console/')
    await onPage(page, 'Sign in')
    assert.equal(new URL(page.url()).pathname, '/console/sign-in')
    await shot(page, 'sign-in')

    await page.getByRole('link', { name: 'Register' }).first().click()
    await onPage(page, 'Register')
    await page.getByLabel('Email').fill('ada@example.com')
    await page.getByLabel('Username (optional)').fill('ada')
    await page.getByLabel('Password').fill(PASSWORD)
    await shot(page, 'register')
    await page.getByRole('button', { name: 'Create account' }).click()
    await onPage(page, 'Your account')
    assert.match((await page.locator('.facts').first().textContent())!, /ada@example\.com/)
    await shot(page, 'profile')

    const cookies = Object.fromEntries((await context.cookies()).map((c) => [c.name, c]))
    assert.equal(cookies.access_token_cookie?.httpOnly, true)
    assert.equal(cookies.refresh_token_cookie?.httpOnly, true)
    assert.equal(cookies.csrf_access_token?.httpOnly, false)
    await assertNoWebStorage(page)

    // A reload keeps the session (the cookies), and a pasted link opens its page.
    await page.goto('/console/sessions')
    await onPage(page, 'Sessions')

    await page.getByRole('button', { name: 'Sign out' }).first().click()
    await onPage(page, 'Sign in')
    assert.match((await page.locator('.notice').textContent())!, /You are signed out/)
    assert.equal(await me(page), 401)
    assert.deepEqual((await context.cookies()).map((c) => c.name), [], 'every cookie cleared')
  })

  test('sign in with a username; sign out all other devices, then all devices', async () => {
    const a = await rig.open()
    const b = await rig.open()
    for (const { page } of [a, b]) {
      await signIn(page, 'ada', PASSWORD)
      await onPage(page, 'Your account')
    }
    await a.page.getByRole('link', { name: 'Sessions' }).click()
    await onPage(a.page, 'Sessions')
    assert.equal(await countOf(a.page.locator('li.session'), 2), 2)
    await a.page.getByRole('button', { name: 'Sign out all other devices' }).click()
    assert.match(await shownDone(a.page), /Every other device was signed out/)
    assert.equal(await countOf(a.page.locator('li.session'), 1), 1)
    assert.equal(await me(a.page), 200)

    // B's session is gone: its next request lands on sign-in, saying why.
    await b.page.getByRole('link', { name: 'Sessions' }).click()
    await onPage(b.page, 'Sign in')
    assert.match((await b.page.locator('.notice').textContent())!, /Your session has ended \(TOKEN_REVOKED\)/)

    await signIn(b.page, 'ada@example.com', PASSWORD)
    await onPage(b.page, 'Your account')
    await a.page.reload()
    await onPage(a.page, 'Sessions')
    await a.page.getByRole('button', { name: 'Sign out all devices' }).click()
    await onPage(a.page, 'Sign in')
    assert.match((await a.page.locator('.notice').textContent())!, /signed out on every device/)
    assert.equal(await me(b.page), 401, 'the other device too')
  })

  test('a wrong password: INVALID_CREDENTIALS, in words and with its code, announced in an alert', async () => {
    await rig.t.auth.accounts.register({ email: 'grace@example.com', password: PASSWORD })
    const { page } = await rig.open()
    await signIn(page, 'grace@example.com', 'not the password')
    const error = await shownError(page)
    assert.equal(error.code, 'INVALID_CREDENTIALS')
    assert.match(error.text, /Wrong email, username or password/)
    await shot(page, 'sign-in-wrong-password')
    await page.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await onPage(page, 'Your account')
  })

  test('throttled: after LOGIN_MAX_FAILURES (3) wrong passwords, LOGIN_THROTTLED with the wait', async () => {
    await rig.t.auth.accounts.register({ email: 'linus@example.com', password: PASSWORD })
    const { page } = await rig.open()
    await signIn(page, 'linus@example.com', 'wrong 1')
    const codes: string[] = [(await shownError(page)).code]
    while (codes.at(-1) !== 'LOGIN_THROTTLED' && codes.length < 5) {
      const [res] = await Promise.all([page.waitForResponse((r) => r.url().includes('/auth/login')), page.getByRole('button', { name: 'Sign in' }).click()])
      codes.push(((await res.json()) as { code: string }).code)
    }
    assert.deepEqual(codes, ['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'LOGIN_THROTTLED'])
    await page.locator('[role=alert] .error .code', { hasText: 'LOGIN_THROTTLED' }).waitFor()
    assert.match((await shownError(page)).text, /Too many failed sign-ins for this account\. Wait \d+ seconds/)
    await shot(page, 'sign-in-throttled')
  })

  test('keyboard and labels: Tab reaches the sign-in button with a visible focus ring; every field has a name', async () => {
    const { page } = await rig.open()
    await page.goto('/console/sign-in')
    await onPage(page, 'Sign in')
    let reached = false
    for (let i = 0; i < 15 && !reached; i++) {
      await page.keyboard.press('Tab')
      reached = await page.evaluate(() => document.activeElement?.tagName === 'BUTTON' && document.activeElement.textContent === 'Sign in')
    }
    assert.ok(reached, 'Tab reaches the Sign in button')
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement))
    assert.notEqual(ring.outlineStyle, 'none')
    assert.notEqual(ring.outlineWidth, '0px')
    // Enter on the focused button submits the (empty) form: the browser asks for the fields.
    for (const path of ['/console/sign-in', '/console/register', '/console/inspect']) {
      await page.goto(path)
      await page.locator('h1').waitFor()
      const unnamed = await page.evaluate(() =>
        Array.from(document.querySelectorAll('input, textarea, select'))
          .filter((e) => (e.labels === null || e.labels.length === 0) && !e.getAttribute('aria-label'))
          .map((e) => e.id),
      )
      assert.deepEqual(unnamed, [], `${path}: every field has a label`)
      assert.ok((await page.getByRole('textbox').count()) >= 1)
    }
    for (const name of ['Email or username', 'Password']) {
      await page.goto('/console/sign-in')
      await page.getByRole('textbox', { name }).or(page.getByLabel(name)).first().waitFor()
    }
  })

  test('a phone (390 px): the pages fit the width', async () => {
    const { page } = await rig.open(PHONE)
    for (const [path, name] of [['/console/sign-in', 'sign-in'], ['/console/register', 'register'], ['/console/inspect', 'inspect']] as const) {
      await page.goto(path)
      await page.locator('h1').waitFor()
      assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width, `${path} has no sideways scroll`)
      await shot(page, `${name}-phone`)
    }
    await signIn(page, 'ada', PASSWORD)
    await onPage(page, 'Your account')
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width)
    await shot(page, 'profile-phone')
  })

  test('JWT_TOKEN_LOCATION without cookies: the console says which variable to set, and the API is untouched', async () => {
    const other = await testApp({ JWT_TOKEN_LOCATION: 'headers' })
    try {
      const origin = await other.app.listen({ host: '127.0.0.1', port: 0 })
      const { page } = await rig.open()
      await page.goto(`${origin}/console/`)
      await onPage(page, 'Sign-in is turned off for the console')
      const text = (await page.locator('main').textContent())!
      assert.match(text, /JWT_TOKEN_LOCATION is set to headers/)
      assert.match(text, /JWT_TOKEN_LOCATION=headers,cookies/)
      await shot(page, 'cookies-off')
      await page.getByRole('link', { name: 'token inspector', exact: true }).click()
      await onPage(page, 'Token inspector')
      assert.equal((await other.app.inject({ url: '/health' })).statusCode, 200)
    } finally {
      await other.app.close()
    }
  })

  test('a path the console does not have: a page saying so, with a way back', async () => {
    const { page } = await rig.open()
    await page.goto('/console/no-such-page')
    await onPage(page, 'Page not found')
    await page.getByRole('link', { name: 'start page' }).click()
    await onPage(page, 'Sign in')
  })

  test('no page reported an error (a CSP violation or an exception)', () => {
    assert.deepEqual(rig.problems, [])
  })
})
