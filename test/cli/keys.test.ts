// `tokenwarden keys generate | stage | rotate | list`, the ring file (0600, no material printed), the
// ring serve starts with (configured key, development key pair, ring file), and exit codes.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test, type TestContext } from 'node:test'
import { keysMain, type KeysIo } from '../../src/cli/keys.js'
import { configuredKey, loadKeyring } from '../../src/cli/ring.js'
import { ManualClock } from '../../src/core/clock.js'
import { ConfigError, parseConfig } from '../../src/core/config.js'
import { createIssuer } from '../../src/core/tokens/issue.js'
import { generateStoredKey, parseRingFile } from '../../src/core/tokens/ring-file.js'
import { createVerifier } from '../../src/core/tokens/verify.js'

const T0 = Date.UTC(2026, 0, 1)
const SECRET = 'cli-keys-test-secret-at-least-32-bytes'

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-keys-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

function run(args: string[], env: Record<string, string>, now = T0): { code: number; out: string; err: string } {
  let out = ''
  let err = ''
  const io: KeysIo = { out: (l) => void (out += l + '\n'), err: (l) => void (err += l + '\n'), now: () => now }
  const code = keysMain(args, env, io)
  return { code, out, err }
}

const mode = (path: string) => statSync(path).mode & 0o777

test('keys generate: a 0600 ring with one active key of JWT_ALGORITHM; the output names the kid, never the key', (t) => {
  const dir = tempDir(t)
  const env = { DATA_DIR: dir, JWT_ALGORITHM: 'ES256' }
  const r = run(['generate'], env)
  assert.equal(r.code, 0, r.err)
  const path = join(dir, 'keys.json')
  assert.equal(mode(path), 0o600)
  const file = parseRingFile(readFileSync(path, 'utf8'))
  assert.equal(file.keys.length, 1)
  assert.equal(file.keys[0]!.alg, 'ES256')
  assert.ok(r.out.includes(file.keys[0]!.kid))
  assert.ok(!r.out.includes('PRIVATE KEY'))

  const again = run(['generate'], env)
  assert.equal(again.code, 1)
  assert.match(again.err, /already exists/)
  const forced = run(['generate', '--force', '--alg', 'HS512'], env)
  assert.equal(forced.code, 0)
  const replaced = parseRingFile(readFileSync(path, 'utf8'))
  assert.equal(replaced.keys.length, 1)
  assert.equal(replaced.keys[0]!.alg, 'HS512')
  assert.ok(!forced.out.includes(replaced.keys[0]!.secret!))
})

test('keys rotate: the new key signs, the old verifies until now + REFRESH_TOKEN_TTL + JWT_LEEWAY, then retires', (t) => {
  const dir = tempDir(t)
  const env = { DATA_DIR: dir, JWT_ALGORITHM: 'RS256', REFRESH_TOKEN_TTL: '7d', JWT_LEEWAY: '30' }
  assert.equal(run(['generate'], env).code, 0)
  const config = parseConfig(env)
  const clock = new ManualClock(T0)
  const before = loadKeyring(config, clock.now()).keyring
  const oldToken = createIssuer({ keyring: before, clock, refreshTtl: 7 * 86400 }).issue('refresh', { sub: '1', sid: 's' }).token

  clock.advance(3600_000)
  const r = run(['rotate', '--alg', 'EdDSA'], env, clock.now())
  assert.equal(r.code, 0, r.err)
  const file = parseRingFile(readFileSync(join(dir, 'keys.json'), 'utf8'))
  const retires = clock.now() + (7 * 86400 + 30) * 1000
  assert.deepEqual(file.keys.map((k) => [k.alg, k.retires]), [['EdDSA', null], ['RS256', new Date(retires).toISOString()]])

  const { keyring } = loadKeyring(config, clock.now())
  assert.equal(keyring.signing.alg, 'EdDSA')
  const verifier = createVerifier({ keyring, clock, leeway: 30 })
  const newToken = createIssuer({ keyring, clock }).issue('access', { sub: '1', sid: 's' }).token
  assert.equal(JSON.parse(Buffer.from(newToken.split('.')[0]!, 'base64url').toString()).kid, keyring.signing.kid)
  assert.equal(verifier.verify(oldToken, 'refresh').sub, '1')
  clock.set(retires)
  assert.throws(() => verifier.verify(oldToken, 'refresh'), { code: 'TOKEN_KEY_UNKNOWN' })
  assert.equal(loadKeyring(config, clock.now()).keyring.keys().length, 1, 'a restart after retirement loads only the new key')
})

test('keys rotate without --alg keeps the algorithm of the ring, whatever JWT_ALGORITHM says', (t) => {
  const dir = tempDir(t)
  assert.equal(run(['generate', '--alg', 'ES256'], { DATA_DIR: dir }).code, 0)
  const r = run(['rotate'], { DATA_DIR: dir }, T0 + 1000)
  assert.equal(r.code, 0, r.err)
  const file = parseRingFile(readFileSync(join(dir, 'keys.json'), 'utf8'))
  assert.deepEqual(file.keys.map((k) => k.alg), ['ES256', 'ES256'])
})

test('keys rotate without a ring file: the configured JWT_SECRET becomes the previous key, by kid only', (t) => {
  const dir = tempDir(t)
  const env = { DATA_DIR: dir, JWT_SECRET: SECRET }
  assert.equal(run(['rotate'], env).code, 0)
  const text = readFileSync(join(dir, 'keys.json'), 'utf8')
  assert.ok(!text.includes(SECRET), 'the configured secret is not copied into the file')
  const file = parseRingFile(text)
  assert.deepEqual(file.keys.map((k) => k.source), ['file', 'config'])
  const same = loadKeyring(parseConfig(env), T0)
  assert.equal(same.keyring.keys().length, 2)
  const changed = loadKeyring(parseConfig({ ...env, JWT_SECRET: SECRET + '-changed' }), T0)
  assert.equal(changed.keyring.keys().length, 1)
  assert.match(changed.notes.join('\n'), /no longer configured/)
})

test('keys list: kid, alg, created, status; --json; never key material', (t) => {
  const dir = tempDir(t)
  const env = { DATA_DIR: dir, JWT_ALGORITHM: 'HS256', JWT_SECRET: SECRET }
  const none = run(['list'], env)
  assert.equal(none.code, 0)
  assert.match(none.out, /No ring file/)
  assert.match(none.out, /HS256\s+-\s+active/)
  run(['generate'], env)
  run(['rotate'], env, T0 + 1000)
  const table = run(['list'], env, T0 + 2000)
  assert.match(table.out, /active/)
  assert.match(table.out, /verifying/)
  const listed = JSON.parse(run(['list', '--json'], env, T0 + 2000).out) as { keys: { status: string; kid: string }[] }
  assert.deepEqual(listed.keys.map((k) => k.status), ['active', 'verifying'])
  const file = parseRingFile(readFileSync(join(dir, 'keys.json'), 'utf8'))
  for (const k of file.keys) assert.ok(!table.out.includes(k.secret!) && !JSON.stringify(listed).includes(k.secret!))
  const later = JSON.parse(run(['list', '--json'], env, T0 + 31 * 86400_000).out) as { keys: { status: string }[] }
  assert.deepEqual(later.keys.map((k) => k.status), ['active', 'retired'])
})

test('keys stage: a standby key that verifies but does not sign; list shows it; a second stage exits 2', (t) => {
  const dir = tempDir(t)
  const env = { DATA_DIR: dir, JWT_ALGORITHM: 'ES256' }
  const path = join(dir, 'keys.json')
  assert.equal(run(['generate'], env).code, 0)
  const active = parseRingFile(readFileSync(path, 'utf8')).keys[0]!
  const r = run(['stage'], env, T0 + 1000)
  assert.equal(r.code, 0, r.err)
  assert.equal(mode(path), 0o600)
  const file = parseRingFile(readFileSync(path, 'utf8'))
  const standby = file.keys[1]!
  assert.deepEqual(file.keys.map((k) => [k.kid, k.alg, k.retires, k.standby]), [[active.kid, 'ES256', null, undefined], [standby.kid, 'ES256', null, true]])
  assert.ok(r.out.includes(standby.kid))
  assert.ok(!r.out.includes('PRIVATE KEY') && !r.out.includes(standby.privateKey!.slice(40, 80)))

  const { keyring } = loadKeyring(parseConfig(env), T0 + 2000)
  assert.equal(keyring.signing.kid, active.kid, 'the signing key still signs')
  assert.ok(keyring.get(standby.kid, T0 + 2000) !== undefined, 'the standby key verifies')

  const listed = JSON.parse(run(['list', '--json'], env, T0 + 2000).out) as { keys: { kid: string; status: string; retires: string | null }[] }
  assert.deepEqual(listed.keys.map((k) => [k.kid, k.status, k.retires]), [[active.kid, 'active', null], [standby.kid, 'standby', null]])
  assert.match(run(['list'], env, T0 + 2000).out, new RegExp(`${standby.kid}\\s+ES256\\s+\\S+\\s+standby`))

  const again = run(['stage'], env, T0 + 3000)
  assert.equal(again.code, 2)
  assert.equal(again.err.trim().split('\n').length, 1, 'one line')
  assert.deepEqual(parseRingFile(readFileSync(path, 'utf8')), file, 'the ring is unchanged')
})

test('keys rotate promotes the staged key; the old one verifies until now + REFRESH_TOKEN_TTL + JWT_LEEWAY; --alg mismatch exits 2', (t) => {
  const dir = tempDir(t)
  const env = { DATA_DIR: dir, JWT_ALGORITHM: 'RS256', REFRESH_TOKEN_TTL: '7d', JWT_LEEWAY: '30' }
  const path = join(dir, 'keys.json')
  assert.equal(run(['generate'], env).code, 0)
  assert.equal(run(['stage', '--alg', 'EdDSA'], env, T0 + 1000).code, 0)
  const staged = parseRingFile(readFileSync(path, 'utf8'))
  const [old, standby] = staged.keys
  assert.equal(standby!.alg, 'EdDSA')

  const mismatch = run(['rotate', '--alg', 'ES256'], env, T0 + 2000)
  assert.equal(mismatch.code, 2)
  assert.deepEqual(parseRingFile(readFileSync(path, 'utf8')), staged, 'a refused rotate leaves the ring alone')

  const now = T0 + 600_000
  const r = run(['rotate', '--alg', 'EdDSA'], env, now)
  assert.equal(r.code, 0, r.err)
  assert.ok(r.out.includes(standby!.kid))
  const file = parseRingFile(readFileSync(path, 'utf8'))
  assert.deepEqual(file.keys.map((k) => [k.kid, k.retires, k.standby]), [
    [standby!.kid, null, undefined],
    [old!.kid, new Date(now + (7 * 86400 + 30) * 1000).toISOString(), undefined],
  ])
  assert.equal(file.keys[0]!.privateKey, standby!.privateKey, 'the staged key itself, not a new one')
  assert.equal(loadKeyring(parseConfig(env), now).keyring.signing.kid, standby!.kid)
  const listed = JSON.parse(run(['list', '--json'], env, now).out) as { keys: { status: string }[] }
  assert.deepEqual(listed.keys.map((k) => k.status), ['active', 'verifying'])

  // With no standby key, rotate makes a new key as before.
  assert.equal(run(['rotate'], env, now + 1000).code, 0)
  const next = parseRingFile(readFileSync(path, 'utf8')).keys
  assert.deepEqual(next.slice(1).map((k) => k.kid), [standby!.kid, old!.kid])
  assert.ok(next[0]!.kid !== standby!.kid && next[0]!.alg === 'EdDSA')
})

test('keys stage without a ring file: starts from the configured JWT_SECRET (by kid only), which keeps signing', (t) => {
  const dir = tempDir(t)
  const env = { DATA_DIR: dir, JWT_SECRET: SECRET }
  const configuredKid = loadKeyring(parseConfig(env), T0).keyring.signing.kid
  const r = run(['stage'], env)
  assert.equal(r.code, 0, r.err)
  const text = readFileSync(join(dir, 'keys.json'), 'utf8')
  assert.ok(!text.includes(SECRET))
  const file = parseRingFile(text)
  assert.deepEqual(file.keys.map((k) => [k.source, k.alg, k.standby]), [['config', 'HS256', undefined], ['file', 'HS256', true]])
  assert.ok(!r.out.includes(file.keys[1]!.secret!))
  const { keyring } = loadKeyring(parseConfig(env), T0)
  assert.equal(keyring.signing.kid, configuredKid)
  assert.equal(keyring.keys().length, 2)
})

test('usage and configuration errors exit 2', (t) => {
  const dir = tempDir(t)
  assert.equal(run([], { DATA_DIR: dir }).code, 2)
  assert.equal(run(['rotate', '--alg', 'HS1'], { DATA_DIR: dir }).code, 2)
  assert.equal(run(['spin'], { DATA_DIR: dir }).code, 2)
  assert.equal(run(['list', '--bogus'], { DATA_DIR: dir }).code, 2)
  const bad = run(['list'], { DATA_DIR: dir, JWT_ALGORITHM: 'none' })
  assert.equal(bad.code, 2)
  assert.match(bad.err, /JWT_ALGORITHM/)
  assert.equal(run(['--help'], { DATA_DIR: dir }).code, 0)
})

test('a malformed or loose-mode ring file: ConfigError naming JWT_KEYS_FILE; a loose mode is tightened to 0600', (t) => {
  const dir = tempDir(t)
  const path = join(dir, 'keys.json')
  writeFileSync(path, '{"version":1,"keys":[]}')
  assert.throws(() => loadKeyring(parseConfig({ DATA_DIR: dir, JWT_SECRET: SECRET }), T0), (e: unknown) => e instanceof ConfigError && e.variable === 'JWT_KEYS_FILE')
  writeFileSync(path, JSON.stringify({ version: 1, keys: [generateStoredKey('HS256', T0)] }))
  chmodSync(path, 0o644)
  loadKeyring(parseConfig({ DATA_DIR: dir }), T0)
  assert.equal(mode(path), 0o600)
})

test('asymmetric JWT_ALGORITHM without a key in development: a key pair generated once into DATA_DIR (0600) and reused', (t) => {
  const dir = tempDir(t)
  const config = parseConfig({ DATA_DIR: dir, JWT_ALGORITHM: 'ES256' })
  const first = configuredKey(config)
  assert.ok(first.generated !== undefined)
  assert.equal(mode(first.generated!), 0o600)
  const second = configuredKey(config)
  assert.equal(second.generated, undefined)
  assert.equal(second.input.privateKey, first.input.privateKey)
  const loaded = loadKeyring(config, T0)
  assert.equal(loaded.keyring.signing.alg, 'ES256')
})

test('JWT_PRIVATE_KEY_FILE: read and checked; unreadable or weak -> ConfigError naming it', (t) => {
  const dir = tempDir(t)
  const good = join(dir, 'signing.pem')
  writeFileSync(good, generateStoredKey('PS256', T0).privateKey!)
  assert.equal(loadKeyring(parseConfig({ DATA_DIR: dir, JWT_ALGORITHM: 'PS256', JWT_PRIVATE_KEY_FILE: good }), T0).keyring.signing.alg, 'PS256')
  const wrong = (file: string) =>
    assert.throws(
      () => configuredKey(parseConfig({ DATA_DIR: dir, JWT_ALGORITHM: 'RS256', JWT_PRIVATE_KEY_FILE: file })),
      (e: unknown) => e instanceof ConfigError && e.variable === 'JWT_PRIVATE_KEY_FILE',
    )
  wrong(join(dir, 'missing.pem'))
  const ec = join(dir, 'ec.pem')
  writeFileSync(ec, generateStoredKey('ES256', T0).privateKey!)
  wrong(ec)
})

/** Runs the CLI from source (not dist, which may predate this code) in `cwd`. */
function cli(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), main, ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

test('the tokenwarden command: production RS256 without a key exits 2 naming JWT_PRIVATE_KEY; keys list runs', async (t) => {
  const dir = tempDir(t)
  const r = await cli(['serve'], dir, { NODE_ENV: 'production', JWT_ALGORITHM: 'RS256', PORT: '0' })
  assert.equal(r.code, 2)
  assert.match(r.stderr, /JWT_PRIVATE_KEY/)
  const list = await cli(['keys', 'list'], dir, { JWT_SECRET: SECRET })
  assert.equal(list.code, 0, list.stderr)
  assert.match(list.stdout, /HS256/)
})
