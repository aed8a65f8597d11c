// The real server as `npm start` runs it: `node dist/tokenwarden.mjs serve` in a fresh directory, over HTTP.
// Without JWT_SECRET it generates one into DATA_DIR (0600) and keeps it across restarts;
// configuration errors exit with code 2 naming the variable, before anything listens.

import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, test } from 'node:test'
import { jwtVerify } from 'jose'
import { cleanEnv, ensureBuilt, runCli, startServer, type Server } from './process.js'

before(() => ensureBuilt())

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-serve-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
}

test('serve: health, register, login, me over real HTTP; the secret and database persist across a restart', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'tw-serve-'))
  const env = cleanEnv({ PORT: '0' })
  let server: Server | undefined
  // Kill the process first, then remove its directory.
  t.after(async () => {
    await server?.stop()
    rmSync(cwd, { recursive: true, force: true })
  })
  server = await startServer(cwd, env)

  const health = await fetch(`${server.url}/health`)
  assert.equal(health.status, 200)
  assert.deepEqual(await health.json(), { status: 'ok' })

  const reg = await post(`${server.url}/auth/register`, { email: 'ada@example.com', password: 'correct horse battery', username: 'ada' })
  assert.equal(reg.status, 201)
  const user = (await reg.json()) as Record<string, unknown>
  assert.equal(user.email, 'ada@example.com')

  const login = await post(`${server.url}/auth/login`, { email: 'ada@example.com', password: 'correct horse battery' })
  assert.equal(login.status, 200)
  const tokens = (await login.json()) as { access_token: string; refresh_token: string; token_type: string; expires_in: number }
  assert.equal(tokens.token_type, 'Bearer')
  assert.equal(tokens.expires_in, 900)

  const me = await fetch(`${server.url}/auth/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
  assert.equal(me.status, 200)
  assert.equal(((await me.json()) as Record<string, unknown>).id, user.id)

  const anonymous = await fetch(`${server.url}/auth/me`)
  assert.equal(anonymous.status, 401)
  assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer realm="tokenwarden"')

  // DATA_DIR (./data) now holds the generated secret, owner-only, and the SQLite database.
  const secretPath = join(cwd, 'data', 'jwt-secret')
  assert.equal(statSync(secretPath).mode & 0o777, 0o600)
  const secret = readFileSync(secretPath, 'utf8').trim()
  assert.ok(Buffer.byteLength(secret) >= 32)
  assert.ok(statSync(join(cwd, 'data', 'tokenwarden.db')).isFile())
  assert.ok(!server.output().includes(secret), 'the generated secret is not logged')
  assert.ok(!server.output().includes(tokens.access_token), 'the token is not logged')

  assert.equal(await server.stop(), 0, 'SIGTERM shuts down cleanly')
  server = await startServer(cwd, env)
  assert.equal(readFileSync(secretPath, 'utf8').trim(), secret, 'the secret is kept')
  const again = await fetch(`${server.url}/auth/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
  assert.equal(again.status, 200, 'the old access token still works after a restart')
  assert.equal(((await again.json()) as Record<string, unknown>).email, 'ada@example.com')
  const refreshed = await post(`${server.url}/auth/refresh`, { refresh_token: tokens.refresh_token })
  assert.equal(refreshed.status, 200, 'and so does the refresh token')
})

test('NODE_ENV=production without JWT_SECRET exits 2 naming JWT_SECRET', async (t) => {
  const cwd = tempDir(t)
  const r = await runCli(['serve'], cwd, cleanEnv({ NODE_ENV: 'production', PORT: '0' }))
  assert.equal(r.code, 2)
  assert.match(r.stderr, /JWT_SECRET/)
  assert.doesNotMatch(r.stdout, /Server listening/)
})

test('a short JWT_SECRET exits 2 naming JWT_SECRET without printing it', async (t) => {
  const cwd = tempDir(t)
  const secret = 'too-short-secret-value'
  const r = await runCli(['serve'], cwd, cleanEnv({ NODE_ENV: 'production', PORT: '0', JWT_SECRET: secret }))
  assert.equal(r.code, 2)
  assert.match(r.stderr, /JWT_SECRET/)
  assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret))
})

test('PORT=abc exits 2 naming PORT', async (t) => {
  const cwd = tempDir(t)
  const r = await runCli(['serve'], cwd, cleanEnv({ PORT: 'abc' }))
  assert.equal(r.code, 2)
  assert.match(r.stderr, /PORT/)
  assert.doesNotMatch(r.stdout, /Server listening/)
})

test('an existing DATA_DIR secret is used and tightened to 0600; with JWT_SECRET set none is written', async (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'tw-serve-'))
  let server: Server | undefined
  t.after(async () => {
    await server?.stop()
    rmSync(cwd, { recursive: true, force: true })
  })
  const secret = 'pre-existing-secret-from-an-earlier-install-0123'
  mkdirSync(join(cwd, 'data'))
  writeFileSync(join(cwd, 'data', 'jwt-secret'), `${secret}\n`, { mode: 0o644 })
  server = await startServer(cwd, cleanEnv({ PORT: '0' }))
  assert.equal(statSync(join(cwd, 'data', 'jwt-secret')).mode & 0o777, 0o600)
  await post(`${server.url}/auth/register`, { email: 'k@example.com', password: 'correct horse battery' })
  const tokens = (await (await post(`${server.url}/auth/login`, { email: 'k@example.com', password: 'correct horse battery' })).json()) as { access_token: string }
  const { payload } = await jwtVerify(tokens.access_token, new TextEncoder().encode(secret), { algorithms: ['HS256'] })
  assert.equal(payload.type, 'access')
  assert.equal(await server.stop(), 0)
  server = undefined

  const other = mkdtempSync(join(tmpdir(), 'tw-serve-'))
  t.after(() => rmSync(other, { recursive: true, force: true }))
  const envSecret = 'a-production-secret-that-is-long-enough-0123456789'
  server = await startServer(other, cleanEnv({ PORT: '0', NODE_ENV: 'production', JWT_SECRET: envSecret }))
  assert.equal(existsSync(join(other, 'data', 'jwt-secret')), false)
  assert.ok(!server.output().includes(envSecret))
})
