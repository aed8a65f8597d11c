// The web console's serving (src/http/console): CONSOLE=false leaves no trace, the SPA's paths
// answer index.html, assets are content-hashed and cached for good, every console answer carries
// a strict Content-Security-Policy, settings.json says whether cookies are accepted, and a
// checkout that was never built answers a 503 page saying what to run instead of failing.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'
import Fastify from 'fastify'
import { registerConsole } from '../../src/http/console/console.js'
import { packageRoot } from '../../src/http/console/package-root.js'
import { buildConsole } from '../browser/console-harness.js'
import { json, testApp, testConfig, type TestApp } from '../helpers.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
let t: TestApp

before(async () => {
  buildConsole()
  t = await testApp()
})
after(() => t?.app.close())

function assertStrictCsp(csp: string | undefined): void {
  assert.ok(csp !== undefined, 'a Content-Security-Policy')
  assert.match(csp, /default-src 'self'/)
  assert.match(csp, /script-src 'self'(;|$)/)
  assert.match(csp, /frame-ancestors 'none'/)
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/)
}

test('CONSOLE=false: nothing under /console, and JWT_TOKEN_LOCATION keeps its plain default (headers)', async () => {
  const off = await testApp({ CONSOLE: 'false' })
  for (const url of ['/console', '/console/', '/console/settings.json', '/console/sessions']) {
    const res = await off.app.inject({ url })
    assert.equal(res.statusCode, 404, url)
    assert.equal(json(res).code, 'ROUTE_NOT_FOUND')
  }
  assert.deepEqual(off.config.tokenLocation, ['headers'])
  await off.app.close()
})

test("the app's paths answer index.html, revalidated every time, under a strict CSP with no inline script", async () => {
  for (const url of ['/console', '/console/', '/console/sign-in', '/console/admin/users/abc']) {
    const res = await t.app.inject({ url })
    assert.equal(res.statusCode, 200, url)
    assert.match(res.headers['content-type'] as string, /^text\/html/)
    assert.equal(res.headers['cache-control'], 'no-cache')
    assertStrictCsp(res.headers['content-security-policy'] as string)
    assert.equal(res.headers['x-content-type-options'], 'nosniff')
    assert.equal(res.headers['x-frame-options'], 'DENY')
    const scripts = [...res.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    assert.equal(scripts.length, 1)
    assert.match(scripts[0]![1]!, /src="\/console\/assets\/app-[A-Z0-9]+\.js"/)
    assert.equal(scripts[0]![2], '', 'no inline script')
    assert.doesNotMatch(res.body, /\sstyle=|\son[a-z]+=/i, 'no inline style or handler')
  }
})

test('hashed assets are cached for good; an unknown one is a 404, not the index', async () => {
  const index = (await t.app.inject({ url: '/console/' })).body
  const assets = [...index.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]!)
  assert.deepEqual(assets.map((a) => a.split('.').pop()).sort(), ['css', 'js'])
  for (const url of assets) {
    const res = await t.app.inject({ url })
    assert.equal(res.statusCode, 200, url)
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable')
    assertStrictCsp(res.headers['content-security-policy'] as string)
  }
  const missing = await t.app.inject({ url: '/console/assets/app-NOTTHERE.js' })
  assert.equal(missing.statusCode, 404)
  assert.equal(json(missing).code, 'ROUTE_NOT_FOUND')
})

test('settings.json: cookies accepted (the default while CONSOLE is on) and the CSRF names; false when JWT_TOKEN_LOCATION leaves cookies out', async () => {
  const res = await t.app.inject({ url: '/console/settings.json' })
  assert.equal(res.headers['cache-control'], 'no-store')
  assert.deepEqual(json(res), {
    cookies: true,
    token_location: ['headers', 'cookies'],
    csrf_protect: true,
    csrf_header: 'X-CSRF-TOKEN',
    csrf_access_cookie: 'csrf_access_token',
    csrf_refresh_cookie: 'csrf_refresh_token',
  })
  const headersOnly = await testApp({ JWT_TOKEN_LOCATION: 'headers', JWT_CSRF_HEADER_NAME: 'X-XSRF' })
  const body = json(await headersOnly.app.inject({ url: '/console/settings.json' }))
  assert.equal(body.cookies, false)
  assert.deepEqual(body.token_location, ['headers'])
  assert.equal(body.csrf_header, 'X-XSRF')
  assert.equal((await headersOnly.app.inject({ url: '/console/' })).statusCode, 200, 'the page still loads, to say what to set')
  await headersOnly.app.close()
})

test('not built: every console path answers 503 with a page saying to run npm run build', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'tokenwarden-console-'))
  try {
    for (const root of [empty, join(empty, 'nowhere')]) {
      const app = Fastify()
      await registerConsole(app, testConfig(), { root })
      for (const url of ['/console', '/console/sessions', '/console/assets/app.js']) {
        const res = await app.inject({ url })
        assert.equal(res.statusCode, 503, url)
        assert.match(res.headers['content-type'] as string, /^text\/html/)
        assert.match(res.body, /npm run build/)
        assertStrictCsp(res.headers['content-security-policy'] as string)
      }
      assert.equal((await app.inject({ url: '/console/settings.json' })).statusCode, 200)
      await app.close()
    }
  } finally {
    rmSync(empty, { recursive: true, force: true })
  }
})

test('the package root is found from src (tsx), from dist (the CLI bundle) and from deeper in dist', () => {
  assert.equal(packageRoot(join(ROOT, 'src', 'http', 'console')), ROOT)
  assert.equal(packageRoot(join(ROOT, 'dist')), ROOT)
  assert.equal(packageRoot(join(ROOT, 'dist', 'http', 'console')), ROOT)
  assert.equal(packageRoot(), ROOT)
  assert.equal(packageRoot(tmpdir()), undefined)
})
