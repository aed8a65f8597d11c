// The file-upload example in Chromium (Debian's, through playwright-core), as the tutorial's user
// went through it: log in at /login with the browser's HTTP Basic prompt, open the page with the
// token, pick a file, describe it, submit the form, and download the same bytes back from the
// page's link. Also what the page's headers promise a browser: no Referer carries the token, and
// the form's `required` fields stop an empty submit.

import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { after, before, describe, test } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { buildFileUpload, type FileUpload } from '../../examples/file-upload/app.js'
import { fileUploadConfig } from '../../examples/file-upload/config.js'
import { DEMO_USER } from '../../examples/file-upload/seed.js'
import { PART_BYTES } from '../../examples/file-upload/storage.js'
import { chromiumMissing, launchChromium } from './harness.js'

const missing = chromiumMissing()
if (missing !== undefined && process.env.CI === 'true') {
  test('Chromium is installed for the browser test (CI=true)', () => assert.fail(`${missing}; .ci/run installs it under CI=true`))
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

describe('the file-upload example in Chromium', { skip: missing }, () => {
  let dataDir: string
  let example: FileUpload
  let api: string
  let browser: Browser | undefined
  let context: BrowserContext
  let page: Page
  let token: string
  /** The Referer header Chromium sent with each form POST to /upload (the page's URL holds the token). */
  const referers: Promise<string | null>[] = []

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tw-file-upload-browser-'))
    const config = fileUploadConfig({ DATA_DIR: dataDir, JWT_SECRET: 'browser-test-secret-of-at-least-32-bytes', NODE_ENV: 'test', ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1' }, dataDir)
    example = await buildFileUpload(config, { seed: true })
    api = await example.app.listen({ host: '127.0.0.1', port: 0 })
    browser = await launchChromium()
    // What the user types into the browser's Basic prompt, for this origin only.
    context = await browser.newContext({ httpCredentials: { username: DEMO_USER.username, password: DEMO_USER.password, origin: api }, acceptDownloads: true })
    page = await context.newPage()
    await context.route(/\/upload\?/, async (route) => {
      referers.push(route.request().headerValue('referer'))
      await route.continue()
    })
  })

  after(async () => {
    await Promise.allSettled([browser?.close(), example?.app.close()])
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('the page refuses a browser without a token', async () => {
    const res = await page.goto(`${api}/`)
    assert.equal(res!.status(), 401)
    assert.equal(((await res!.json()) as { message: string }).message, 'Token missing')
  })

  test('GET /login: the Basic challenge is answered with the credentials, and the page shows {token}', async () => {
    const res = await page.goto(`${api}/login`)
    assert.equal(res!.status(), 200)
    token = ((await res!.json()) as { token: string }).token
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/)
  })

  test('open the page with the token, pick a file, submit, and download the same bytes back', async () => {
    const opened = await page.goto(`${api}/?token=${token}`)
    assert.equal(opened!.status(), 200)
    assert.equal(await page.title(), 'File Upload')

    const bytes = randomBytes(PART_BYTES + 300_000) // two parts
    await page.setInputFiles('input[name="inputFile"]', { name: 'holiday photo.jpg', mimeType: 'image/jpeg', buffer: bytes })
    await page.fill('textarea[name="description"]', 'Holiday photo, day one')
    const [answer] = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')])
    assert.equal(answer!.status(), 200)
    assert.equal((await page.textContent('body'))?.trim(), 'file holiday photo.jpg uploaded successfully')
    assert.equal(new URL(page.url()).pathname, '/upload')

    await page.goto(`${api}/?token=${token}`)
    const link = page.locator('#files a', { hasText: 'holiday photo.jpg' })
    assert.equal(await link.count(), 1)
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()])
    assert.equal(download.suggestedFilename(), 'holiday photo.jpg')
    assert.ok((await readAll(await download.createReadStream())).equals(bytes), 'the same bytes back')

    // The form's POST left the page whose URL holds the token: Referrer-Policy kept it from going along.
    assert.deepEqual(await Promise.all(referers), [null])
  })

  test('the form without a file or a description is stopped by the browser; a too-short token page is refused', async () => {
    await page.goto(`${api}/?token=${token}`)
    const before = await example.files.counts()
    await page.click('button[type="submit"]')
    // `required` fields: the browser does not submit, and the page stays.
    assert.equal(new URL(page.url()).pathname, '/')
    assert.deepEqual(await example.files.counts(), before)
    const res = await page.goto(`${api}/?token=${token.slice(0, 20)}`)
    assert.equal(res!.status(), 401)
    assert.equal(((await res!.json()) as { message: string }).message, 'Invalid token')
  })
})
