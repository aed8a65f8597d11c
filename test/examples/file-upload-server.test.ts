// The file-upload example started with its real command (`npx tsx examples/file-upload/server.ts`,
// what `npm run example:file-upload` runs) on a free port and a temporary DATA_DIR, called over
// HTTP: the tutorial's demo replayed with fetch on SQLite and on MariaDB, the README's curl block
// run as written, a restart that keeps the secret, the sessions and the files, and the
// configuration errors that stop it before it listens.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { promisify } from 'node:util'
import { DEMO_USER } from '../../examples/file-upload/seed.js'
import { exampleEnv, REPO_ROOT, runScript, spawnExample, type ExampleProcess } from '../../examples/shared/spawn.js'
import { freshDatabase, needService } from '../support/services.js'

const dirs: string[] = []
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-file-upload-run-'))
  dirs.push(dir)
  return dir
}

const basic = `Basic ${Buffer.from(`${DEMO_USER.username}:${DEMO_USER.password}`).toString('base64')}`

async function logIn(url: string): Promise<string> {
  const res = await fetch(`${url}/login`, { headers: { authorization: basic } })
  assert.equal(res.status, 200)
  return ((await res.json()) as { token: string }).token
}

/** The tutorial's demo (Postman's calls, then the page's form) against a running example. */
async function replayDemo(server: ExampleProcess): Promise<{ token: string; bytes: Buffer }> {
  const url = server.url
  const refused = await fetch(`${url}/login`, { headers: { authorization: `Basic ${Buffer.from('anyone:password').toString('base64')}` } })
  assert.equal(refused.status, 401)
  assert.match(String(refused.headers.get('www-authenticate')), /^Basic /)
  assert.equal(((await refused.json()) as { message: string }).message, 'Unable to verify')
  const token = await logIn(url)

  const missing = await fetch(`${url}/`)
  assert.equal(missing.status, 401)
  assert.equal(((await missing.json()) as { message: string }).message, 'Token missing')
  const invalid = await fetch(`${url}/?token=${token.slice(0, -2)}`)
  assert.equal(((await invalid.json()) as { message: string }).message, 'Invalid token')
  const page = await fetch(`${url}/?token=${token}`)
  assert.equal(page.status, 200)
  assert.ok((await page.text()).includes(`action="/upload?token=${token}"`))

  // What the browser's form sends: multipart with inputFile and description.
  const bytes = randomBytes(1_500_000)
  const form = new FormData()
  form.set('inputFile', new Blob([bytes]), 'scan.png')
  form.set('description', 'the scanned page')
  const uploaded = await fetch(`${url}/upload?token=${token}`, { method: 'POST', body: form })
  assert.equal(uploaded.status, 200)
  assert.equal(await uploaded.text(), 'file scan.png uploaded successfully')

  const list = (await (await fetch(`${url}/files`, { headers: { authorization: `Bearer ${token}` } })).json()) as { id: number; size: number }[]
  assert.equal(list.length, 1)
  assert.equal(list[0]!.size, bytes.length)
  const back = await fetch(`${url}/files/${list[0]!.id}?token=${token}`)
  assert.equal(back.status, 200)
  assert.ok(Buffer.from(await back.arrayBuffer()).equals(bytes), 'the same bytes back')
  return { token, bytes }
}

/** Over a real socket, a file past the limit is a 413 with its code, and the connection serves on. */
async function refuseTooLarge(server: ExampleProcess, token: string, limit: number): Promise<void> {
  for (const size of [limit + 1, 4 * limit]) {
    const form = new FormData()
    form.set('description', `too large ${size}`)
    form.set('inputFile', new Blob([randomBytes(size)]), 'big.bin')
    const res = await fetch(`${server.url}/upload?token=${token}`, { method: 'POST', body: form })
    assert.equal(res.status, 413)
    assert.equal(((await res.json()) as { code: string }).code, 'FILE_TOO_LARGE')
  }
  assert.equal((await fetch(`${server.url}/files?token=${token}`)).status, 200)
}

test('npm run example:file-upload: no setup, SQLite under DATA_DIR, the demo over HTTP; a restart keeps the secret, sessions and files', { timeout: 180_000 }, async () => {
  const dataDir = tempDir()
  const env = exampleEnv({ PORT: '0', DATA_DIR: dataDir, UPLOAD_MAX_SIZE: '2MiB', LOG_LEVEL: 'info' })
  const server = await spawnExample('file-upload', env)
  let demo: { token: string; bytes: Buffer }
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.match(server.output(), /generated a development secret/)
    assert.equal(statSync(join(dataDir, 'jwt-secret')).mode & 0o777, 0o600)
    assert.ok(statSync(join(dataDir, 'tokenwarden.db')).isFile(), 'SQLite under DATA_DIR')
    demo = await replayDemo(server)
    await refuseTooLarge(server, demo.token, 2 * 2 ** 20)
    // The process's own log: requests are there, the token is not.
    assert.match(server.output(), /"url":"\/\?token=\[REDACTED\]"/)
    assert.ok(!server.output().includes(demo.token))
  } finally {
    await server.stop()
  }
  const secret = readFileSync(join(dataDir, 'jwt-secret'), 'utf8')
  const again = await spawnExample('file-upload', env)
  try {
    assert.doesNotMatch(again.output(), /generated a development secret/)
    assert.equal(readFileSync(join(dataDir, 'jwt-secret'), 'utf8'), secret)
    const back = await fetch(`${again.url}/files/1`, { headers: { authorization: `Bearer ${demo.token}` } })
    assert.equal(back.status, 200, 'the token of the first run, its session and its file')
    assert.ok(Buffer.from(await back.arrayBuffer()).equals(demo.bytes))
  } finally {
    await again.stop()
  }
})

describe('DATABASE_URL=mysql://... (MariaDB)', { ...needService('mysql') }, () => {
  test('the demo over HTTP, with the default 50 MiB limit on a server with the default max_allowed_packet', { timeout: 180_000 }, async () => {
    const db = await freshDatabase('mysql')
    const server = await spawnExample('file-upload', exampleEnv({ PORT: '0', DATA_DIR: tempDir(), DATABASE_URL: db.url }))
    try {
      const { token } = await replayDemo(server)
      // A file of the default limit, which a single-row BLOB could not pass through a 16 MiB packet.
      const bytes = randomBytes(50 * 2 ** 20)
      const form = new FormData()
      form.set('inputFile', new Blob([bytes]), 'fifty.bin')
      form.set('description', 'fifty mebibytes')
      const res = await fetch(`${server.url}/upload?token=${token}`, { method: 'POST', body: form })
      assert.equal(res.status, 200, await res.clone().text())
      const back = await fetch(`${server.url}/files/2?token=${token}`)
      assert.ok(Buffer.from(await back.arrayBuffer()).equals(bytes))
      await refuseTooLarge(server, token, 50 * 2 ** 20)
    } finally {
      await server.stop()
      await db.drop()
    }
  })
})

const curl = ['/usr/bin/curl', '/bin/curl'].find((p) => existsSync(p))

test("the README's curl demo, run as written against the example", { skip: curl === undefined ? 'curl is not installed' : undefined, timeout: 180_000 }, async () => {
  const readme = readFileSync(join(REPO_ROOT, 'examples/file-upload/README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## Use it'))
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!
  const server = await spawnExample('file-upload', exampleEnv({ PORT: '0', DATA_DIR: tempDir() }))
  try {
    const cwd = tempDir()
    const script = `set -eu\n${block.replaceAll('http://127.0.0.1:3102', server.url)}`
    const { stdout } = await promisify(execFile)('bash', ['-c', script], { cwd, env: { PATH: process.env.PATH } })
    const lines = stdout.split('\n')
    assert.match(stdout, /^\{"id":"[^"]+","email":"ada@example.com","username":"ada","roles":\["user"\]/m, 'registered')
    assert.ok(lines.includes('{"statusCode":401,"code":"INVALID_CREDENTIALS","error":"Unauthorized","message":"Unable to verify"}'), stdout)
    assert.ok(lines.includes('{"statusCode":401,"code":"TOKEN_MISSING","error":"Unauthorized","message":"Token missing"}'), stdout)
    assert.ok(lines.includes('{"statusCode":401,"code":"TOKEN_MALFORMED","error":"Unauthorized","message":"Invalid token"}'), stdout)
    assert.ok(lines.some((l) => l.startsWith('\t\t<form')), stdout)
    assert.ok(lines.includes('file hello.txt uploaded successfully'), stdout)
    assert.match(stdout, /^\[\{"id":1,"description":"a first file","filename":"hello.txt","content_type":"text\/plain","size":16,/m)
    assert.ok(lines.includes('the same bytes'), stdout)
    assert.ok(lines.includes('{"statusCode":401,"code":"TOKEN_REVOKED","error":"Unauthorized","message":"Invalid token"}'), stdout)
  } finally {
    await server.stop()
  }
})

test('configuration errors stop it before it listens: production without JWT_SECRET, a bad UPLOAD_MAX_SIZE', { timeout: 120_000 }, async () => {
  const dataDir = tempDir()
  const production = await runScript('examples/file-upload/server.ts', [], exampleEnv({ PORT: '0', DATA_DIR: dataDir, NODE_ENV: 'production' }))
  assert.equal(production.code, 2, production.output)
  assert.match(production.output, /^file-upload: configuration error: JWT_SECRET: is required when NODE_ENV=production/m)
  assert.ok(!existsSync(join(dataDir, 'jwt-secret')), 'no development secret in production')
  const size = await runScript('examples/file-upload/server.ts', [], exampleEnv({ PORT: '0', DATA_DIR: dataDir, UPLOAD_MAX_SIZE: 'lots' }))
  assert.equal(size.code, 2, size.output)
  assert.match(size.output, /^file-upload: configuration error: UPLOAD_MAX_SIZE: must be a size/m)
  assert.doesNotMatch(size.output, /listening/)
})
