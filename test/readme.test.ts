// The README's "Protect your own API" code runs as written: extracted verbatim, started as a
// real process (imports resolve to this package by name), and driven over HTTP.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { ROOT, cleanEnv, ensureBuilt } from './server/process.js'
import { exampleUrl, readmeExample } from './support/readme-example.js'

test('the README plugin example runs: login, me, optional, roles, fresh, refresh, logout', async (t) => {
  ensureBuilt() // `tokenwarden` and `tokenwarden/fastify` resolve to dist/ by self-reference
  const file = join(ROOT, `readme-example-${process.pid}.tmp.ts`)
  writeFileSync(file, readmeExample())
  t.after(() => rmSync(file, { force: true }))
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: ROOT,
    env: cleanEnv({ JWT_SECRET: 'readme-example-secret-of-at-least-32-bytes', PORT: '0' }),
  })
  t.after(() => child.kill('SIGKILL'))
  const base = await exampleUrl(child)

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const headers: Record<string, string> = {}
    if (token) headers.authorization = `Bearer ${token}`
    if (body) headers['content-type'] = 'application/json'
    const res = await fetch(base + path, { method, headers, body: body ? JSON.stringify(body) : undefined })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }

  assert.equal((await call('POST', '/login', undefined, { username: 'ada', password: 'wrong password' })).status, 401)
  assert.equal((await call('POST', '/login', undefined, { username: 'nobody', password: 'x' })).status, 401)
  const login = await call('POST', '/login', undefined, { username: 'ada', password: 'correct horse battery' })
  assert.equal(login.status, 200)
  const access = login.body.access_token as string
  const refresh = login.body.refresh_token as string

  assert.deepEqual((await call('GET', '/me', access)).body, { id: '1', username: 'ada' })
  assert.equal((await call('GET', '/me')).body.code, 'TOKEN_MISSING')
  assert.deepEqual((await call('GET', '/hello')).body, { hello: 'stranger' })
  assert.deepEqual((await call('GET', '/hello', access)).body, { hello: 'ada' })
  assert.equal((await call('GET', '/admin', access)).status, 200)
  assert.equal((await call('GET', '/me', refresh)).body.code, 'TOKEN_TYPE_INVALID')
  assert.equal((await call('DELETE', '/account', access)).status, 200)

  const refreshed = await call('POST', '/refresh', refresh)
  assert.equal(refreshed.status, 200)
  const stale = refreshed.body.access_token as string
  assert.equal((await call('DELETE', '/account', stale)).body.code, 'TOKEN_NOT_FRESH')
  assert.equal((await call('GET', '/admin', stale)).status, 200, 'refreshed tokens keep the roles')

  assert.equal((await call('POST', '/logout', access)).status, 200)
  assert.equal((await call('GET', '/me', access)).body.code, 'TOKEN_REVOKED')
  // The login's refresh token, and what it refreshed, end with it.
  assert.equal((await call('POST', '/refresh', refresh)).body.code, 'TOKEN_REVOKED')
  assert.equal((await call('GET', '/me', stale)).body.code, 'TOKEN_REVOKED')
})
