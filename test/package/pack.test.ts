// The package installs like a package: `npm pack`, `npm install <tarball>` into a fresh ESM
// project. With Fastify alone it brings no native module or driver and the plugin verifies
// tokens; with the hasher added, the README's "Protect your own API" code, taken verbatim from
// README.md, runs there with `npx tsx` and answers over HTTP. Skips (with the reason) when the npm registry is
// unreachable, except under CI=true.

import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ROOT, cleanEnv, ensureBuilt } from '../server/process.js'
import { exampleUrl, readmeExample } from '../support/readme-example.js'

/** The packages package.json lists as optional peer dependencies. */
const OPTIONAL_PEERS = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> }).peerDependencies)

/** Plugin only: a token made and checked, a forged one refused; the hasher says what it lacks. */
const VERIFY_ONLY = `
import Fastify from 'fastify'
import { tokenwarden } from 'tokenwarden/fastify'
import { createPasswordHasher } from 'tokenwarden'

const app = Fastify()
await app.register(tokenwarden, { keys: [{ alg: 'HS256', secret: 'verify-only-secret-of-at-least-32-bytes' }] })
app.get('/me', { onRequest: app.tokenwarden.guard() }, async (req) => ({ sub: req.identity }))
await app.ready()
const token = app.tokenwarden.createAccessToken('ada')
const me = await app.inject({ url: '/me', headers: { authorization: 'Bearer ' + token } })
const forged = await app.inject({ url: '/me', headers: { authorization: 'Bearer ' + token.slice(0, -4) + 'AAAA' } })
let hashWithoutArgon2
try {
  await createPasswordHasher().hash('correct horse battery')
} catch (err) {
  hashWithoutArgon2 = { name: err.name, packageName: err.packageName }
}
console.log(JSON.stringify({
  me: { status: me.statusCode, sub: me.json().sub },
  forged: { status: forged.statusCode, code: forged.json().code },
  hashWithoutArgon2,
}))
`

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

test('npm pack installs into a fresh project without native modules, verifies tokens there, and runs the README example once the hasher is added', async (t) => {
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
  // --prefer-offline: the local npm cache first.
  const install = (...packages: string[]) => npm(['install', '--prefer-offline', '--no-audit', '--no-fund', ...packages], project)

  // A host that only verifies tokens: tokenwarden and Fastify, and not one native module or
  // database driver (they are optional peer dependencies, loaded where they are needed).
  install(join(dir, tarball), 'fastify')
  for (const pkg of OPTIONAL_PEERS) assert.ok(!existsSync(join(project, 'node_modules', pkg)), `installing tokenwarden also installed ${pkg}`)
  writeFileSync(join(project, 'verify-only.mjs'), VERIFY_ONLY)
  const verifyOnly = spawnSync(process.execPath, ['verify-only.mjs'], { cwd: project, encoding: 'utf8', timeout: 60_000 })
  assert.equal(verifyOnly.status, 0, `verify-only.mjs failed:\n${verifyOnly.stdout}\n${verifyOnly.stderr}`)
  assert.deepEqual(JSON.parse(verifyOnly.stdout), {
    me: { status: 200, sub: 'ada' },
    forged: { status: 401, code: 'TOKEN_SIGNATURE_INVALID' },
    hashWithoutArgon2: { name: 'MissingPackageError', packageName: '@node-rs/argon2' },
  })

  // The README's example hashes passwords: it adds the hasher, as the README says.
  install('@node-rs/argon2', 'tsx')
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
