// The reference page in Chromium: GET /docs renders Swagger UI from the server's own files (every
// request the page makes goes to the server: no CDN, so it works offline), loads the document,
// and shows the login operation, which expands to its request body.

import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { testApp, type TestApp } from '../helpers.js'
import { chromiumMissing, launchChromium } from './harness.js'

const missing = chromiumMissing()
if (missing !== undefined && process.env.CI === 'true') {
  test('Chromium is installed for the browser test (CI=true)', () => assert.fail(`${missing}; .ci/run installs it under CI=true`))
}

describe('the reference page in Chromium', { skip: missing }, () => {
  let t: TestApp
  let api: string
  let browser: Browser | undefined
  let page: Page
  const requested: string[] = []

  before(async () => {
    t = await testApp()
    api = await t.app.listen({ host: '127.0.0.1', port: 0 })
    browser = await launchChromium()
    page = await browser.newPage()
    page.on('request', (request) => requested.push(request.url()))
  })

  after(async () => {
    await Promise.allSettled([browser?.close(), t?.app.close()])
  })

  test('GET /docs shows the login operation, from the server alone', async () => {
    await page.goto(`${api}/docs`)
    const login = page.locator('.opblock-post', { hasText: '/auth/login' }).first()
    await login.waitFor({ state: 'visible', timeout: 20_000 })
    assert.match(await login.innerText(), /Log in/)
    await login.locator('.opblock-summary').click()
    await page.locator('.opblock-body', { hasText: 'application/json' }).first().waitFor({ timeout: 10_000 })
    assert.ok(requested.length > 0)
    const foreign = requested.filter((url) => !url.startsWith(api) && !url.startsWith('data:'))
    assert.deepEqual(foreign, [])
    assert.ok(requested.some((url) => url.endsWith('/docs/json')), requested.join('\n'))
  })
})
