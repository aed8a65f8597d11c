// The web console's audit pages in Chromium: a user's Activity (their own sign-ins, a refused
// attempt, an admin's change shown as "an administrator", nothing of other users), and the
// admins' Audit log with its filters (user, event, date range) and paging; a user without the
// admin role is refused. Screenshots go to test-output/console/.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { onPage, PHONE, shot, shownError, signIn, startConsole, type ConsoleRig, countOf } from './console-harness.js'
import { chromiumMissing } from './harness.js'

const PASSWORD = 'correct horse battery'

const missing = chromiumMissing()
if (missing !== undefined && process.env.CI === 'true') {
  test('Chromium is installed for the console tests (CI=true)', () => assert.fail(`${missing}; .ci/run installs it under CI=true`))
}

describe('web console: activity and the audit log', { skip: missing }, () => {
  let rig: ConsoleRig
  let adaId: string

  before(async () => {
    rig = await startConsole()
    const root = await rig.t.auth.accounts.register({ email: 'root@example.com', password: PASSWORD, username: 'root' })
    await rig.t.auth.admin.updateUser(root.id, { roles: ['user', 'admin'] })
    adaId = (await rig.t.auth.accounts.register({ email: 'ada@example.com', password: PASSWORD })).id
    // 24 more events for paging: bob's refused sign-ins.
    await rig.t.auth.accounts.register({ email: 'bob@example.com', password: PASSWORD, username: 'bob' })
    for (let i = 0; i < 24; i++) await rig.t.auth.accounts.signIn({ email: 'bob@example.com', password: 'not the password' }).catch(() => undefined)
  })
  after(async () => {
    await rig?.close()
  })

  test('Activity: my sign-ins and a refused attempt, an admin\'s change as "an administrator", nothing of others', async () => {
    const { page } = await rig.open()
    await signIn(page, 'ada@example.com', 'wrong password')
    await shownError(page)
    await signIn(page, 'ada@example.com', PASSWORD)
    await onPage(page, 'Your account')
    await rig.t.auth.admin.updateUser(adaId, { roles: ['user', 'editor'] }, { actorId: 'some-admin-id' })
    await page.getByRole('link', { name: 'Activity' }).click()
    await onPage(page, 'Activity')
    const events = page.getByRole('list', { name: 'Security events' }).locator('li')
    await page.locator('main p[role=status]').filter({ hasText: '4 events' }).waitFor()
    const titles = await events.locator('h2').allTextContents()
    assert.deepEqual(titles.map((t) => t.trim()), [
      'Account changed by an administrator',
      'Sign-in',
      'Sign-in failed: wrong password or unknown account Failed',
      'Account created',
    ])
    const body = (await page.locator('main').textContent()) ?? ''
    assert.match(body, /an administrator/)
    assert.match(body, /someone not signed in/)
    assert.ok(!body.includes('some-admin-id') && !body.includes('bob'), 'no other account shows')
    await shot(page, 'activity')
    const phone = await rig.open(PHONE)
    await signIn(phone.page, 'ada@example.com', PASSWORD)
    await onPage(phone.page, 'Your account')
    await phone.page.goto('/console/activity')
    await onPage(phone.page, 'Activity')
    await phone.page.getByRole('list', { name: 'Security events' }).waitFor()
    await shot(phone.page, 'activity-phone')
  })

  test('Audit log: admins only; filtered by user, event and dates; paged twenty at a time', async () => {
    const plain = await rig.open()
    await signIn(plain.page, 'ada@example.com', PASSWORD)
    await onPage(plain.page, 'Your account')
    assert.equal(await plain.page.getByRole('link', { name: 'Audit log' }).count(), 0)
    await plain.page.goto('/console/admin/audit')
    await onPage(plain.page, 'Audit log')
    assert.equal((await shownError(plain.page)).code, 'ROLE_REQUIRED')

    const { page } = await rig.open()
    await signIn(page, 'root', PASSWORD)
    await onPage(page, 'Your account')
    await page.getByRole('link', { name: 'Audit log' }).click()
    await onPage(page, 'Audit log')
    const summary = page.locator('main p[role=status]')
    const total = Number(/^(\d+) events/.exec(await summary.filter({ hasText: /events, showing 1 to 20/ }).textContent() ?? '')?.[1])
    assert.ok(total > 30, `${total} events`)
    assert.equal(await countOf(page.locator('li.event'), 20), 20)
    await shot(page, 'admin-audit')
    assert.equal(await page.getByRole('button', { name: 'Newer' }).isDisabled(), true)
    await page.getByRole('button', { name: 'Older' }).click()
    await summary.filter({ hasText: 'showing 21 to' }).waitFor()

    await page.getByLabel('User (email or id)').fill('bob@example.com')
    await page.getByLabel('Event', { exact: true }).selectOption('login')
    await page.getByRole('button', { name: 'Filter' }).click()
    await summary.filter({ hasText: '24 events, showing 1 to 20.' }).waitFor()
    assert.equal(await countOf(page.locator('li.event.failed'), 20), 20)
    await page.getByRole('button', { name: 'Older' }).click()
    await summary.filter({ hasText: '24 events, showing 21 to 24.' }).waitFor()
    await shot(page, 'admin-audit-filtered')

    await page.getByLabel('From (UTC date)').fill('2999-01-01')
    await page.getByRole('button', { name: 'Filter' }).click()
    await summary.filter({ hasText: 'No events match.' }).waitFor()
    await page.getByLabel('From (UTC date)').fill('')
    await page.getByLabel('User (email or id)').fill(adaId)
    await page.getByLabel('Event', { exact: true }).selectOption('user_updated')
    await page.getByRole('button', { name: 'Filter' }).click()
    await summary.filter({ hasText: /^1 event,/ }).waitFor()
    assert.match((await page.locator('li.event').textContent()) ?? '', /user → user, editor/)
  })
})
