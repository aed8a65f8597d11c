// The console pages that mailed links open, in Chromium, with mail through a real SMTP server:
// the verification link verifies on arrival and leaves no token in the address bar; a sign-in
// refused for an unverified address offers a new link; "forgot your password" leads to a link
// whose page sets a new password; the profile asks for a new address, which changes only when
// its link is followed. Screenshots go to test-output/console/.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { ParsedMail } from 'mailparser'
import { startReceiver, type Receiver } from '../mail/smtp-receiver.js'
import { onPage, shot, shownDone, shownError, signIn, startConsole, type ConsoleRig } from './console-harness.js'
import { chromiumMissing } from './harness.js'

const PASSWORD = 'correct horse battery'

const missing = chromiumMissing()
if (missing !== undefined && process.env.CI === 'true') {
  test('Chromium is installed for the console link tests (CI=true)', () => assert.fail(`${missing}; .ci/run installs it under CI=true`))
}

/** The link (path and fragment) to a console page in a message. */
function linkIn(mail: ParsedMail, page: string): string {
  const m = new RegExp(`https?://[^/\\s]+(/console/${page}#token=[A-Za-z0-9_-]{43})`).exec(mail.text ?? '')
  assert.ok(m, `a ${page} link in: ${mail.text}`)
  return m[1]!
}

describe('web console: the pages mailed links open', { skip: missing }, () => {
  let rig: ConsoleRig
  let rx: Receiver

  before(async () => {
    rx = await startReceiver()
    rig = await startConsole({ SMTP_URL: rx.url, MAIL_FROM: 'no-reply@example.test', REQUIRE_EMAIL_VERIFICATION: 'true' })
  })
  after(async () => {
    await rig?.close()
    await rx?.close()
  })

  test('an unverified sign-in is refused with a way to resend; the link verifies on arrival and leaves no token in the URL', async () => {
    const { page } = await rig.open()
    const seen = rx.messages.length
    const res = await rig.t.app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'ada@example.com', password: PASSWORD } })
    assert.equal(res.statusCode, 201)
    await rx.next(seen)
    await signIn(page, 'ada@example.com', PASSWORD)
    assert.equal((await shownError(page)).code, 'EMAIL_NOT_VERIFIED')
    rig.t.clock.advance(61_000)
    await page.getByLabel('Email to send the link to').fill('ada@example.com')
    await page.getByRole('button', { name: 'Send the link again' }).click()
    assert.match(await shownDone(page), /a new link is on its way/)
    await shot(page, 'sign-in-unverified')

    const link = linkIn(await rx.next(seen + 1), 'verify-email')
    await page.goto(link)
    await onPage(page, 'Verify your email address')
    assert.match(await shownDone(page), /ada@example\.com is verified/)
    assert.equal(new URL(page.url()).hash, '', 'the token is gone from the address bar')
    await shot(page, 'verify-email')
    await signIn(page, 'ada@example.com', PASSWORD)
    await onPage(page, 'Your account')
    assert.match((await page.locator('.facts').first().textContent())!, /verified/)
    // The same link again: refused, with the code shown.
    await page.goto(link)
    assert.equal((await shownError(page)).code, 'VERIFICATION_TOKEN_INVALID')
  })

  test('forgot password -> the mailed link -> a new password; the old one no longer signs in', async () => {
    await rig.t.auth.accounts.register({ email: 'bob@example.com', password: PASSWORD, emailVerified: true })
    const { page } = await rig.open()
    await page.goto('/console/sign-in')
    await page.getByRole('link', { name: 'Forgot your password?' }).click()
    await onPage(page, 'Forgot your password?')
    const seen = rx.messages.length
    await page.getByLabel('Email').fill('bob@example.com')
    await page.getByRole('button', { name: 'Send me a link' }).click()
    assert.match(await shownDone(page), /If an account has this address/)
    await shot(page, 'forgot-password')

    await page.goto(linkIn(await rx.next(seen), 'reset-password'))
    await onPage(page, 'Choose a new password')
    assert.equal(new URL(page.url()).hash, '')
    await page.getByLabel('New password').fill('password123')
    await page.getByRole('button', { name: 'Set the new password' }).click()
    assert.equal((await shownError(page)).code, 'PASSWORD_TOO_WEAK')
    await page.getByLabel('New password').fill('a brand new passphrase')
    await page.getByRole('button', { name: 'Set the new password' }).click()
    assert.match(await shownDone(page), /Your password is changed/)
    await shot(page, 'reset-password')

    await signIn(page, 'bob@example.com', PASSWORD)
    assert.equal((await shownError(page)).code, 'INVALID_CREDENTIALS')
    await signIn(page, 'bob@example.com', 'a brand new passphrase')
    await onPage(page, 'Your account')
  })

  test('the profile asks for a new address; it changes only when the link sent there is followed', async () => {
    await rig.t.auth.accounts.register({ email: 'cy@example.com', password: PASSWORD, emailVerified: true })
    const { page } = await rig.open()
    await signIn(page, 'cy@example.com', PASSWORD)
    await onPage(page, 'Your account')
    const seen = rx.messages.length
    await page.getByLabel('New email address').fill('cy.new@example.com')
    await page.getByRole('button', { name: 'Change email' }).click()
    assert.match(await shownDone(page), /A link was sent to cy\.new@example\.com/)
    await shot(page, 'profile-email-change')
    const messages = [await rx.next(seen), await rx.next(seen + 1)]
    const toNew = messages.find((m) => m.subject?.startsWith('Confirm your new email'))!
    assert.ok(messages.some((m) => m.subject?.startsWith('A new email address was requested')), 'the old address is told')
    assert.match((await page.locator('.facts').first().textContent())!, /cy@example\.com/)
    await page.goto(linkIn(toNew, 'verify-email'))
    assert.match(await shownDone(page), /cy\.new@example\.com is verified/)
    await page.goto('/console/')
    await onPage(page, 'Your account')
    assert.match((await page.locator('.facts').first().textContent())!, /cy\.new@example\.com/)
  })
})
