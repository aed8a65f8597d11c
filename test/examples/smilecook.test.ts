// The smilecook example (examples/smilecook), driven with inject: the book's Postman calls
// (register, /token, /users/:username with and without a token, /me, /refresh, /revoke) with
// only the README's documented changes; optional vs required routes, fresh vs non-fresh,
// /revoke ending the access and the refresh token (also for a second process on the same
// database), a deleted user's token, bad input, pinned algorithms, `message`-keyed token
// errors, expiry under a frozen clock; and the real command, over HTTP.

import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildSmilecook, type Smilecook } from '../../examples/smilecook/app.js'
import { exampleConfig } from '../../examples/shared/config.js'
import { exampleEnv, expectStartFailure, spawnExample } from '../../examples/shared/spawn.js'
import { ManualClock } from '../../src/index.js'

const SECRET = 'smilecook-test-secret-at-least-32-bytes-long'
const JACK = { username: 'jack', email: 'jack@gmail.com', password: 'WkQa fish and chips' }
const ROSE = { username: 'rose', email: 'rose@gmail.com', password: 'titanic violin 1912' }

const temps: string[] = []
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'smilecook-'))
  temps.push(dir)
  return dir
}

function config(env: Record<string, string> = {}) {
  return exampleConfig(
    { name: 'smilecook', port: 3104 },
    { NODE_ENV: 'test', JWT_SECRET: SECRET, DATABASE_URL: 'sqlite::memory:', ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1', ...env },
  )
}

async function start(env: Record<string, string> = {}): Promise<Smilecook & { clock: ManualClock }> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1))
  return { ...(await buildSmilecook(config(env), { clock })), clock }
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
const body = (res: LightMyRequestResponse) => res.json() as Record<string, unknown>

async function register(app: FastifyInstance, user: typeof JACK): Promise<Record<string, unknown>> {
  const res = await app.inject({ method: 'POST', url: '/users', payload: user })
  assert.equal(res.statusCode, 201, res.body)
  return body(res)
}

async function token(app: FastifyInstance, user: typeof JACK): Promise<{ access_token: string; refresh_token: string }> {
  const res = await app.inject({ method: 'POST', url: '/token', payload: { email: user.email, password: user.password } })
  assert.equal(res.statusCode, 200, res.body)
  return res.json()
}

function claims(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
}

/** Asserts a refusal: status, code, and the message under `key`. */
function refused(res: LightMyRequestResponse, status: number, code: string, key?: string, message?: string): void {
  assert.equal(res.statusCode, status, res.body)
  const b = body(res)
  assert.equal(b.code, code, res.body)
  if (key !== undefined) assert.equal(b[key], message, res.body)
}

test("the book's Postman session: register, /token, the user page with and without a token, /me", async () => {
  const { app } = await start()
  const jack = await register(app, JACK)
  assert.deepEqual(Object.keys(jack).sort(), ['email', 'id', 'username'])
  assert.equal(jack.username, 'jack')
  const tokens = await token(app, JACK)
  assert.deepEqual(Object.keys(tokens).sort(), ['access_token', 'refresh_token'])

  // @jwt_optional: anyone gets id and username; the owner also email and friends.
  const anonymous = await app.inject({ url: '/users/jack' })
  assert.equal(anonymous.statusCode, 200)
  assert.deepEqual(body(anonymous), { id: jack.id, username: 'jack' })
  const owner = await app.inject({ url: '/users/jack', headers: bearer(tokens.access_token) })
  assert.deepEqual(body(owner), { id: jack.id, username: 'jack', email: 'jack@gmail.com', friends: [] })
  await register(app, ROSE)
  const rose = await token(app, ROSE)
  assert.deepEqual(body(await app.inject({ url: '/users/jack', headers: bearer(rose.access_token) })), { id: jack.id, username: 'jack' })

  const me = await app.inject({ url: '/me', headers: bearer(tokens.access_token) })
  assert.equal(me.statusCode, 200)
  assert.deepEqual(body(me), { id: jack.id, username: 'jack', email: 'jack@gmail.com', friends: [] })
  refused(await app.inject({ url: '/users/nobody' }), 404, 'USER_NOT_FOUND', 'msg', 'user not found')
  await app.close()
})

test('/me and /revoke need a token; token errors are keyed `message` (JWT_ERROR_MESSAGE_KEY) in Flask-JWT-Extended words', async () => {
  const { app } = await start()
  const missing = await app.inject({ url: '/me' })
  refused(missing, 401, 'TOKEN_MISSING', 'message', 'Missing Authorization Header')
  assert.equal(body(missing).msg, undefined)
  assert.match(String(missing.headers['www-authenticate']), /^Bearer/)
  refused(await app.inject({ method: 'POST', url: '/revoke' }), 401, 'TOKEN_MISSING', 'message', 'Missing Authorization Header')
  refused(await app.inject({ url: '/me', headers: { authorization: 'Token abc' } }), 401, 'TOKEN_SCHEME_INVALID')
  refused(await app.inject({ url: '/me', headers: bearer('not.a.token') }), 401, 'TOKEN_MALFORMED')
  // An optional route still refuses a token that is there but bad (as jwt_optional does).
  refused(await app.inject({ url: '/users/jack', headers: bearer('not.a.token') }), 401, 'TOKEN_MALFORMED')
  await app.close()
})

test('/token refusals: wrong password and unknown email alike, bad input a 4xx with a code, never a 500', async () => {
  const { app } = await start()
  await register(app, JACK)
  const wrong = await app.inject({ method: 'POST', url: '/token', payload: { email: JACK.email, password: 'not his password' } })
  refused(wrong, 401, 'INVALID_CREDENTIALS', 'msg', 'email or password is incorrect')
  refused(await app.inject({ method: 'POST', url: '/token', payload: { email: 'who@example.com', password: 'whatever it is' } }), 401, 'INVALID_CREDENTIALS', 'msg', 'email or password is incorrect')
  // The seed's request.get_json() was None for these, and json_data.get(...) a 500.
  refused(await app.inject({ method: 'POST', url: '/token' }), 400, 'VALIDATION_FAILED')
  refused(await app.inject({ method: 'POST', url: '/token', payload: { email: JACK.email } }), 400, 'VALIDATION_FAILED')
  assert.equal(body(await app.inject({ method: 'POST', url: '/token', payload: { email: JACK.email } })).field, 'password')
  refused(await app.inject({ method: 'POST', url: '/token', payload: [JACK.email] }), 400, 'VALIDATION_FAILED')
  refused(await app.inject({ method: 'POST', url: '/token', payload: { email: { $ne: '' }, password: 'x' } }), 400, 'VALIDATION_FAILED')
  const broken = await app.inject({ method: 'POST', url: '/token', headers: { 'content-type': 'application/json' }, payload: `{"email": "${JACK.email}", "password": "${JACK.password}` })
  refused(broken, 400, 'INVALID_JSON')
  assert.doesNotMatch(broken.body, /fish and chips/, 'the parser error does not echo the body')
  refused(await app.inject({ method: 'POST', url: '/token', headers: { 'content-type': 'text/xml' }, payload: '<a/>' }), 415, 'UNSUPPORTED_MEDIA_TYPE')
  refused(await app.inject({ url: '/nowhere' }), 404, 'ROUTE_NOT_FOUND')
  await app.close()
})

test('registration: passwords hashed with argon2id, duplicates refused with the book message, weak passwords and bad fields a 400', async () => {
  const { app, store } = await start()
  const jack = await register(app, JACK)
  const row = await store.findUserById(String(jack.id))
  assert.match(row!.passwordHash, /^\$argon2id\$/)
  refused(await app.inject({ method: 'POST', url: '/users', payload: { ...JACK, email: 'other@gmail.com' } }), 409, 'USERNAME_TAKEN', 'message', 'username already used')
  refused(await app.inject({ method: 'POST', url: '/users', payload: { ...JACK, username: 'jack2' } }), 409, 'EMAIL_TAKEN', 'message', 'email already used')
  refused(await app.inject({ method: 'POST', url: '/users', payload: { ...ROSE, password: 'password' } }), 400, 'PASSWORD_TOO_WEAK')
  refused(await app.inject({ method: 'POST', url: '/users', payload: { ...ROSE, username: 'rose with spaces' } }), 400, 'VALIDATION_FAILED')
  refused(await app.inject({ method: 'POST', url: '/users', payload: { ...ROSE, email: 'not-an-email' } }), 400, 'VALIDATION_FAILED')
  refused(await app.inject({ method: 'POST', url: '/users', payload: { username: 'rose' } }), 400, 'VALIDATION_FAILED')
  await app.close()
})

test('fresh vs non-fresh: /token gives a fresh access token, /refresh a non-fresh one that a fresh-only route refuses', async () => {
  const { app, clock } = await start()
  await register(app, JACK)
  const tokens = await token(app, JACK)
  assert.equal(claims(tokens.access_token).fresh, true)
  assert.equal(claims(tokens.access_token).type, 'access')
  assert.equal(claims(tokens.refresh_token).type, 'refresh')

  const refreshed = await app.inject({ method: 'POST', url: '/refresh', headers: bearer(tokens.refresh_token) })
  assert.equal(refreshed.statusCode, 200, refreshed.body)
  assert.deepEqual(Object.keys(body(refreshed)), ['access_token'])
  const stale = String(body(refreshed).access_token)
  assert.equal(claims(stale).fresh, false)
  assert.equal((await app.inject({ url: '/me', headers: bearer(stale) })).statusCode, 200)

  const change = { current_password: JACK.password, new_password: 'a brand new fish supper' }
  refused(await app.inject({ method: 'PUT', url: '/me/password', headers: bearer(stale), payload: change }), 401, 'TOKEN_NOT_FRESH', 'message', 'Fresh token required')
  const wrong = { ...change, current_password: 'not his password' }
  refused(await app.inject({ method: 'PUT', url: '/me/password', headers: bearer(tokens.access_token), payload: wrong }), 403, 'PASSWORD_INCORRECT')
  const other = await token(app, JACK)
  assert.equal((await app.inject({ method: 'PUT', url: '/me/password', headers: bearer(tokens.access_token), payload: change })).statusCode, 204)
  refused(await app.inject({ url: '/me', headers: bearer(other.access_token) }), 401, 'TOKEN_REVOKED', 'message', 'Token has been revoked')
  assert.equal((await app.inject({ method: 'POST', url: '/token', payload: { email: JACK.email, password: change.new_password } })).statusCode, 200)

  // The client keeps its one refresh token, as with Flask-JWT-Extended: no rotation, no reuse alarm.
  clock.advance(60_000)
  const again = await app.inject({ method: 'POST', url: '/refresh', headers: bearer(tokens.refresh_token) })
  assert.equal(again.statusCode, 200, again.body)

  // Each route takes its own type of token.
  refused(await app.inject({ method: 'POST', url: '/refresh', headers: bearer(tokens.access_token) }), 401, 'TOKEN_TYPE_INVALID', 'message', 'Only refresh tokens are allowed')
  refused(await app.inject({ url: '/me', headers: bearer(tokens.refresh_token) }), 401, 'TOKEN_TYPE_INVALID', 'message', 'Only non-refresh tokens are allowed')
  refused(await app.inject({ method: 'POST', url: '/refresh' }), 401, 'TOKEN_MISSING', 'message', 'Missing Authorization Header')
  await app.close()
})

test('/revoke ends the session: its access token, its refresh token and what was refreshed from it; other logins stay', async () => {
  const { app } = await start()
  await register(app, JACK)
  const phone = await token(app, JACK)
  const laptop = await token(app, JACK)
  const refreshed = String(body(await app.inject({ method: 'POST', url: '/refresh', headers: bearer(phone.refresh_token) })).access_token)

  const revoke = await app.inject({ method: 'POST', url: '/revoke', headers: bearer(phone.access_token) })
  assert.equal(revoke.statusCode, 200)
  assert.deepEqual(body(revoke), { msg: 'Successfully logged out' })

  refused(await app.inject({ url: '/me', headers: bearer(phone.access_token) }), 401, 'TOKEN_REVOKED', 'message', 'Token has been revoked')
  refused(await app.inject({ method: 'POST', url: '/refresh', headers: bearer(phone.refresh_token) }), 401, 'TOKEN_REVOKED', 'message', 'Token has been revoked')
  refused(await app.inject({ url: '/me', headers: bearer(refreshed) }), 401, 'TOKEN_REVOKED')
  // The optional route refuses a revoked token too, rather than answering as if anonymous.
  refused(await app.inject({ url: '/users/jack', headers: bearer(phone.access_token) }), 401, 'TOKEN_REVOKED')

  assert.equal((await app.inject({ url: '/me', headers: bearer(laptop.access_token) })).statusCode, 200)
  assert.equal((await app.inject({ method: 'POST', url: '/refresh', headers: bearer(laptop.refresh_token) })).statusCode, 200)
  await app.close()
})

test('/revoke is kept in the database, not in a process: a second process on the same file refuses both tokens', async () => {
  const dir = tempDir()
  const env = { DATABASE_URL: `sqlite:${join(dir, 'smilecook.db')}`, INVALIDATION_POLL_MS: '20', INVALIDATION_MAX_LAG_MS: '200' }
  const a = await start(env)
  const b = await start(env)
  try {
    await register(a.app, JACK)
    const tokens = await token(a.app, JACK)
    // b has seen (and admitted) the session before the revocation.
    assert.equal((await b.app.inject({ url: '/me', headers: bearer(tokens.access_token) })).statusCode, 200)
    assert.equal((await a.app.inject({ method: 'POST', url: '/revoke', headers: bearer(tokens.access_token) })).statusCode, 200)
    // b learns it from the database's event log within INVALIDATION_MAX_LAG_MS.
    const deadline = Date.now() + 2000
    let me = await b.app.inject({ url: '/me', headers: bearer(tokens.access_token) })
    while (me.statusCode === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25))
      me = await b.app.inject({ url: '/me', headers: bearer(tokens.access_token) })
    }
    refused(me, 401, 'TOKEN_REVOKED')
    refused(await b.app.inject({ method: 'POST', url: '/refresh', headers: bearer(tokens.refresh_token) }), 401, 'TOKEN_REVOKED')
  } finally {
    await a.app.close()
    await b.app.close()
  }
})

test("a deleted user's tokens are refused, their page is gone, and they leave their friends' lists", async () => {
  const { app, auth } = await start()
  await register(app, JACK)
  const rose = await register(app, ROSE)
  const jack = await token(app, JACK)
  const roseTokens = await token(app, ROSE)
  const added = await app.inject({ method: 'POST', url: '/me/friends', headers: bearer(jack.access_token), payload: { username: 'rose' } })
  assert.equal(added.statusCode, 200, added.body)
  assert.deepEqual(body(added).friends, ['rose'])

  await auth.admin.deleteUser(String(rose.id))
  refused(await app.inject({ url: '/me', headers: bearer(roseTokens.access_token) }), 401, 'TOKEN_REVOKED')
  refused(await app.inject({ method: 'POST', url: '/refresh', headers: bearer(roseTokens.refresh_token) }), 401, 'TOKEN_REVOKED')
  refused(await app.inject({ url: '/users/rose' }), 404, 'USER_NOT_FOUND', 'msg', 'user not found')
  assert.deepEqual(body(await app.inject({ url: '/me', headers: bearer(jack.access_token) })).friends, [])
  await app.close()
})

test('friends: added once, removed, never oneself or a stranger', async () => {
  const { app } = await start()
  await register(app, JACK)
  await register(app, ROSE)
  const jack = await token(app, JACK)
  const add = () => app.inject({ method: 'POST', url: '/me/friends', headers: bearer(jack.access_token), payload: { username: 'rose' } })
  await add()
  assert.deepEqual(body(await add()).friends, ['rose'], 'adding twice changes nothing')
  assert.deepEqual(body(await app.inject({ url: '/users/jack', headers: bearer(jack.access_token) })).friends, ['rose'])
  refused(await app.inject({ method: 'POST', url: '/me/friends', headers: bearer(jack.access_token), payload: { username: 'jack' } }), 400, 'VALIDATION_FAILED')
  refused(await app.inject({ method: 'POST', url: '/me/friends', headers: bearer(jack.access_token), payload: { username: 'nobody' } }), 404, 'USER_NOT_FOUND', 'msg', 'user not found')
  refused(await app.inject({ method: 'POST', url: '/me/friends', payload: { username: 'rose' } }), 401, 'TOKEN_MISSING')
  const removed = await app.inject({ method: 'DELETE', url: '/me/friends/rose', headers: bearer(jack.access_token) })
  assert.deepEqual(body(removed).friends, [])
  await app.close()
})

test('tokens expire under a frozen clock: the access token after ACCESS_TOKEN_TTL, the refresh token after REFRESH_TOKEN_TTL', async () => {
  const { app, clock } = await start()
  await register(app, JACK)
  const tokens = await token(app, JACK)
  clock.advance(15 * 60_000 - 1000)
  assert.equal((await app.inject({ url: '/me', headers: bearer(tokens.access_token) })).statusCode, 200)
  clock.advance(1000)
  refused(await app.inject({ url: '/me', headers: bearer(tokens.access_token) }), 401, 'TOKEN_EXPIRED', 'message', 'Token has expired')
  const refreshed = await app.inject({ method: 'POST', url: '/refresh', headers: bearer(tokens.refresh_token) })
  assert.equal(refreshed.statusCode, 200)
  assert.equal((await app.inject({ url: '/me', headers: bearer(String(body(refreshed).access_token)) })).statusCode, 200)
  // The seed's refresh token had no expiry; this one lives REFRESH_TOKEN_TTL (30 days), and /refresh does not extend it.
  clock.advance(30 * 86_400_000)
  refused(await app.inject({ method: 'POST', url: '/refresh', headers: bearer(tokens.refresh_token) }), 401, 'TOKEN_EXPIRED')
  await app.close()
})

test('algorithms are pinned: alg none, another HMAC algorithm, and a token without exp are refused', async () => {
  const { app } = await start()
  await register(app, JACK)
  const real = claims((await token(app, JACK)).access_token)
  const sign = (header: object, payload: object, alg = 'sha256') => {
    const h = Buffer.from(JSON.stringify(header)).toString('base64url')
    const p = Buffer.from(JSON.stringify(payload)).toString('base64url')
    return `${h}.${p}.${createHmac(alg, SECRET).update(`${h}.${p}`).digest('base64url')}`
  }
  // The same claims re-signed by hand with the secret pass: what follows fails for its one change.
  assert.equal((await app.inject({ url: '/me', headers: bearer(sign({ alg: 'HS256', typ: 'JWT' }, real)) })).statusCode, 200)
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(real)).toString('base64url')}.`
  refused(await app.inject({ url: '/me', headers: bearer(none) }), 401, 'TOKEN_ALGORITHM_INVALID')
  refused(await app.inject({ url: '/me', headers: bearer(sign({ alg: 'HS512', typ: 'JWT' }, real, 'sha512')) }), 401, 'TOKEN_ALGORITHM_INVALID')
  const { exp: _exp, ...noExp } = real
  refused(await app.inject({ url: '/me', headers: bearer(sign({ alg: 'HS256', typ: 'JWT' }, noExp)) }), 401, 'TOKEN_CLAIM_INVALID')
  // What Flask-JWT-Extended 3 would sign with the same secret has no session (sid) behind it: refused.
  const { sid: _sid, ...flask } = real
  refused(await app.inject({ url: '/me', headers: bearer(sign({ alg: 'HS256', typ: 'JWT' }, flask)) }), 401, 'TOKEN_CLAIM_INVALID')
  await app.close()
})

test('npm run example:smilecook: starts with no setup, keeps its development secret, and answers over HTTP', { timeout: 180_000 }, async () => {
  const dataDir = tempDir()
  const env = exampleEnv({ PORT: '0', DATA_DIR: dataDir })
  const server = await spawnExample('smilecook', env)
  let tokens: { access_token: string; refresh_token: string }
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/)
    assert.match(server.output(), /generated a development secret/)
    assert.equal(statSync(join(dataDir, 'jwt-secret')).mode & 0o777, 0o600)
    assert.ok(statSync(join(dataDir, 'tokenwarden.db')).isFile(), 'SQLite under DATA_DIR')
    const json = { 'content-type': 'application/json' }
    const created = await fetch(`${server.url}/users`, { method: 'POST', headers: json, body: JSON.stringify(JACK) })
    assert.equal(created.status, 201)
    const login = await fetch(`${server.url}/token`, { method: 'POST', headers: json, body: JSON.stringify({ email: JACK.email, password: JACK.password }) })
    assert.equal(login.status, 200)
    assert.equal(login.headers.get('cache-control'), 'no-store')
    tokens = (await login.json()) as typeof tokens
    const me = await fetch(`${server.url}/me`, { headers: bearer(tokens.access_token) })
    assert.equal(me.status, 200)
    assert.equal(((await me.json()) as { email: string }).email, JACK.email)
    assert.equal((await fetch(`${server.url}/me`)).status, 401)
  } finally {
    await server.stop()
  }
  const secret = readFileSync(join(dataDir, 'jwt-secret'), 'utf8')
  // Started again on the same DATA_DIR: the same secret, the same users, the token still good.
  const again = await spawnExample('smilecook', env)
  try {
    assert.doesNotMatch(again.output(), /generated a development secret/)
    assert.equal(readFileSync(join(dataDir, 'jwt-secret'), 'utf8'), secret)
    assert.equal((await fetch(`${again.url}/me`, { headers: bearer(tokens.access_token) })).status, 200)
  } finally {
    await again.stop()
  }
})

test('NODE_ENV=production without JWT_SECRET: refuses to start, naming the variable', { timeout: 120_000 }, async () => {
  const dataDir = tempDir()
  const failure = await expectStartFailure('smilecook', exampleEnv({ PORT: '0', DATA_DIR: dataDir, NODE_ENV: 'production' }))
  assert.equal(failure.code, 2)
  assert.match(failure.output, /^smilecook: configuration error: JWT_SECRET: is required when NODE_ENV=production/m)
  assert.throws(() => statSync(join(dataDir, 'jwt-secret')), /ENOENT/, 'no development secret in production')
})
