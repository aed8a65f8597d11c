// The web console's two-factor login in Chromium: turning it on from the profile (the QR code,
// the key, a first code, the recovery codes shown once), signing in with a code (a wrong one
// refused in words) and with a recovery code, turning it off with a code, an admin resetting a
// user's, and MFA_REQUIRED_ROLES sending an admin to the profile to enroll. The server's clock is
// frozen, so the codes are computed for it. Screenshots go to test-output/console/.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import { totpCode } from '../../src/core/mfa/totp.js'
import { onPage, shot, shownDone, shownError, signIn, startConsole, type ConsoleRig, countOf } from './console-harness.js'
import { chromiumMissing } from './harness.js'

const PASSWORD = 'correct horse battery'

const missing = chromiumMissing()

describe('web console: two-factor login', { skip: missing }, () => {
  let rig: ConsoleRig
  let secret = ''
  let recoveryCodes: string[] = []
  const code = () => totpCode(secret, rig.t.clock.now())
  /** The next 30-second step: the last code is spent. */
  const nextStep = () => rig.t.clock.advance(30_000)

  before(async () => {
    rig = await startConsole({ MFA_REQUIRED_ROLES: 'admin' })
    await rig.t.auth.accounts.register({ email: 'ada@example.com', password: PASSWORD, username: 'ada' })
    await rig.t.auth.accounts.register({ email: 'root@example.com', password: PASSWORD, username: 'root', roles: ['user', 'admin'] })
  })
  after(async () => {
    await rig?.close()
  })

  async function codeStep(page: Page, value: string, field = 'Code from your authenticator app') {
    await page.getByLabel(field).fill(value)
    await page.getByRole('button', { name: 'Verify' }).click()
  }

  test('profile: turn it on with the QR code and a first code; the recovery codes are shown once', async () => {
    const { page } = await rig.open()
    await signIn(page, 'ada@example.com', PASSWORD)
    await onPage(page, 'Your account')
    await page.getByRole('button', { name: 'Turn on two-factor login' }).click()
    await page.locator('.qr svg').waitFor()
    secret = (await page.locator('code.secret').textContent())!.trim()
    assert.match(secret, /^[A-Z2-7]{32}$/)
    await shot(page, 'mfa-enroll')
    await page.getByLabel('Code from the app').fill(code())
    await page.getByRole('button', { name: 'Confirm and turn on' }).click()
    assert.match(await shownDone(page), /Two-factor login is on/)
    const shown = page.getByRole('list', { name: 'Recovery codes' }).locator('li')
    assert.equal(await countOf(shown, 10), 10)
    recoveryCodes = (await shown.allTextContents()).map((c) => c.trim())
    assert.ok(recoveryCodes.every((c) => /^[a-z2-7]{5}-[a-z2-7]{5}$/.test(c)))
    await shot(page, 'mfa-recovery-codes')
    await page.reload()
    await onPage(page, 'Your account')
    await page.getByText(/10 recovery codes left/).waitFor()
    assert.equal(await page.getByRole('list', { name: 'Recovery codes' }).count(), 0, 'not shown again')
  })

  test('sign in: the code step after the password; a wrong code is refused in words, the right one signs in', async () => {
    nextStep()
    const { page } = await rig.open()
    await signIn(page, 'ada@example.com', PASSWORD)
    await page.getByLabel('Code from your authenticator app').waitFor()
    await shot(page, 'mfa-sign-in')
    const right = code()
    await codeStep(page, right === '000000' ? '111111' : '000000')
    const error = await shownError(page)
    assert.equal(error.code, 'MFA_CODE_INVALID')
    assert.match(error.text, /not right, or was already used/)
    await codeStep(page, right)
    await onPage(page, 'Your account')
  })

  test('sign in with a recovery code', async () => {
    const { page } = await rig.open()
    await signIn(page, 'ada', PASSWORD)
    await page.getByRole('button', { name: 'Use a recovery code' }).click()
    await codeStep(page, recoveryCodes[0]!, 'Recovery code')
    await onPage(page, 'Your account')
    await page.getByText(/9 recovery codes left/).waitFor()
  })

  test('profile: turn it off with a code', async () => {
    nextStep()
    const { page } = await rig.open()
    await signIn(page, 'ada@example.com', PASSWORD)
    await codeStep(page, code())
    await onPage(page, 'Your account')
    // Past the access token's life: the console refreshes, and the token is no longer fresh, so
    // turning it off asks for the password and a second factor again (a recovery code here,
    // which leaves the app's current code unspent for the change itself).
    rig.t.clock.advance(901_000)
    await page.getByLabel('Code from the app').fill(code())
    await page.getByRole('button', { name: 'Turn off two-factor login' }).click()
    const dialog = page.getByRole('dialog')
    await dialog.getByLabel('Password').fill(PASSWORD)
    await dialog.getByRole('button', { name: 'Confirm' }).click()
    await dialog.getByRole('button', { name: 'Use a recovery code' }).click()
    await dialog.getByLabel('Recovery code').fill(recoveryCodes[2]!)
    await dialog.getByRole('button', { name: 'Verify' }).click()
    assert.match(await shownDone(page), /Two-factor login is off/)
    await page.getByRole('button', { name: 'Turn on two-factor login' }).waitFor()
  })

  test('MFA_REQUIRED_ROLES=admin: the admin is sent to the profile, refused on the admin pages until signed in with a code; then resets a user', async () => {
    const ada = (await rig.t.auth.accounts.findByEmail('ada@example.com'))!
    const started = await rig.t.auth.accounts.startTotp(ada.id)
    await rig.t.auth.accounts.confirmTotp(ada.id, totpCode(started.secret, rig.t.clock.now()))

    const { page } = await rig.open()
    await signIn(page, 'root', PASSWORD)
    await onPage(page, 'Your account')
    await page.getByText(/Your role requires two-factor login/).waitFor()
    await page.goto('/console/admin')
    await onPage(page, 'Users')
    assert.equal((await shownError(page)).code, 'MFA_REQUIRED')

    const root = (await rig.t.auth.accounts.findByEmail('root@example.com'))!
    const rootFactor = await rig.t.auth.accounts.startTotp(root.id)
    await rig.t.auth.accounts.confirmTotp(root.id, totpCode(rootFactor.secret, rig.t.clock.now()))
    nextStep()
    const admin = await rig.open()
    await signIn(admin.page, 'root', PASSWORD)
    await codeStep(admin.page, totpCode(rootFactor.secret, rig.t.clock.now()))
    await onPage(admin.page, 'Your account')
    await admin.page.goto(`/console/admin/users/${ada.id}`)
    await onPage(admin.page, 'ada@example.com')
    // The reset is offered only while the user has it on.
    assert.match((await admin.page.locator('.facts').first().textContent())!, /Two-factor loginon/)
    await admin.page.getByRole('button', { name: 'Reset two-factor login…' }).click()
    await admin.page.getByRole('button', { name: 'Reset two-factor login', exact: true }).click()
    assert.match(await shownDone(admin.page), /Two-factor login reset/)
    assert.equal((await rig.t.auth.accounts.mfaStatus(ada.id)).enabled, false)
    await shot(admin.page, 'mfa-admin-reset')
    assert.deepEqual(rig.problems, [])
  })
})
