// The flask-tutorials example (examples/flask-tutorials), driven with inject: each tutorial's
// own client calls (its form login, curl -u, HTTPie sessions) with only the README's documented
// changes (a prefix per tutorial, real accounts instead of hard-coded passwords); public vs
// `?token=` vs Bearer routes, automatic user loading and a deleted user's token, each
// tutorial's error keys and words, bad input, the tutorial's own unsafe tokens refused, expiry
// under a frozen clock; the secret command; and the real command over HTTP.

import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildFlaskTutorials, type FlaskTutorials } from '../../examples/flask-tutorials/app.js'
import { DEFAULT_BYTES, generateSecret, MIN_BYTES } from '../../examples/flask-tutorials/secret.js'
import { SEED_USERS } from '../../examples/flask-tutorials/seed.js'
import { exampleConfig } from '../../examples/shared/config.js'
import { exampleEnv, expectStartFailure, runScript, spawnExample } from '../../examples/shared/spawn.js'
import { ManualClock } from '../../src/index.js'

const SECRET = 'flask-tutorials-test-secret-of-32-bytes-or-more'
const [BATMAN, PANTHER] = SEED_USERS as [typeof SEED_USERS[number], typeof SEED_USERS[number]]

const temps: string[] = []
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true })
})

async function start(): Promise<FlaskTutorials & { clock: ManualClock }> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1))
  const config = exampleConfig(
    { name: 'flask-tutorials', port: 3103 },
    { NODE_ENV: 'test', JWT_SECRET: SECRET, DATABASE_URL: 'sqlite::memory:', ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1' },
  )
  return { ...(await buildFlaskTutorials(config, { clock, seed: true })), clock }
}

const body = (res: LightMyRequestResponse) => res.json() as Record<string, unknown>
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` })
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

function refused(res: LightMyRequestResponse, status: number, code: string, key?: string, message?: string): void {
  assert.equal(res.statusCode, status, res.body)
  assert.equal(body(res).code, code, res.body)
  if (key !== undefined) assert.equal(body(res)[key], message, res.body)
}

/** `http POST :5000/login username=... password=...` against tutorial 3 or 4. */
async function jsonLogin(app: FastifyInstance, prefix: string, user: { username: string; password: string }): Promise<string> {
  const res = await app.inject({ method: 'POST', url: `${prefix}/login`, payload: { username: user.username, password: user.password } })
  assert.equal(res.statusCode, 200, res.body)
  assert.deepEqual(Object.keys(body(res)), ['access_token'])
  return String(body(res).access_token)
}

test('tutorial 1: the login page, a public route, a form login answering {token}, the token in ?token=, the login remembered by the home page', async () => {
  const { app } = await start()
  const home = await app.inject({ url: '/t1/' })
  assert.equal(home.statusCode, 200)
  assert.match(String(home.headers['content-type']), /^text\/html/)
  assert.match(home.body, /<form action="\/t1\/login" method="post">/)
  const pub = await app.inject({ url: '/t1/public' })
  assert.equal(pub.body, 'For Public')

  const login = await app.inject({ method: 'POST', url: '/t1/login', payload: `username=batman&password=${encodeURIComponent(BATMAN.password)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  assert.equal(login.statusCode, 200, login.body)
  assert.deepEqual(Object.keys(body(login)), ['token'])
  assert.equal(login.headers['cache-control'], 'no-store')
  const token = String(body(login).token)
  const cookie = login.cookies.find((c) => c.name === 'access_token_cookie')
  assert.ok(cookie?.httpOnly, 'the login cookie is HttpOnly')
  assert.equal(cookie.sameSite, 'Lax')

  const dashboard = await app.inject({ url: `/t1/auth?token=${token}` })
  assert.equal(dashboard.statusCode, 200)
  assert.equal(dashboard.body, 'JWT is verified. Welcome to your dashboard!')
  assert.equal((await app.inject({ url: '/t1/', cookies: { access_token_cookie: cookie.value } })).body, 'Logged in currently!')
  await app.close()
})

test("tutorial 1's refusals: 401 with the tutorial's Alert words and a code, where the tutorial answered 200", async () => {
  const { app } = await start()
  refused(await app.inject({ url: '/t1/auth' }), 401, 'TOKEN_MISSING', 'Alert', 'Token is missing!')
  refused(await app.inject({ url: '/t1/auth?token=nonsense' }), 401, 'TOKEN_MALFORMED', 'Alert', 'Invalid Token!')
  const form = { 'content-type': 'application/x-www-form-urlencoded' }
  // The tutorial let anyone in with password23, whatever the username.
  refused(await app.inject({ method: 'POST', url: '/t1/login', headers: form, payload: 'username=batman&password=password23' }), 401, 'INVALID_CREDENTIALS', 'Alert', 'Unable to verify')
  refused(await app.inject({ method: 'POST', url: '/t1/login', headers: form, payload: 'username=anyone&password=password23' }), 401, 'INVALID_CREDENTIALS', 'Alert', 'Unable to verify')
  refused(await app.inject({ method: 'POST', url: '/t1/login', headers: form, payload: 'username=batman' }), 400, 'VALIDATION_FAILED')
  refused(await app.inject({ method: 'POST', url: '/t1/login' }), 400, 'VALIDATION_FAILED')
  // A form posted from another site (login CSRF) is refused before the password is checked.
  const crossSite = await app.inject({ method: 'POST', url: '/t1/login', headers: { ...form, 'sec-fetch-site': 'cross-site' }, payload: `username=batman&password=${encodeURIComponent(BATMAN.password)}` })
  refused(crossSite, 401, 'CSRF_FAILED')
  assert.equal(crossSite.cookies.length, 0)
  // A bad cookie shows the login page again, as an empty Flask session did.
  assert.match((await app.inject({ url: '/t1/', cookies: { access_token_cookie: 'nonsense' } })).body, /<form/)
  await app.close()
})

test("tutorial 2's curl session: /unprotected, curl -u to GET /login, ?token= on /protected", async () => {
  const { app } = await start()
  assert.deepEqual(body(await app.inject({ url: '/t2/unprotected' })), { message: 'Anyone can view this!' })

  const login = await app.inject({ url: '/t2/login', headers: basic('panther', PANTHER.password) })
  assert.equal(login.statusCode, 200, login.body)
  assert.deepEqual(Object.keys(body(login)), ['token'])
  const token = String(body(login).token)
  const protectedRes = await app.inject({ url: `/t2/protected?token=${encodeURIComponent(token)}` })
  assert.equal(protectedRes.statusCode, 200)
  assert.deepEqual(body(protectedRes), { message: 'This is only available for people with valid tokens.' })

  refused(await app.inject({ url: '/t2/protected' }), 401, 'TOKEN_MISSING', 'message', 'Token is missing!')
  refused(await app.inject({ url: '/t2/protected?token=abc' }), 401, 'TOKEN_MALFORMED', 'message', 'Token is invalid')
  // The token goes in ?token= on this route, as in the tutorial; a header is not looked at.
  refused(await app.inject({ url: '/t2/protected', headers: bearer(token) }), 401, 'TOKEN_MISSING', 'message', 'Token is missing!')
  await app.close()
})

test("tutorial 2's login refusals: 401 'Could not verify' with the Basic challenge, garbage a 400", async () => {
  const { app } = await start()
  for (const headers of [{}, basic('panther', 'password'), basic('nobody', 'password'), bearer('abc')]) {
    const res = await app.inject({ url: '/t2/login', headers })
    refused(res, 401, 'INVALID_CREDENTIALS', 'message', 'Could not verify')
    assert.equal(res.headers['www-authenticate'], 'Basic realm="Login Required", charset="UTF-8"')
  }
  refused(await app.inject({ url: '/t2/login', headers: { authorization: `Basic ${Buffer.from('no colon').toString('base64')}` } }), 400, 'VALIDATION_FAILED')
  await app.close()
})

test("tutorial 3's HTTPie session: /protected without a token, POST /login, /protected with Authorization: Bearer", async () => {
  const { app } = await start()
  // $ http GET :5000/protected
  refused(await app.inject({ url: '/t3/protected' }), 401, 'TOKEN_MISSING', 'msg', 'Missing Authorization Header')
  // $ http POST :5000/login username=test password=test (batman and his password here)
  const jwt = await jsonLogin(app, '/t3', BATMAN)
  // $ http GET :5000/protected Authorization:"Bearer $JWT"
  const res = await app.inject({ url: '/t3/protected', headers: bearer(jwt) })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(body(res), { message: 'Protected endpoint accessed by batman', logged_in_as: 'batman' })

  refused(await app.inject({ method: 'POST', url: '/t3/login', payload: { username: 'valid_user', password: 'valid_password' } }), 401, 'INVALID_CREDENTIALS', 'message', 'Invalid username or password')
  refused(await app.inject({ url: '/t3/protected', headers: { authorization: jwt } }), 401, 'TOKEN_SCHEME_INVALID', 'msg', "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'")
  // request.json.get(...) on a missing or non-JSON body was a 500 or an HTML 400.
  refused(await app.inject({ method: 'POST', url: '/t3/login' }), 400, 'VALIDATION_FAILED')
  refused(await app.inject({ method: 'POST', url: '/t3/login', payload: { username: 'batman' } }), 400, 'VALIDATION_FAILED')
  refused(await app.inject({ method: 'POST', url: '/t3/login', payload: ['batman'] }), 400, 'VALIDATION_FAILED')
  refused(await app.inject({ method: 'POST', url: '/t3/login', headers: { 'content-type': 'application/json' }, payload: '{"username": "batman", ' }), 400, 'INVALID_JSON')
  refused(await app.inject({ method: 'POST', url: '/t3/login', headers: { 'content-type': 'text/plain' }, payload: 'batman' }), 415, 'UNSUPPORTED_MEDIA_TYPE')
  refused(await app.inject({ method: 'POST', url: '/t3/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'username=batman' }), 415, 'UNSUPPORTED_MEDIA_TYPE')
  await app.close()
})

test("tutorial 4's HTTPie session: POST /login as panther, /who_am_i loads the account and its full name", async () => {
  const { app } = await start()
  const jwt = await jsonLogin(app, '/t4', PANTHER)
  const res = await app.inject({ url: '/t4/who_am_i', headers: bearer(jwt) })
  assert.equal(res.statusCode, 200)
  const me = body(res)
  assert.deepEqual(Object.keys(me), ['id', 'full_name', 'username'])
  assert.equal(me.full_name, 'Ann Takamaki')
  assert.equal(me.username, 'panther')
  assert.equal(me.id, JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()).sub, 'the token names the account by id')
  // The tutorial's User.check_password compared with "password" for everyone.
  refused(await app.inject({ method: 'POST', url: '/t4/login', payload: { username: 'panther', password: 'password' } }), 401, 'INVALID_CREDENTIALS', 'msg', 'Wrong username or password')
  refused(await app.inject({ url: '/t4/who_am_i' }), 401, 'TOKEN_MISSING', 'msg', 'Missing Authorization Header')
  await app.close()
})

test("a deleted user's token is refused on every tutorial's routes; the others' tokens still work", async () => {
  const { app, auth } = await start()
  const t4 = await jsonLogin(app, '/t4', PANTHER)
  const t3 = await jsonLogin(app, '/t3', PANTHER)
  const t2 = String(body(await app.inject({ url: '/t2/login', headers: basic('panther', PANTHER.password) })).token)
  const batman = await jsonLogin(app, '/t4', BATMAN)
  const panther = await auth.accounts.findByUsername('panther')
  await auth.admin.deleteUser(panther!.id)
  // Deleting the account ends its sessions first: the guard refuses the token before loading the user.
  refused(await app.inject({ url: '/t4/who_am_i', headers: bearer(t4) }), 401, 'TOKEN_REVOKED', 'msg', 'Token has been revoked')
  refused(await app.inject({ url: '/t3/protected', headers: bearer(t3) }), 401, 'TOKEN_REVOKED')
  refused(await app.inject({ url: `/t2/protected?token=${t2}` }), 401, 'TOKEN_REVOKED', 'message', 'Token is invalid')
  refused(await app.inject({ method: 'POST', url: '/t4/login', payload: { username: 'panther', password: PANTHER.password } }), 401, 'INVALID_CREDENTIALS')
  assert.equal(body(await app.inject({ url: '/t4/who_am_i', headers: bearer(batman) })).username, 'batman')
  await app.close()
})

test("the tutorials' own tokens are refused: no exp (tutorial 1's 'expiration' string), another algorithm, no session", async () => {
  const { app } = await start()
  const sign = (header: object, payload: object, alg = 'sha256') => {
    const h = Buffer.from(JSON.stringify(header)).toString('base64url')
    const p = Buffer.from(JSON.stringify(payload)).toString('base64url')
    return `${h}.${p}.${createHmac(alg, SECRET).update(`${h}.${p}`).digest('base64url')}`
  }
  const real = JSON.parse(Buffer.from((await jsonLogin(app, '/t4', BATMAN)).split('.')[1]!, 'base64url').toString()) as Record<string, unknown>
  // Re-signed by hand, the real claims pass: each token below fails for its one change.
  assert.equal((await app.inject({ url: '/t4/who_am_i', headers: bearer(sign({ alg: 'HS256', typ: 'JWT' }, real)) })).statusCode, 200)
  // jwt.encode({'user': ..., 'expiration': str(datetime.utcnow() + timedelta(seconds=120))}, SECRET_KEY): valid forever in the tutorial.
  const tutorial1 = sign({ alg: 'HS256', typ: 'JWT' }, { user: 'batman', expiration: '2026-01-01 00:02:00.000000' })
  refused(await app.inject({ url: `/t1/auth?token=${tutorial1}` }), 401, 'TOKEN_CLAIM_INVALID', 'Alert', 'Invalid Token!')
  const { exp: _exp, ...noExp } = real
  refused(await app.inject({ url: '/t4/who_am_i', headers: bearer(sign({ alg: 'HS256', typ: 'JWT' }, noExp)) }), 401, 'TOKEN_CLAIM_INVALID')
  refused(await app.inject({ url: '/t4/who_am_i', headers: bearer(sign({ alg: 'HS512', typ: 'JWT' }, real, 'sha512')) }), 401, 'TOKEN_ALGORITHM_INVALID')
  const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(real)).toString('base64url')}.`
  refused(await app.inject({ url: `/t2/protected?token=${none}` }), 401, 'TOKEN_ALGORITHM_INVALID', 'message', 'Token is invalid')
  // Flask-JWT-Extended's token for the same user, signed with the same secret, has no session behind it.
  const { sid: _sid, ...flask } = real
  refused(await app.inject({ url: '/t4/who_am_i', headers: bearer(sign({ alg: 'HS256', typ: 'JWT' }, flask)) }), 401, 'TOKEN_CLAIM_INVALID')
  await app.close()
})

test('tokens expire under a frozen clock (ACCESS_TOKEN_TTL, 15 minutes), and the home page forgets the login', async () => {
  const { app, clock } = await start()
  const t2 = String(body(await app.inject({ url: '/t2/login', headers: basic('batman', BATMAN.password) })).token)
  const t4 = await jsonLogin(app, '/t4', BATMAN)
  const form = await app.inject({ method: 'POST', url: '/t1/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `username=batman&password=${encodeURIComponent(BATMAN.password)}` })
  const cookie = form.cookies.find((c) => c.name === 'access_token_cookie')!
  assert.equal(cookie.maxAge, 900, 'the cookie lives as long as its token')
  clock.advance(15 * 60_000 - 1000)
  assert.equal((await app.inject({ url: `/t2/protected?token=${t2}` })).statusCode, 200)
  assert.equal((await app.inject({ url: '/t4/who_am_i', headers: bearer(t4) })).statusCode, 200)
  clock.advance(1000)
  refused(await app.inject({ url: `/t2/protected?token=${t2}` }), 401, 'TOKEN_EXPIRED', 'message', 'Token is invalid')
  refused(await app.inject({ url: '/t4/who_am_i', headers: bearer(t4) }), 401, 'TOKEN_EXPIRED', 'msg', 'Token has expired')
  assert.match((await app.inject({ url: '/t1/', cookies: { access_token_cookie: cookie.value } })).body, /<form/)
  await app.close()
})

test('accounts come from the tutorial, hashed with argon2id, added once', async () => {
  const { app, auth, store } = await start()
  for (const seed of SEED_USERS) {
    const user = await auth.accounts.findByUsername(seed.username)
    assert.ok(user, seed.username)
    assert.match((await store.findUserById(user.id))!.passwordHash, /^\$argon2id\$/)
  }
  assert.equal((await auth.admin.listUsers()).total, SEED_USERS.length)
  await app.close()
})

test('the secret step: at least 32 random bytes, in the encodings the tutorial showed', async () => {
  assert.equal(Buffer.from(generateSecret(), 'base64url').length, DEFAULT_BYTES)
  assert.match(generateSecret(32, 'hex'), /^[0-9a-f]{64}$/)
  assert.notEqual(generateSecret(), generateSecret())
  assert.throws(() => generateSecret(12), RangeError, "the tutorial's os.urandom(12) is too short for HS256")
  assert.throws(() => generateSecret(MIN_BYTES - 1), RangeError)
})

test('the secret command, then the example started with it by its real command: login and ?token= over HTTP, the token masked in the log', { timeout: 180_000 }, async () => {
  const made = await runScript('examples/flask-tutorials/secret.ts', ['--env'])
  assert.equal(made.code, 0, made.output)
  const line = /^JWT_SECRET=([A-Za-z0-9_-]{64})$/m.exec(made.output)
  assert.ok(line, made.output)
  const tooShort = await runScript('examples/flask-tutorials/secret.ts', ['--bytes', '12'])
  assert.equal(tooShort.code, 2)
  assert.match(tooShort.output, /--bytes must be a whole number from 32/)

  const dataDir = mkdtempSync(join(tmpdir(), 'flask-tutorials-'))
  temps.push(dataDir)
  const server = await spawnExample('flask-tutorials', exampleEnv({ PORT: '0', DATA_DIR: dataDir, JWT_SECRET: line[1]!, LOG_LEVEL: 'info' }))
  try {
    assert.doesNotMatch(server.output(), /generated a development secret/)
    assert.throws(() => statSync(join(dataDir, 'jwt-secret')), /ENOENT/, 'JWT_SECRET given: no file')
    const login = await fetch(`${server.url}/t2/login`, { headers: basic('batman', BATMAN.password) })
    assert.equal(login.status, 200)
    const { token } = (await login.json()) as { token: string }
    // Signed with the secret the command printed.
    const [h, p, s] = token.split('.')
    assert.equal(createHmac('sha256', line[1]!).update(`${h}.${p}`).digest('base64url'), s)
    const res = await fetch(`${server.url}/t2/protected?token=${token}`)
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { message: 'This is only available for people with valid tokens.' })
    assert.equal((await fetch(`${server.url}/t2/protected`)).status, 401)
    const who = await fetch(`${server.url}/t4/who_am_i`, { headers: bearer(token) })
    assert.equal(((await who.json()) as { full_name: string }).full_name, 'Bruce Wayne')
  } finally {
    await server.stop()
  }
  const log = server.output()
  assert.match(log, /\/t2\/protected\?token=\[REDACTED\]/, 'the request was logged')
  assert.doesNotMatch(log, /eyJ/, 'no token in the log')
  assert.doesNotMatch(log, /wayne manor/, 'no password in the log')
})

test('NODE_ENV=production without JWT_SECRET: refuses to start, naming the variable; a short JWT_SECRET too', { timeout: 120_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'flask-tutorials-'))
  temps.push(dataDir)
  const production = await expectStartFailure('flask-tutorials', exampleEnv({ PORT: '0', DATA_DIR: dataDir, NODE_ENV: 'production' }))
  assert.equal(production.code, 2)
  assert.match(production.output, /^flask-tutorials: configuration error: JWT_SECRET: is required when NODE_ENV=production/m)
  assert.throws(() => statSync(join(dataDir, 'jwt-secret')), /ENOENT/, 'no development secret in production')
  // Tutorial 4's "super-secret": too short for HS256.
  const short = await expectStartFailure('flask-tutorials', exampleEnv({ PORT: '0', DATA_DIR: dataDir, JWT_SECRET: 'super-secret' }))
  assert.equal(short.code, 2)
  assert.match(short.output, /^flask-tutorials: configuration error: JWT_SECRET: must be at least 32 bytes/m)
})
