// The package installs like a package: `npm pack`, `npm install <tarball>` into a fresh ESM
// project, and the README's "Protect your own API" code, taken verbatim from README.md, runs
// there with `npx tsx` and answers over HTTP. Skips (with the reason) when the npm registry is
// unreachable, except under CI=true.

import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ROOT, cleanEnv, ensureBuilt } from '../server/process.js'
import { exampleUrl, readmeExample } from '../support/readme-example.js'

function npm(args: string[], cwd: string): string {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 120_000 })
  assert.equal(r.status, 0, `npm ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`)
  return r.stdout
}

async function registryUnreachable(): Promise<string | undefined> {
  const registry = spawnSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).stdout.trim()
  try {
    await fetch(new URL('fastify', registry), { method: 'HEAD', signal: AbortSignal.timeout(5_000) })
    return undefined
  } catch (err) {
    return `the npm registry (${registry}) is unreachable: ${(err as Error).message}`
  }
}

test('npm pack installs into a fresh project and runs the README example', async (t) => {
  const unreachable = await registryUnreachable()
  if (unreachable !== undefined && process.env.CI !== 'true') {
    console.log(`# skipped: ${unreachable}`)
    return t.skip(unreachable)
  }
  ensureBuilt()
  const dir = mkdtempSync(join(tmpdir(), 'tw-pack-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))

  // dist/ is built (pretest, or ensureBuilt above): skip `prepare`, which would build it again.
  npm(['pack', '--ignore-scripts', '--pack-destination', dir], ROOT)
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))
  assert.ok(tarball, 'npm pack wrote a tarball')

  const project = join(dir, 'my-api')
  spawnSync('mkdir', [project])
  npm(['init', '-y'], project)
  npm(['pkg', 'set', 'type=module'], project)
  // --prefer-offline: the local npm cache first. --ignore-scripts: better-sqlite3's install
  // script would fetch a prebuilt binary from GitHub or compile it; the plugin and the
  // password hasher do not load it (@node-rs/argon2 comes prebuilt as an npm package).
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, tarball), 'fastify', 'tsx'], project)
  writeFileSync(join(project, 'my-api.ts'), readmeExample())

  // As the README says: `JWT_SECRET=... npx tsx my-api.ts` (in its own process group, to stop it).
  const child = spawn('npx', ['tsx', 'my-api.ts'], {
    cwd: project,
    detached: true,
    env: cleanEnv({ JWT_SECRET: 'pack-test-secret-of-at-least-32-bytes!!', PORT: '0' }),
  })
  t.after(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // already gone
    }
  })
  const base = await exampleUrl(child)

  const noToken = await fetch(`${base}/me`)
  assert.equal(noToken.status, 401)
  assert.equal(((await noToken.json()) as { code: string }).code, 'TOKEN_MISSING')
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'ada', password: 'correct horse battery' }),
  })
  assert.equal(login.status, 200)
  const { access_token } = (await login.json()) as { access_token: string }
  const me = await fetch(`${base}/me`, { headers: { authorization: `Bearer ${access_token}` } })
  assert.equal(me.status, 200)
  assert.deepEqual(await me.json(), { id: '1', username: 'ada' })
})
