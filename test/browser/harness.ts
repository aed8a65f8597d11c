// Browser test harness: Debian's Chromium driven by playwright-core (never a downloaded browser),
// fetch() run inside a page, a recorder of what the server answered (a cross-origin page cannot
// read its own responses, so the test reads them here), and a tiny second origin for attackers.

import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

// page.evaluate bodies run in the browser; the test program has no DOM lib, so name what they use.
declare const document: { cookie: string }

/** Debian's package (`apt-get install -y chromium`); .ci/run installs it under CI=true. */
export const CHROMIUM = '/usr/bin/chromium'

// The machine's closed network refuses Chromium's background connections: keep it quiet.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} not found (apt-get install -y chromium)`
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
}

/** One answer of the server, as the recorder saw it. */
export interface Seen {
  method: string
  path: string
  status: number
  /** The error `code` of the body, when there was one. */
  code?: string
  /** Whether the request carried any cookie at all. */
  cookies: boolean
}

/** Records every answer `app` sends from now on; call before `listen`. */
export function recordAnswers(app: FastifyInstance): Seen[] {
  const seen: Seen[] = []
  app.addHook('onSend', async (request, reply, payload) => {
    let code: string | undefined
    if (typeof payload === 'string' && payload.startsWith('{')) {
      const body = JSON.parse(payload) as { code?: unknown }
      if (typeof body.code === 'string') code = body.code
    }
    const path = request.url.split('?')[0]!
    seen.push({ method: request.method, path, status: reply.statusCode, code, cookies: request.headers.cookie !== undefined })
    return payload
  })
  return seen
}

export interface FetchInit {
  method?: string
  /** Sent as a JSON body. */
  json?: unknown
  /** Echo this readable cookie's value (read from document.cookie in the page) in X-CSRF-TOKEN. */
  csrfFrom?: string
  /** Send this value in X-CSRF-TOKEN. */
  csrf?: string
}

export interface PageAnswer {
  status: number
  body: Record<string, unknown> | null
  /** Whether the page found the cookie named by `csrfFrom`. */
  echoed: boolean
}

/** fetch() from inside the page (same-origin credentials, as an app's own script would). */
export function pageFetch(page: Page, path: string, init: FetchInit = {}): Promise<PageAnswer> {
  return page.evaluate(async ({ path, init }) => {
    const headers: Record<string, string> = {}
    if (init.json !== undefined) headers['content-type'] = 'application/json'
    let echoed = false
    if (init.csrf !== undefined) headers['X-CSRF-TOKEN'] = init.csrf
    if (init.csrfFrom !== undefined) {
      const pair = document.cookie.split('; ').find((c) => c.startsWith(`${init.csrfFrom}=`))
      if (pair !== undefined) {
        headers['X-CSRF-TOKEN'] = decodeURIComponent(pair.slice(init.csrfFrom.length + 1))
        echoed = true
      }
    }
    const res = await fetch(path, {
      method: init.method ?? 'GET',
      headers,
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    })
    const text = await res.text()
    return { status: res.status, body: text === '' ? null : (JSON.parse(text) as Record<string, unknown>), echoed }
  }, { path, init })
}

/** The readable cookie names of the page's origin, as its script sees them. */
export function scriptCookieNames(page: Page): Promise<string[]> {
  return page.evaluate(() => (document.cookie === '' ? [] : document.cookie.split('; ').map((c) => c.split('=')[0]!)))
}

/** What a cross-origin fetch() gave its page: the status when readable, else the error name. */
export type CrossAnswer = { readable: true; status: number } | { readable: false; type: string; error?: string }

/** fetch() from the page to another origin, with the browser's cookies (`credentials: 'include'`). */
export function crossFetch(page: Page, url: string, init: { method?: string; headers?: Record<string, string>; body?: string; mode?: 'cors' | 'no-cors' } = {}): Promise<CrossAnswer> {
  return page.evaluate(async ({ url, init }) => {
    try {
      const res = await fetch(url, { ...init, credentials: 'include' })
      // An opaque (no-cors) answer has status 0 and no body: the page learns nothing.
      if (res.type === 'opaque') return { readable: false as const, type: res.type }
      return { readable: true as const, status: res.status }
    } catch (err) {
      return { readable: false as const, type: 'error', error: (err as Error).name }
    }
  }, { url, init })
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * A second origin. `/form?action=URL&name=value...` answers a page with a POST form to URL
 * carrying the other parameters as fields (a cross-site form, the classic CSRF); any other
 * path answers an empty page. Resolves with the port.
 */
export async function elsewhere(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    let body = '<p>another site</p>'
    if (url.pathname === '/form') {
      const fields = [...url.searchParams].filter(([k]) => k !== 'action')
      const inputs = fields.map(([k, v]) => `<input type="hidden" name="${escape(k)}" value="${escape(v)}">`).join('')
      body = `<form method="post" action="${escape(url.searchParams.get('action') ?? '/')}">${inputs}<button>go</button></form>`
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end(`<!doctype html><title>elsewhere</title>${body}`)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, port: (server.address() as AddressInfo).port }
}

/**
 * Chromium on a fresh profile that allows third-party cookies (`profile.cookie_controls_mode` 0),
 * as for a user who never turned blocking on. `launchChromium()`'s contexts are private windows,
 * which block them, and so does this Chromium's own default profile. `close()` removes the profile.
 */
export async function launchAllowingThirdPartyCookies(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tokenwarden-chromium-'))
  mkdirSync(join(dir, 'Default'))
  writeFileSync(join(dir, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }))
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS })
  return { context, close: async () => (await context.close(), rmSync(dir, { recursive: true, force: true })) }
}

/** What a cross-origin fetch() gave its page: status, body and the headers CORS lets it read, or the error. */
export type CorsAnswer =
  | { readable: true; status: number; body: Record<string, unknown> | null; headers: Record<string, string> }
  | { readable: false; error: string }

/**
 * fetch() from the page to another origin, as a single-page app on that page would call the API.
 * `json` is sent as a JSON body (a non-simple request: the browser preflights it);
 * `credentials` defaults to fetch's own `same-origin` (no cookies to another origin).
 */
export function corsFetch(
  page: Page,
  url: string,
  init: { method?: string; headers?: Record<string, string>; json?: unknown; credentials?: 'omit' | 'same-origin' | 'include' } = {},
): Promise<CorsAnswer> {
  return page.evaluate(async ({ url, init }) => {
    const headers: Record<string, string> = { ...init.headers }
    if (init.json !== undefined) headers['content-type'] = 'application/json'
    try {
      const res = await fetch(url, {
        method: init.method ?? 'GET',
        headers,
        credentials: init.credentials ?? 'same-origin',
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
      })
      const text = await res.text()
      const seen: Record<string, string> = {}
      res.headers.forEach((value, name) => (seen[name] = value))
      return { readable: true as const, status: res.status, body: text === '' ? null : (JSON.parse(text) as Record<string, unknown>), headers: seen }
    } catch (err) {
      return { readable: false as const, error: (err as Error).name }
    }
  }, { url, init })
}

/**
 * Chromium on a fresh profile with nothing changed: a regular (not private) window, third-party
 * cookies as this Chromium ships them (blocked). `close()` removes the profile.
 */
export async function launchFreshProfile(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tokenwarden-chromium-'))
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS })
  return { context, close: async () => (await context.close(), rmSync(dir, { recursive: true, force: true })) }
}
