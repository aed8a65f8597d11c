// A server started without an optional peer it needs (README, Installing) stops before it
// listens, exit code 2, with one line naming the package and the command that installs it. The
// packages are hidden from the process (test/support/hide-packages.mjs), not removed.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { CLI, ROOT, cleanEnv, ensureBuilt } from './process.js'

const HIDE = join(ROOT, 'test/support/hide-packages.mjs')

function serveWithout(packages: string, env: Record<string, string> = {}) {
  ensureBuilt()
  const dir = mkdtempSync(join(tmpdir(), 'tw-missing-'))
  try {
    const run = spawnSync(process.execPath, ['--import', HIDE, CLI, 'serve'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
      env: cleanEnv({ TW_HIDE_PACKAGES: packages, PORT: '0', ...env }),
    })
    return { code: run.status, out: run.stdout + run.stderr }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

for (const [hidden, env] of [
  ['better-sqlite3', {}],
  ['@node-rs/argon2', {}],
  ['pg', { DATABASE_URL: 'postgres://tw:tw@127.0.0.1:1/tw' }],
  ['mysql2', { DATABASE_URL: 'mysql://tw:tw@127.0.0.1:1/tw' }],
  ['ioredis', { REDIS_URL: 'redis://127.0.0.1:1' }],
] as const) {
  test(`serve without ${hidden}${Object.keys(env).length > 0 ? ` (${Object.keys(env).join(', ')} set)` : ''}: exit 2 before listening, naming it and how to install it`, () => {
    const { code, out } = serveWithout(hidden, env)
    assert.equal(code, 2, out)
    assert.match(out, new RegExp(`${hidden.replace('/', '\\/')}: .* needs this package, which is not installed: npm install ${hidden.replace('/', '\\/')}`))
    assert.doesNotMatch(out, /Server listening/)
    assert.doesNotMatch(out, /\n\s+at /, 'one line, no stack trace')
  })
}
