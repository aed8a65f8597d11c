// The web console's browser tests share this: the console built from console/ (so the tests
// drive the current source), the real app listening on 127.0.0.1, one Chromium per test file,
// pages at a desktop or a 390 px phone width, and screenshots saved under test-output/console/
// for a person to look at.

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { testApp, type TestApp } from '../helpers.js'
import { launchChromium } from './harness.js'

// page.evaluate bodies run in the browser; the test program has no DOM lib.
declare const localStorage: { length: number }
declare const sessionStorage: { length: number }

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const SHOTS = join(ROOT, 'test-output', 'console')

export const DESKTOP = { width: 1280, height: 800 }
export const PHONE = { width: 390, height: 844 }

/** Builds dist/console from console/ (esbuild, well under a second). */
export function buildConsole(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build-console.mjs')], { cwd: ROOT, stdio: 'inherit' })
}

export interface ConsoleRig {
  t: TestApp
  /** http://127.0.0.1:<port> */
  origin: string
  browser: Browser
  /** A fresh browser context (its own cookies) and a page in it at `viewport`. */
  open(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>
  /** Problems the pages reported: console errors (a CSP violation is one) and uncaught exceptions. */
  problems: string[]
  close(): Promise<void>
}

export async function startConsole(env: Record<string, string> = {}): Promise<ConsoleRig> {
  buildConsole()
  mkdirSync(SHOTS, { recursive: true })
  const t = await testApp(env)
  const origin = await t.app.listen({ host: '127.0.0.1', port: 0 })
  const browser = await launchChromium()
  const problems: string[] = []
  const contexts: BrowserContext[] = []
  return {
    t,
    origin,
    browser,
    problems,
    async open(viewport = DESKTOP) {
      const context = await browser.newContext({ viewport, baseURL: origin })
      contexts.push(context)
      const page = await context.newPage()
      page.setDefaultTimeout(10_000)
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`))
      page.on('console', (msg) => {
        // A refused request shows as a console error in Chromium: those are the tests' point.
        if (msg.type() === 'error' && !/status of (4\d\d|503)/.test(msg.text())) problems.push(`console: ${msg.text()}`)
      })
      return { context, page }
    },
    async close() {
      await Promise.allSettled(contexts.map((c) => c.close()))
      await Promise.allSettled([browser.close(), t.app.close()])
    },
  }
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
}

/** Waits for the page whose h1 is `title`. */
export async function onPage(page: Page, title: string | RegExp): Promise<void> {
  await page.getByRole('heading', { level: 1, name: title }).waitFor()
}

export async function signIn(page: Page, identifier: string, password: string): Promise<void> {
  await page.goto('/console/sign-in')
  await onPage(page, 'Sign in')
  await page.getByLabel('Email or username').fill(identifier)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

/** The code shown in the page's (first) error alert, once one appears. */
export async function shownError(page: Page, within = page.locator('body')): Promise<{ code: string; text: string }> {
  const error = within.locator('[role=alert] .error').first()
  await error.waitFor()
  return { code: (await error.locator('.code code').textContent()) ?? '', text: (await error.textContent()) ?? '' }
}

/** The success message shown in the page's status region, once one appears. */
export async function shownDone(page: Page): Promise<string> {
  const done = page.locator('[role=status] .ok').first()
  await done.waitFor()
  return (await done.textContent()) ?? ''
}

/** Nothing is kept in web storage: the tokens live in HttpOnly cookies only. */
export async function assertNoWebStorage(page: Page): Promise<void> {
  const sizes = await page.evaluate(() => [localStorage.length, sessionStorage.length])
  assert.deepEqual(sizes, [0, 0], 'localStorage and sessionStorage stay empty')
}

/**
 * How many elements `locator` matches once that number is `expected`, or after `timeout` ms
 * whatever it is then: lists render after their fetch, so a count read at once can be early.
 * (playwright-core has no `expect(...).toHaveCount`.)
 */
export async function countOf(locator: Locator, expected: number, timeout = 10_000): Promise<number> {
  const until = Date.now() + timeout
  for (;;) {
    const n = await locator.count()
    if (n === expected || Date.now() >= until) return n
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
