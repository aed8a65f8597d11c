// docs/embedding.md's examples run as written: each ts block is started as a real process
// (imports resolve to this package by name) and driven over HTTP the way the page's curl lines
// drive it, checking the answers the page promises.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { ensureBuilt, ROOT } from './server/process.js'
import { codeBlockAfter, output, runExample } from './support/doc-example.js'
import { exampleUrl } from './support/readme-example.js'

const DOC = 'docs/embedding.md'
const EXAMPLES = ['Mount the auth API', 'Call the services from your own routes', 'An Auth you make yourself']
const ENV = { JWT_SECRET: 'embedding-docs-secret-of-at-least-32-bytes', PORT: '0', DATABASE_URL: 'sqlite::memory:' }
const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

function client(base: string) {
  return async (method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...options.headers }
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(base + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) })
    const text = await res.text()
    return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> }
  }
}

test('"Mount the auth API": the mounted routes and the host\'s notes share one session gate', async (t) => {
  ensureBuilt()
  const call = client(await exampleUrl(runExample(t, 'embedding-mount', codeBlockAfter(DOC, 'Mount the auth API'), ENV)))
  assert.equal((await call('POST', '/api/auth/register', { body: ADA })).status, 201)
  const basic = { authorization: `Basic ${Buffer.from(`${ADA.email}:${ADA.password}`).toString('base64')}` }
  const login = await call('POST', '/api/auth/login', { headers: basic })
  assert.equal(login.status, 200)
  const access = login.body.access_token as string
  assert.equal((await call('GET', '/notes')).body.code, 'TOKEN_MISSING')
  assert.equal((await call('POST', '/notes', { token: access, body: { text: 'hello' } })).status, 201)
  assert.deepEqual((await call('GET', '/notes', { token: access })).body, { notes: ['hello'] })
  assert.equal((await call('GET', '/stats', { token: access })).body.code, 'ROLE_REQUIRED')
  assert.equal((await call('GET', '/api/auth/me', { token: access })).body.email, ADA.email)

  assert.equal((await call('POST', '/api/auth/logout', { token: access })).status, 204)
  const after = await call('GET', '/notes', { token: access })
  assert.equal(after.status, 401)
  assert.equal(after.body.code, 'TOKEN_REVOKED')
})

test('"Call the services from your own routes": the Flask-shaped routes answer in their own shapes', async (t) => {
  ensureBuilt()
  const call = client(await exampleUrl(runExample(t, 'embedding-services', codeBlockAfter(DOC, 'Call the services from your own routes'), ENV)))
  const signup = await call('POST', '/users/signup', { body: { username: 'ada', ...ADA } })
  assert.equal(signup.status, 201)
  assert.deepEqual(Object.keys(signup.body).sort(), ['id', 'username'])
  assert.deepEqual((await call('POST', '/users/signup', { body: { username: 'ada', ...ADA } })).body, { msg: 'User already exists' })
  assert.equal((await call('POST', '/users/signup', { body: { username: 'bob' } })).status, 400)

  const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` })
  const login = await call('GET', '/login', { headers: basic('ada', ADA.password) })
  assert.deepEqual(Object.keys(login.body), ['token'])
  assert.equal((await call('GET', '/login')).status, 401)
  const wrong = await call('GET', '/login', { headers: basic('ada', 'wrong password') })
  assert.deepEqual([wrong.status, wrong.body.code], [401, 'INVALID_CREDENTIALS'])

  const token = await call('POST', '/token', { body: ADA })
  assert.deepEqual(Object.keys(token.body).sort(), ['access_token', 'refresh_token'])
  const access = token.body.access_token as string
  const refresh = token.body.refresh_token as string
  assert.deepEqual((await call('GET', '/who_am_i', { token: access })).body, { id: signup.body.id, username: 'ada', email: ADA.email })
  assert.equal((await call('POST', '/token', { body: { email: ADA.email } })).body.code, 'INVALID_CREDENTIALS')

  // The same refresh token twice: it stays valid, as a Flask-JWT-Extended client expects.
  for (let i = 0; i < 2; i++) {
    const refreshed = await call('POST', '/refresh', { token: refresh })
    assert.equal(refreshed.status, 200)
    assert.equal((await call('GET', '/who_am_i', { token: refreshed.body.access_token as string })).status, 200)
  }
  const missing = await call('GET', '/who_am_i')
  assert.deepEqual([missing.status, missing.body.code, typeof missing.body.msg], [401, 'TOKEN_MISSING', 'string'])

  assert.deepEqual((await call('POST', '/revoke', { token: access })).body, { msg: 'Successfully logged out' })
  assert.equal((await call('GET', '/who_am_i', { token: access })).body.code, 'TOKEN_REVOKED')
  assert.equal((await call('POST', '/refresh', { token: refresh })).body.code, 'TOKEN_REVOKED', 'revoke ended the refresh token too')
})

test('"An Auth you make yourself": the guard plugin checks sessions through it', async (t) => {
  ensureBuilt()
  const out = await output(runExample(t, 'embedding-own-auth', codeBlockAfter(DOC, 'An Auth you make yourself'), ENV))
  assert.deepEqual(JSON.parse(out), { user: 'ada@example.com', before: 200, after: 'TOKEN_REVOKED' })
})

test('the examples type-check under the project\'s strict settings, against the built package\'s types', (t) => {
  ensureBuilt()
  const files = EXAMPLES.map((heading, i) => {
    const file = `embedding-typecheck-${process.pid}-${i}.tmp.ts`
    writeFileSync(join(ROOT, file), codeBlockAfter(DOC, heading))
    return file
  })
  const config = `tsconfig.embedding-${process.pid}.tmp.json`
  writeFileSync(join(ROOT, config), JSON.stringify({ extends: './tsconfig.json', include: files }))
  t.after(() => {
    for (const file of [...files, config]) rmSync(join(ROOT, file), { force: true })
  })
  const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', config], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 })
  assert.equal(run.status, 0, run.stdout + run.stderr)
})
