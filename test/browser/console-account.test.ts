// The web console's account pages in Chromium: profile (username, password with the fresh-token
// prompt, deleting the account), sessions (device, IP, last used, revoking one), the silent
// refresh and the end of a session, and the token inspector. Screenshots go to test-output/console/.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { json } from '../helpers.js'
import { assertNoWebStorage, onPage, PHONE, shot, shownDone, shownError, signIn, startConsole, type ConsoleRig, countOf } from './console-harness.js'
import { chromiumMissing } from './harness.js'

// page.evaluate bodies run in the browser; the test program has no DOM lib.
declare const document: { documentElement: { scrollWidth: number } }

const PASSWORD = 'correct horse battery'
const NEW_PASSWORD = 'staple battery horse correct'

const missing = chromiumMissing()
if (missing !== undefined && process.env.CI === 'true') {
  test('Chromium is installed for the console tests (CI=true)', () => assert.fail(`${missing}; .ci/run installs it under CI=true`))
}

describe('web console: profile, sessions, token inspector', { skip: missing }, () => {
  let rig: ConsoleRig

  before(async () => {
    rig = await startConsole({ ACCESS_TOKEN_TTL: '60', REFRESH_TOKEN_TTL: '600' })
    await rig.t.auth.accounts.register({ email: 'ada@example.com', password: PASSWORD, username: 'ada' })
    await rig.t.auth.accounts.register({ email: 'bob@example.com', password: PASSWORD, username: 'bob' })
  })
  after(async () => {
    await rig?.close()
  })

  test('profile: a taken username is refused (USERNAME_TAKEN), a free one is saved', async () => {
    const { page } = await rig.open()
    await signIn(page, 'ada@example.com', PASSWORD)
    await onPage(page, 'Your account')
    const field = page.getByLabel('New username')
    await field.fill('bob')
    await page.getByRole('button', { name: 'Save username' }).click()
    assert.equal((await shownError(page)).code, 'USERNAME_TAKEN')
    await field.fill('ada_l')
    await page.getByRole('button', { name: 'Save username' }).click()
    assert.match(await shownDone(page), /Username changed to ada_l/)
    assert.match((await page.locator('.facts').first().textContent())!, /ada_l/)
  })

  test('sessions: device, IP, last used and this device; revoking one signs that device out', async () => {
    await rig.t.auth.admin.endUserSessions((await rig.t.auth.accounts.findByEmail('ada@example.com'))!.id)
    const a = await rig.open()
    const b = await rig.open(PHONE)
    for (const { page } of [a, b]) {
      await signIn(page, 'ada@example.com', PASSWORD)
      await onPage(page, 'Your account')
    }
    await a.page.getByRole('link', { name: 'Sessions' }).click()
    await onPage(a.page, 'Sessions')
    const cards = a.page.locator('li.session')
    await cards.first().waitFor()
    assert.equal(await countOf(cards, 2), 2)
    const text = (await a.page.locator('ul.cards').textContent())!
    assert.match(text, /Headless Chrome on Linux/)
    assert.match(text, /127\.0\.0\.1/)
    assert.match(text, /Last used/)
    assert.equal(await countOf(a.page.locator('li.session', { hasText: 'This device' }), 1), 1)
    await shot(a.page, 'sessions')

    await b.page.getByRole('link', { name: 'Sessions' }).click()
    await onPage(b.page, 'Sessions')
    await b.page.locator('li.session').first().waitFor()
    assert.ok((await b.page.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width, 'no sideways scroll on a phone')
    await shot(b.page, 'sessions-phone')

    await a.page.getByRole('button', { name: /^Revoke / }).click()
    assert.match(await shownDone(a.page), /Signed out Headless Chrome on Linux/)
    assert.equal(await countOf(cards, 1), 1)

    await b.page.reload()
    await onPage(b.page, 'Sign in')
    assert.match((await b.page.locator('.notice').textContent())!, /Your session has ended \(TOKEN_REVOKED\)/)
  })

  test('change password with a token that is not fresh: the console asks for the password again, then the change goes through', async () => {
    const { page } = await rig.open()
    await signIn(page, 'ada_l', PASSWORD)
    await onPage(page, 'Your account')
    // Past the access token's life: the next request refreshes, and a refreshed token is not fresh.
    rig.t.clock.advance(61_000)
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/auth/refresh') && r.status() === 200)
    await page.getByLabel('Current password').fill(PASSWORD)
    await page.getByLabel('New password').fill(NEW_PASSWORD)
    await page.getByRole('button', { name: 'Change password' }).click()
    await refreshed

    const dialog = page.getByRole('dialog', { name: 'Confirm your password' })
    await dialog.waitFor()
    await dialog.getByLabel('Password').fill('not my password')
    await dialog.getByRole('button', { name: 'Confirm' }).click()
    assert.equal((await shownError(page, dialog)).code, 'INVALID_CREDENTIALS')
    await shot(page, 'profile-confirm-password')
    await dialog.getByLabel('Password').fill(PASSWORD)
    await dialog.getByRole('button', { name: 'Confirm' }).click()
    assert.match(await shownDone(page), /Password changed/)
    await dialog.waitFor({ state: 'detached' })
    await assertNoWebStorage(page)

    const login = await rig.t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: NEW_PASSWORD } })
    assert.equal(login.statusCode, 200, 'the new password works')
  })

  test('an expired access token is refreshed silently; once the refresh token has expired too, sign-in says the session ended', async () => {
    const { page } = await rig.open()
    await signIn(page, 'ada@example.com', NEW_PASSWORD)
    await onPage(page, 'Your account')
    rig.t.clock.advance(61_000)
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/auth/refresh') && r.status() === 200)
    await page.getByRole('link', { name: 'Sessions' }).click()
    await onPage(page, 'Sessions')
    await refreshed
    await page.locator('li.session').first().waitFor()

    rig.t.clock.advance(601_000)
    // The profile asks the server for the two-factor state (GET /auth/mfa): the ended session shows there.
    await page.getByRole('link', { name: 'Profile' }).click()
    await onPage(page, 'Sign in')
    assert.match((await page.locator('.notice').textContent())!, /Your session has ended \(TOKEN_[A-Z_]+\)\. Sign in again\./)
    await shot(page, 'sign-in-session-ended')
  })

  test('token inspector: accepted, then expired (TOKEN_EXPIRED), and not a JWT; the token travels only in a POST body', async () => {
    const login = await rig.t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'bob@example.com', password: PASSWORD } })
    const token = json<{ access_token: string }>(login).access_token
    const { page } = await rig.open()
    const urls: string[] = []
    page.on('request', (r) => urls.push(r.url()))
    await page.goto('/console/inspect')
    await onPage(page, 'Token inspector')

    const inspect = async (value: string) => {
      await page.getByLabel('Token (JWT)').fill(value)
      const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/auth/token/inspect')), page.getByRole('button', { name: 'Inspect' }).click()])
      assert.equal(res.request().method(), 'POST')
      assert.equal(JSON.parse(res.request().postData()!).token, value)
      await page.getByRole('heading', { level: 2, name: /This server (accepts|refuses) this token/ }).waitFor()
    }

    await inspect(token)
    const verdict = page.locator('section', { has: page.getByRole('heading', { level: 2 }) }).last()
    assert.match((await verdict.textContent())!, /Accepted/)
    assert.match((await page.getByLabel('Claims, decoded').textContent())!, /"type": "access"/)
    assert.match((await page.getByLabel('Header, decoded').textContent())!, /"alg": "HS256"/)
    // In human time, from the browser's clock (the test clock has run ahead of it).
    assert.match((await verdict.textContent())!, /Expires.*\(in \d+ (minutes?|seconds?)\)/)
    await shot(page, 'inspect')

    rig.t.clock.advance(61_000)
    await inspect(token)
    assert.equal((await page.locator('.verdict .code code').textContent())!, 'TOKEN_EXPIRED')
    await shot(page, 'inspect-expired')

    await inspect('not-a-token')
    assert.match((await page.locator('main').textContent())!, /This is not a JWT/)
    assert.notEqual(await page.locator('.verdict .code code').textContent(), '')

    await page.setViewportSize(PHONE)
    await inspect(token)
    await shot(page, 'inspect-phone')
    assert.ok(urls.every((u) => !u.includes(token) && !u.includes('not-a-token')), 'never in a URL')
  })

  test('delete the account: the password is checked (PASSWORD_INCORRECT), then the account is gone', async () => {
    await rig.t.auth.accounts.register({ email: 'carol@example.com', password: PASSWORD })
    const { page } = await rig.open()
    await signIn(page, 'carol@example.com', PASSWORD)
    await onPage(page, 'Your account')
    await page.getByRole('button', { name: 'Delete my account…' }).click()
    const section = page.locator('section', { has: page.getByRole('heading', { name: 'Delete account' }) })
    await section.getByLabel('Password').fill('wrong password')
    await page.getByRole('button', { name: 'Delete my account for good' }).click()
    assert.equal((await shownError(page, section)).code, 'PASSWORD_INCORRECT')
    await section.getByLabel('Password').fill(PASSWORD)
    await page.getByRole('button', { name: 'Delete my account for good' }).click()
    await onPage(page, 'Sign in')
    assert.match((await page.locator('.notice').textContent())!, /Your account was deleted/)
    assert.equal(await rig.t.auth.accounts.findByEmail('carol@example.com'), undefined)
  })

  test('no page reported an error (a CSP violation or an exception)', () => {
    assert.deepEqual(rig.problems, [])
  })
})
