// The real server reloads its key ring on SIGHUP: `tokenwarden keys rotate` + `kill -HUP` makes the
// new key sign while the old one keeps verifying; `keys generate --force` + HUP drops the old keys
// at once; a corrupt ring file + HUP keeps the previous ring and logs why, with no key material;
// `keys stage` + HUP publishes the standby key while the old key signs, `keys rotate` + HUP promotes it.

import assert from 'node:assert/strict'
import { createPrivateKey } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, test, type TestContext } from 'node:test'
import { cleanEnv, ensureBuilt, runCli, startServer, type Server } from './process.js'

before(() => ensureBuilt())

const PASSWORD = 'correct horse battery'

interface Setup {
  cwd: string
  env: NodeJS.ProcessEnv
  server: Server
  keysFile: string
}

/** A temp DATA_DIR with an EdDSA ring from `keys generate`, a running server and one account. */
async function setup(t: TestContext): Promise<Setup> {
  const cwd = mkdtempSync(join(tmpdir(), 'tw-reload-'))
  const env = cleanEnv({ PORT: '0', JWT_ALGORITHM: 'EdDSA', DATA_DIR: join(cwd, 'data') })
  let server: Server | undefined
  // Kill the process first, then remove its directory.
  t.after(async () => {
    await server?.stop()
    rmSync(cwd, { recursive: true, force: true })
  })
  await cli(['keys', 'generate'], cwd, env)
  server = await startServer(cwd, env)
  const reg = await post(`${server.url}/auth/register`, { email: 'ada@example.com', password: PASSWORD, username: 'ada' })
  assert.equal(reg.status, 201)
  return { cwd, env, server, keysFile: join(cwd, 'data', 'keys.json') }
}

async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await runCli(args, cwd, env)
  assert.equal(r.code, 0, `tokenwarden ${args.join(' ')}: ${r.stderr}`)
}

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
}

async function login(s: Setup): Promise<string> {
  const res = await post(`${s.server.url}/auth/login`, { email: 'ada@example.com', password: PASSWORD })
  assert.equal(res.status, 200)
  return ((await res.json()) as { access_token: string }).access_token
}

function kidOf(token: string): string {
  const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { kid?: string }
  assert.equal(typeof header.kid, 'string')
  return header.kid!
}

async function me(s: Setup, token: string): Promise<{ status: number; code: unknown }> {
  const res = await fetch(`${s.server.url}/auth/me`, { headers: { authorization: `Bearer ${token}` } })
  const body = (await res.json()) as { code?: unknown }
  return { status: res.status, code: body.code }
}

async function jwksKids(s: Setup): Promise<string[]> {
  const res = await fetch(`${s.server.url}/.well-known/jwks.json`)
  assert.equal(res.status, 200)
  return ((await res.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid).sort()
}

/** Polls until `done` holds (the server handles SIGHUP asynchronously); fails after 10 s. */
async function until(what: string, done: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

function hup(s: Setup): void {
  assert.equal(s.server.child.kill('SIGHUP'), true)
}

/** The server's pino JSON log lines. */
function logLines(s: Setup): Record<string, unknown>[] {
  return s.server
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

test('SIGHUP after keys rotate: the new key signs, tokens of the old key still verify, JWKS lists both', async (t) => {
  const s = await setup(t)
  const tokenA = await login(s)
  const kidA = kidOf(tokenA)
  assert.deepEqual(await jwksKids(s), [kidA])

  await cli(['keys', 'rotate'], s.cwd, s.env)
  assert.deepEqual(await jwksKids(s), [kidA], 'nothing changes before the signal')
  hup(s)
  await until('JWKS to list 2 keys', async () => (await jwksKids(s)).length === 2)

  const tokenB = await login(s)
  const kidB = kidOf(tokenB)
  assert.notEqual(kidB, kidA)
  assert.deepEqual(await me(s, tokenA), { status: 200, code: undefined })
  assert.deepEqual(await me(s, tokenB), { status: 200, code: undefined })
  assert.deepEqual(await jwksKids(s), [kidA, kidB].sort())

  const reloaded = logLines(s).filter((l) => l.msg === 'key ring reloaded')
  assert.equal(reloaded.length, 1)
  assert.equal(reloaded[0]!.level, 30)
  assert.equal(reloaded[0]!.kid, kidB)
  assert.equal(reloaded[0]!.alg, 'EdDSA')
  assert.equal(reloaded[0]!.keys, 'file')
  assert.equal(s.server.child.exitCode, null, 'SIGHUP does not end the process')
  assert.equal(await s.server.stop(), 0, 'SIGTERM still shuts down cleanly')
})

test('SIGHUP after keys stage: JWKS lists the standby key, the old key still signs; keys rotate + SIGHUP promotes it', async (t) => {
  const s = await setup(t)
  const tokenA = await login(s)
  const kidA = kidOf(tokenA)

  await cli(['keys', 'stage'], s.cwd, s.env)
  const standby = (JSON.parse(readFileSync(s.keysFile, 'utf8')) as { keys: { kid: string; standby?: boolean }[] }).keys[1]!
  assert.equal(standby.standby, true)
  hup(s)
  await until('JWKS to list the standby key', async () => (await jwksKids(s)).includes(standby.kid))
  assert.deepEqual(await jwksKids(s), [kidA, standby.kid].sort())
  const tokenA2 = await login(s)
  assert.equal(kidOf(tokenA2), kidA, 'the standby key does not sign yet')
  assert.deepEqual(await me(s, tokenA2), { status: 200, code: undefined })

  await cli(['keys', 'rotate'], s.cwd, s.env)
  hup(s)
  await until('a second reload', () => logLines(s).filter((l) => l.msg === 'key ring reloaded').length === 2)
  const tokenB = await login(s)
  assert.equal(kidOf(tokenB), standby.kid, 'the staged key signs after rotate')
  assert.deepEqual(await me(s, tokenB), { status: 200, code: undefined })
  assert.deepEqual(await me(s, tokenA), { status: 200, code: undefined }, 'the earlier token still verifies')
  assert.deepEqual(await jwksKids(s), [kidA, standby.kid].sort())
  const reloaded = logLines(s).filter((l) => l.msg === 'key ring reloaded')
  assert.deepEqual(reloaded.map((l) => l.kid), [kidA, standby.kid])
})

test('SIGHUP after keys generate --force: tokens of the old keys get 401 TOKEN_KEY_UNKNOWN, a new login works', async (t) => {
  const s = await setup(t)
  const tokenA = await login(s)
  await cli(['keys', 'rotate'], s.cwd, s.env)
  hup(s)
  await until('JWKS to list 2 keys', async () => (await jwksKids(s)).length === 2)
  const tokenB = await login(s)
  const old = [kidOf(tokenA), kidOf(tokenB)]
  assert.notEqual(old[0], old[1])

  await cli(['keys', 'generate', '--force'], s.cwd, s.env)
  hup(s)
  await until('JWKS to list only the new key', async () => {
    const kids = await jwksKids(s)
    return kids.length === 1 && !old.includes(kids[0]!)
  })

  assert.deepEqual(await me(s, tokenA), { status: 401, code: 'TOKEN_KEY_UNKNOWN' })
  assert.deepEqual(await me(s, tokenB), { status: 401, code: 'TOKEN_KEY_UNKNOWN' })
  const tokenC = await login(s)
  assert.ok(!old.includes(kidOf(tokenC)))
  assert.deepEqual(await jwksKids(s), [kidOf(tokenC)])
  assert.deepEqual(await me(s, tokenC), { status: 200, code: undefined })
})

test('SIGHUP with a corrupt ring file: the previous ring keeps serving; one error line, no key material', async (t) => {
  const s = await setup(t)
  const tokenA = await login(s)
  const kidA = kidOf(tokenA)

  // The private parts, read before the file is spoiled: the PEM body and the JWK `d`.
  const original = readFileSync(s.keysFile, 'utf8')
  const pem = (JSON.parse(original) as { keys: { privateKey: string }[] }).keys[0]!.privateKey
  const pemBody = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
  const d = createPrivateKey(pem).export({ format: 'jwk' }).d!
  assert.ok(pemBody.length > 40 && d.length > 40)

  // Truncated mid-key plus garbage: the reload must not echo what it could read.
  writeFileSync(s.keysFile, `${original.slice(0, original.indexOf('PRIVATE KEY-----') + 40)}\u0000garbage{`)
  hup(s)
  const failed = (): Record<string, unknown>[] => logLines(s).filter((l) => l.level === 50)
  await until('an error log line', () => failed().length > 0)

  const errors = failed()
  assert.equal(errors.length, 1)
  assert.match(String(errors[0]!.msg), /reload/)
  assert.equal(errors[0]!.keys, s.keysFile, 'the line names the file')
  assert.equal(typeof errors[0]!.reason, 'string')
  assert.equal(logLines(s).filter((l) => l.msg === 'key ring reloaded').length, 0)

  const health = await fetch(`${s.server.url}/health`)
  assert.equal(health.status, 200)
  assert.deepEqual(await me(s, tokenA), { status: 200, code: undefined })
  const tokenB = await login(s)
  assert.equal(kidOf(tokenB), kidA, 'the previous ring still signs')
  assert.deepEqual(await jwksKids(s), [kidA])

  const log = s.server.output()
  assert.ok(!log.includes(pemBody), 'no PEM body in the log')
  for (let i = 0; i + 24 <= pemBody.length; i += 24) assert.ok(!log.includes(pemBody.slice(i, i + 24)), 'no piece of the PEM body in the log')
  assert.ok(!log.includes(d), 'no JWK d in the log')
  assert.ok(!log.includes('PRIVATE KEY'), 'no PEM armour in the log')

  // A repaired file and another SIGHUP: the ring reloads (the failure left no half state).
  writeFileSync(s.keysFile, original)
  hup(s)
  await until('a reload', () => logLines(s).some((l) => l.msg === 'key ring reloaded'))
  assert.deepEqual(await me(s, tokenA), { status: 200, code: undefined })
  assert.equal(await s.server.stop(), 0)
})
