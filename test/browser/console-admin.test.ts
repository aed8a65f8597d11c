// The web console's admin pages in Chromium: a user without the admin role refused
// (ROLE_REQUIRED), searching and paging users, one user's roles, disable/enable, sessions and
// deletion, and the last-admin rule (LAST_ADMIN) shown in words. Screenshots go to test-output/console/.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { onPage, PHONE, shot, shownDone, shownError, signIn, startConsole, type ConsoleRig, countOf } from './console-harness.js'
import { chromiumMissing } from './harness.js'

// page.evaluate bodies run in the browser; the test program has no DOM lib.
declare const document: { documentElement: { scrollWidth: number } }

const PASSWORD = 'correct horse battery'
/** root plus 24 users: three pages of ten. */
const USERS = 24

const missing = chromiumMissing()
if (missing !== undefined && process.env.CI === 'true') {
  test('Chromium is installed for the console tests (CI=true)', () => assert.fail(`${missing}; .ci/run installs it under CI=true`))
}

describe('web console: admin', { skip: missing }, () => {
  let rig: ConsoleRig

  before(async () => {
    rig = await startConsole()
    const root = await rig.t.auth.accounts.register({ email: 'root@example.com', password: PASSWORD, username: 'root' })
    await rig.t.auth.admin.updateUser(root.id, { roles: ['admin'] })
    for (let i = 1; i <= USERS; i++) {
      const n = String(i).padStart(2, '0')
      await rig.t.auth.accounts.register({ email: `user-${n}@example.com`, password: PASSWORD, username: `user_${n}` })
    }
  })
  after(async () => {
    await rig?.close()
  })

  test('role refused: a user without the admin role has no Admin link, and /console/admin shows ROLE_REQUIRED in words', async () => {
    const { page } = await rig.open()
    await signIn(page, 'user-01@example.com', PASSWORD)
    await onPage(page, 'Your account')
    assert.equal(await page.getByRole('link', { name: 'Admin' }).count(), 0)
    await page.goto('/console/admin')
    await onPage(page, 'Users')
    const error = await shownError(page)
    assert.equal(error.code, 'ROLE_REQUIRED')
    assert.match(error.text, /for administrators: your account does not have the admin role/)
    await shot(page, 'admin-role-refused')
  })

  test('users: paged ten at a time, searched by email or username', async () => {
    const { page } = await rig.open()
    await signIn(page, 'root', PASSWORD)
    await onPage(page, 'Your account')
    await page.getByRole('link', { name: 'Admin' }).click()
    await onPage(page, 'Users')
    const summary = page.locator('main p[role=status]')
    await summary.filter({ hasText: '25 users, page 1 of 3.' }).waitFor()
    assert.equal(await countOf(page.locator('li.user'), 10), 10)
    await shot(page, 'admin-users')
    assert.equal(await page.getByRole('button', { name: 'Previous page' }).isDisabled(), true)
    await page.getByRole('button', { name: 'Next page' }).click()
    await summary.filter({ hasText: 'page 2 of 3' }).waitFor()
    await page.getByRole('button', { name: 'Next page' }).click()
    await summary.filter({ hasText: 'page 3 of 3' }).waitFor()
    assert.equal(await countOf(page.locator('li.user'), 5), 5)
    assert.equal(await page.getByRole('button', { name: 'Next page' }).isDisabled(), true)

    await page.getByLabel('Search by email or username').fill('user_07')
    await page.getByRole('button', { name: 'Search' }).click()
    await summary.filter({ hasText: '1 user, page 1 of 1.' }).waitFor()
    assert.match((await page.locator('li.user').textContent())!, /user-07@example\.com/)

    await page.setViewportSize(PHONE)
    await page.getByLabel('Search by email or username').fill('')
    await page.getByRole('button', { name: 'Search' }).click()
    await summary.filter({ hasText: '25 users' }).waitFor()
    assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= PHONE.width, 'no sideways scroll on a phone')
    await shot(page, 'admin-users-phone')
  })

  test('one user: revoke one session and then all, change roles, disable and enable, delete', async () => {
    const them = await rig.open()
    await signIn(them.page, 'user-07@example.com', PASSWORD)
    await onPage(them.page, 'Your account')
    // A second session, from another client.
    const other = await rig.t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'user-07@example.com', password: PASSWORD }, headers: { 'user-agent': 'curl/8.5.0' } })
    assert.equal(other.statusCode, 200)

    const { page } = await rig.open()
    await signIn(page, 'root@example.com', PASSWORD)
    await onPage(page, 'Your account')
    await page.goto('/console/admin')
    await page.getByLabel('Search by email or username').fill('user-07@example.com')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByRole('link', { name: 'user-07@example.com' }).click()
    await onPage(page, 'user-07@example.com')
    const sessions = page.getByRole('list', { name: 'Their live sessions' })
    await sessions.waitFor()
    assert.match((await sessions.textContent())!, /Headless Chrome on Linux.*127\.0\.0\.1/)
    await shot(page, 'admin-user')

    await sessions.locator('li').filter({ hasNotText: 'Headless Chrome' }).getByRole('button', { name: /^Revoke the session on/ }).click()
    assert.match(await shownDone(page), /^Session on .* revoked\.$/)
    assert.equal(await countOf(sessions.locator('li'), 1), 1)
    const otherToken = (JSON.parse(other.body) as { access_token: string }).access_token
    assert.equal((await rig.t.app.inject({ url: '/auth/me', headers: { authorization: `Bearer ${otherToken}` } })).statusCode, 401)

    await page.getByRole('button', { name: 'Revoke all their sessions' }).click()
    assert.match(await shownDone(page), /1 session revoked/)
    await page.getByText('No live sessions.').waitFor()
    await them.page.getByRole('link', { name: 'Sessions' }).click()
    await onPage(them.page, 'Sign in')

    await page.getByLabel('Roles, comma separated').fill('user, editor')
    await page.getByRole('button', { name: 'Save roles' }).click()
    assert.match(await shownDone(page), /Roles saved: user, editor/)
    const user07 = (await rig.t.auth.accounts.findByEmail('user-07@example.com'))!
    assert.deepEqual([...user07.roles].sort(), ['editor', 'user'])

    await page.getByRole('button', { name: 'Disable account' }).click()
    assert.match(await shownDone(page), /Account disabled/)
    await signIn(them.page, 'user-07@example.com', PASSWORD)
    assert.equal((await shownError(them.page)).code, 'ACCOUNT_DISABLED')
    await page.getByRole('button', { name: 'Enable account' }).click()
    assert.match(await shownDone(page), /Account enabled/)
    await them.page.getByRole('button', { name: 'Sign in' }).click()
    await onPage(them.page, 'Your account')

    await page.getByRole('button', { name: 'Delete this user…' }).click()
    await page.getByRole('button', { name: 'Delete user-07@example.com for good' }).click()
    await onPage(page, 'Users')
    await page.locator('main p[role=status]').filter({ hasText: '24 users' }).waitFor()
    assert.equal(await rig.t.auth.accounts.findByEmail('user-07@example.com'), undefined)
  })

  test('the last admin: dropping the role or disabling the account is refused with LAST_ADMIN, in words', async () => {
    const { page } = await rig.open()
    await signIn(page, 'root@example.com', PASSWORD)
    await onPage(page, 'Your account')
    await page.goto('/console/admin')
    await page.getByLabel('Search by email or username').fill('root@example.com')
    await page.getByRole('button', { name: 'Search' }).click()
    await page.getByRole('link', { name: 'root@example.com' }).click()
    await onPage(page, 'root@example.com')
    await page.getByLabel('Roles, comma separated').fill('user')
    await page.getByRole('button', { name: 'Save roles' }).click()
    const error = await shownError(page)
    assert.equal(error.code, 'LAST_ADMIN')
    assert.match(error.text, /last enabled administrator.*Make another user an admin first/)
    await shot(page, 'admin-last-admin')
    await page.getByRole('button', { name: 'Disable account' }).click()
    await page.locator('[role=alert] .error').waitFor()
    assert.equal((await shownError(page)).code, 'LAST_ADMIN')
    assert.equal(await page.getByRole('link', { name: 'Admin' }).count(), 1, 'still an admin')
  })

  test('no page reported an error (a CSP violation or an exception)', () => {
    assert.deepEqual(rig.problems, [])
  })
})
