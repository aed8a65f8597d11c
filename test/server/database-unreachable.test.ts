// A database that cannot be reached at start: one line naming DATABASE_URL with its password
// masked, exit 1; with DATABASE_WAIT the server keeps trying (with backoff) for that long first.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { cleanEnv, ensureBuilt, runCli } from './process.js'

const dir = mkdtempSync(join(tmpdir(), 'tw-unreachable-'))
let port = 0
before(async () => {
  ensureBuilt()
  // A port nothing listens on: bind one, note it, close it.
  const probe = createServer()
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
  port = (probe.address() as { port: number }).port
  await new Promise((r) => probe.close(r))
})
after(() => rmSync(dir, { recursive: true, force: true }))

const env = (extra: Record<string, string>) => cleanEnv({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), PORT: '0', ...extra })

for (const [name, url] of [
  ['postgres', () => `postgres://tw:hunter2-secret@127.0.0.1:${port}/tw`],
  ['mysql', () => `mysql://tw:hunter2-secret@127.0.0.1:${port}/tw`],
] as const) {
  test(`${name}: serve and migrate exit 1 with one line naming DATABASE_URL, password masked`, async () => {
    for (const command of ['serve', 'migrate']) {
      const r = await runCli([command], dir, env({ DATABASE_URL: url() }))
      assert.equal(r.code, 1, r.stderr)
      const lines = r.stderr.trim().split('\n')
      assert.equal(lines.length, 1, r.stderr)
      assert.match(lines[0]!, new RegExp(`^tokenwarden: cannot reach the database at DATABASE_URL=${name}://\\*\\*\\*@127\\.0\\.0\\.1:${port}/tw \\(ECONNREFUSED\\)`))
      assert.doesNotMatch(r.stderr + r.stdout, /hunter2/)
    }
  })
}

test('DATABASE_WAIT retries with backoff for that long, then gives up the same way', async () => {
  const started = Date.now()
  const r = await runCli(['serve'], dir, env({ DATABASE_URL: `postgres://tw:hunter2-secret@127.0.0.1:${port}/tw`, DATABASE_WAIT: '2s', LOG_LEVEL: 'warn' }))
  const took = Date.now() - started
  assert.equal(r.code, 1)
  assert.ok(took >= 1500, `gave up after ${took} ms, before DATABASE_WAIT`)
  assert.match(r.stdout, /database unreachable; waiting \(DATABASE_WAIT\)/)
  assert.match(r.stderr, /cannot reach the database/)
  assert.doesNotMatch(r.stderr + r.stdout, /hunter2/)
})

test('an unknown REDIS_URL scheme is a configuration error: exit 2 naming REDIS_URL', async () => {
  const r = await runCli(['serve'], dir, env({ DATABASE_URL: `sqlite:${join(dir, 'x.db')}`, REDIS_URL: 'memcached://cache:11211' }))
  assert.equal(r.code, 2)
  assert.match(r.stderr, /configuration error: REDIS_URL/)
})
