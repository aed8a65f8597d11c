// The cybermooc example, driven with inject: the tutorial's HTTPie calls (signup, login, the
// token in Authorization), its "<field> is empty" checks, one answer for a wrong username or
// password, the roles of parts 6 and 7 (403 ROLE_REQUIRED), a Flask user with a flask-bcrypt
// hash logging in and leaving with an argon2id one, the tutorial's 48-hour expiry under a
// frozen clock, SECRET_KEY from .env; then the real commands: `tokenwarden users import` of the
// Flask users and the example over HTTP.

import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import Database from 'better-sqlite3'
import type { FastifyInstance, InjectOptions } from 'fastify'
import { buildCybermooc, cybermoocConfig } from '../../examples/cybermooc/app.js'
import { loadEnv } from '../../examples/shared/config.js'
import { exampleEnv, REPO_ROOT, runScript, spawnExample } from '../../examples/shared/spawn.js'
import { ConfigError, type KyselyStore } from '../../src/index.js'
import { ManualClock } from '../../src/core/clock.js'

const SECRET_KEY = 'cybermooc-example-test-secret-key-32-bytes+'
const START = Date.UTC(2026, 0, 1)
const JSON_HEADERS = { 'content-type': 'application/json' }
const FAST_ARGON2 = { ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1' }
// The tutorial's signup, with the one documented change: "test_user" is the email's own name.
const TUTORIAL_SIGNUP = { username: 'testuser', password: 'test_user', email: 'test_user@mail.com' }
const SIGNUP = { ...TUTORIAL_SIGNUP, username: 'gregoire', email: 'gregoire@mail.com', password: 'correct horse battery staple' }

/** The Flask app's users, as examples/cybermooc/flask-users.jsonl exports them (flask-bcrypt hashes). */
const FLASK_USERS = readFileSync(join(REPO_ROOT, 'examples/cybermooc/flask-users.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line) as { id: string; email: string; username: string; password_hash: string; roles: string[] })

async function start(env: Record<string, string> = {}, clock = new ManualClock(START)) {
  const config = cybermoocConfig({ SECRET_KEY, DATABASE_URL: 'sqlite::memory:', NODE_ENV: 'test', ...FAST_ARGON2, ...env }, tmpdir())
  return { ...(await buildCybermooc(config, { clock })), clock }
}

/** What `tokenwarden users import examples/cybermooc/flask-users.jsonl` writes (the last test runs the command itself). */
async function importFlaskUsers(store: KyselyStore): Promise<void> {
  for (const u of FLASK_USERS) {
    const created = await store.createUser({ id: u.id, email: u.email, username: u.username, passwordHash: u.password_hash, roles: u.roles, createdAt: new Date(START).toISOString() })
    assert.ok(created.ok)
  }
}

const post = (app: FastifyInstance, url: string, payload: unknown) => app.inject({ method: 'POST', url: `/api/v1${url}`, payload: payload as object, headers: JSON_HEADERS })
/** The tutorial's client: `Authorization: <token>`, no scheme. */
const get = (app: FastifyInstance, url: string, token?: string) => app.inject({ url: `/api/v1${url}`, headers: token === undefined ? {} : { authorization: token } })

async function login(app: FastifyInstance, username: string, password: string): Promise<string> {
  const res = await post(app, '/users/login', { username, password })
  assert.equal(res.statusCode, 200, res.body)
  assert.deepEqual(Object.keys(res.json()), ['token'])
  return res.json().token as string
}

test("the tutorial's HTTPie calls: signup, login answers { token }, the token opens /need_login", async () => {
  const { app, store } = await start()
  assert.equal((await get(app, '/')).body, 'Hello, World!')
  const weak = await post(app, '/users/signup', TUTORIAL_SIGNUP)
  assert.equal(weak.statusCode, 400, 'the tutorial\'s password is its email\'s own name (documented change)')
  assert.equal(weak.json().code, 'PASSWORD_TOO_WEAK')

  const signup = await post(app, '/users/signup', SIGNUP)
  assert.equal(signup.statusCode, 200)
  assert.deepEqual(signup.json(), { msg: 'welcome :-)' })
  assert.match((await store.findUserByUsername('gregoire'))!.passwordHash, /^\$argon2id\$/)

  const token = await login(app, SIGNUP.username, SIGNUP.password)
  const res = await get(app, '/need_login', token)
  assert.equal(res.statusCode, 200)
  assert.equal(res.body, 'if you see this, that means your token is valid')
  await app.close()
})

test('the tutorial\'s checks: "<field> is empty" is a 400 VALIDATION_FAILED; a taken username or email a 409', async () => {
  const { app } = await start()
  const cases: [string, InjectOptions, number, string, string | undefined][] = [
    ['signup, no username', { url: '/users/signup', payload: { ...SIGNUP, username: '' } }, 400, 'VALIDATION_FAILED', 'username is empty'],
    ['signup, no email', { url: '/users/signup', payload: { username: 'x', password: 'y' } }, 400, 'VALIDATION_FAILED', 'email is empty'],
    ['signup, no password', { url: '/users/signup', payload: { username: 'x', email: 'x@mail.com' } }, 400, 'VALIDATION_FAILED', 'password is empty'],
    ['signup, bad email', { url: '/users/signup', payload: { ...SIGNUP, email: 'not-an-email' } }, 400, 'VALIDATION_FAILED', undefined],
    ['signup, bad username', { url: '/users/signup', payload: { ...SIGNUP, username: 'no spaces please' } }, 400, 'VALIDATION_FAILED', undefined],
    ['signup, a number for a name', { url: '/users/signup', payload: { ...SIGNUP, username: { first: 'a' } } }, 400, 'VALIDATION_FAILED', undefined],
    ['login, empty body', { url: '/users/login', payload: {} }, 400, 'VALIDATION_FAILED', 'username is empty'],
    ['login, no password', { url: '/users/login', payload: { username: 'gregoire', password: '' } }, 400, 'VALIDATION_FAILED', 'password is empty'],
    ['login, broken JSON', { url: '/users/login', payload: '{"username":', headers: JSON_HEADERS }, 400, 'INVALID_JSON', undefined],
    ['login, no body at all', { url: '/users/login', headers: {} }, 400, 'VALIDATION_FAILED', 'body must be object'],
    ['login, plain text', { url: '/users/login', payload: 'root toor', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE', undefined],
  ]
  for (const [name, request, status, code, message] of cases) {
    const res = await app.inject({ method: 'POST', headers: JSON_HEADERS, ...request, url: `/api/v1${request.url as string}` })
    assert.equal(res.statusCode, status, `${name}: ${res.body}`)
    assert.equal(res.json().code, code, name)
    if (message !== undefined) assert.equal(res.json().error, message, name)
  }
  assert.equal((await post(app, '/users/signup', SIGNUP)).statusCode, 200)
  const username = await post(app, '/users/signup', { ...SIGNUP, email: 'other@mail.com' })
  assert.deepEqual(username.json(), { statusCode: 409, code: 'USERNAME_TAKEN', error: 'username already taken' })
  const email = await post(app, '/users/signup', { ...SIGNUP, username: 'other', email: 'Gregoire@Mail.com' })
  assert.deepEqual(email.json(), { statusCode: 409, code: 'EMAIL_TAKEN', error: 'email already signed-up' })
  await app.close()
})

test('login: an unknown username and a wrong password get one answer (the tutorial told them apart with 404 and 401)', async () => {
  const { app } = await start()
  await post(app, '/users/signup', SIGNUP)
  for (const body of [{ username: 'nobody', password: SIGNUP.password }, { username: SIGNUP.username, password: 'wrong password' }]) {
    const res = await post(app, '/users/login', body)
    assert.equal(res.statusCode, 401)
    assert.deepEqual(res.json(), { statusCode: 401, code: 'INVALID_CREDENTIALS', error: 'username or password incorrect' })
  }
  await app.close()
})

test('roles: /user for the user role, /admin for admins, 403 ROLE_REQUIRED otherwise; a role taken away ends the sessions at once', async () => {
  const { app, auth } = await start()
  await post(app, '/users/signup', SIGNUP)
  // `flask create-admin root root@mail.com ...`: here an account with the admin role.
  await auth.accounts.register({ username: 'root', email: 'root@mail.com', password: 'root admin passphrase', roles: ['user', 'admin'] })
  const user = await login(app, SIGNUP.username, SIGNUP.password)
  const admin = await login(app, 'root', 'root admin passphrase')

  assert.equal((await get(app, '/user', user)).body, 'if you see this, that means you are a user')
  const refused = await get(app, '/admin', user)
  assert.equal(refused.statusCode, 403)
  assert.deepEqual(refused.json(), { statusCode: 403, code: 'ROLE_REQUIRED', error: "you don't have the required roles" })
  assert.match(String(refused.headers['www-authenticate']), /insufficient_scope/)
  assert.equal((await get(app, '/admin', admin)).body, 'if you see this, that means you are an admin')
  assert.equal((await get(app, '/user', admin)).statusCode, 200)

  // An admin account without the user role (the Flask course's admins had only `admin`).
  const root = (await auth.accounts.findByUsername('root'))!
  await auth.admin.updateUser(root.id, { roles: ['admin'] })
  assert.equal((await get(app, '/admin', admin)).json().code, 'TOKEN_REVOKED', 'the old token, with the old roles, is refused at once')
  const adminOnly = await login(app, 'root', 'root admin passphrase')
  assert.equal((await get(app, '/admin', adminOnly)).statusCode, 200)
  assert.equal((await get(app, '/user', adminOnly)).json().code, 'ROLE_REQUIRED')

  const gregoire = (await auth.accounts.findByUsername(SIGNUP.username))!
  await auth.admin.updateUser(gregoire.id, { disabled: true })
  assert.equal((await get(app, '/need_login', user)).json().code, 'TOKEN_REVOKED')
  assert.equal((await post(app, '/users/login', { username: SIGNUP.username, password: SIGNUP.password })).json().code, 'ACCOUNT_DISABLED')
  await app.close()
})

test('a Flask user with a flask-bcrypt ($2b$) hash logs in with the old password, and the hash becomes argon2id', async () => {
  const { app, store } = await start()
  await importFlaskUsers(store)
  const before = (await store.findUserByUsername('root'))!
  assert.match(before.passwordHash, /^\$2b\$12\$/)

  assert.equal((await post(app, '/users/login', { username: 'root', password: 'wrong' })).statusCode, 401)
  assert.equal((await store.findUserByUsername('root'))!.passwordHash, before.passwordHash, 'a failed login changes nothing')
  const token = await login(app, 'root', 'toor') // the tutorial's `flask create-admin 'root' 'root@mail.com' 'toor'`
  assert.equal((await get(app, '/admin', token)).statusCode, 200)
  const after = (await store.findUserByUsername('root'))!
  assert.match(after.passwordHash, /^\$argon2id\$/)
  assert.equal(after.id, '1', 'the Flask id is kept')

  await login(app, 'root', 'toor') // now against the argon2id hash
  assert.equal((await post(app, '/users/login', { username: 'root', password: 'TOOR' })).statusCode, 401)
  const testuser = await login(app, 'testuser', 'test_user')
  assert.equal((await get(app, '/admin', testuser)).json().code, 'ROLE_REQUIRED')
  await app.close()
})

test('tokens: missing, malformed, "Bearer "-prefixed, forged and expired ones are 401s with their codes', async () => {
  const { app, clock } = await start()
  await post(app, '/users/signup', SIGNUP)
  const token = await login(app, SIGNUP.username, SIGNUP.password)

  const missing = await get(app, '/need_login')
  assert.deepEqual(missing.json(), { statusCode: 401, code: 'TOKEN_MISSING', error: 'no Authorization header found' })
  assert.equal((await get(app, '/need_login', 'test.test.test')).statusCode, 401) // the tutorial's own test
  assert.equal((await get(app, '/need_login', `Bearer ${token}`)).json().code, 'TOKEN_MALFORMED')
  const [header, payload] = token.split('.')
  const forged = `${header}.${payload}.${createHmac('sha256', 'another secret that is long enough!!').update(`${header}.${payload}`).digest('base64url')}`
  assert.equal((await get(app, '/need_login', forged)).json().code, 'TOKEN_SIGNATURE_INVALID')
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`
  assert.equal((await get(app, '/need_login', none)).json().code, 'TOKEN_ALGORITHM_INVALID')

  // generate_jwt(claims, expiration = 172800): 48 hours.
  clock.advance(48 * 3600_000 - 1000)
  assert.equal((await get(app, '/need_login', token)).statusCode, 200)
  clock.advance(1000)
  assert.equal((await get(app, '/need_login', token)).json().code, 'TOKEN_EXPIRED')
  await app.close()
})

test('SECRET_KEY from .env signs the tokens (the environment wins over the file); production refuses to start without one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-cybermooc-env-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const fromFile = 'ad132b10-fa43-4048-ae5b-ab5b0a782c5c' // the tutorial's uuid4: 36 bytes
  writeFileSync(join(dir, '.env'), `SECRET_KEY=${fromFile}\n`)

  assert.equal(cybermoocConfig(loadEnv(dir, {}), dir).jwtSecret, fromFile)
  assert.equal(cybermoocConfig(loadEnv(dir, { SECRET_KEY }), dir).jwtSecret, SECRET_KEY)
  assert.equal(cybermoocConfig(loadEnv(dir, { JWT_SECRET: SECRET_KEY, SECRET_KEY: '' }), dir).jwtSecret, SECRET_KEY, 'JWT_SECRET when SECRET_KEY is empty')

  const config = cybermoocConfig(loadEnv(dir, { DATABASE_URL: 'sqlite::memory:', NODE_ENV: 'test', ...FAST_ARGON2 }), dir)
  const { app } = await buildCybermooc(config)
  await post(app, '/users/signup', SIGNUP)
  const [header, payload, signature] = (await login(app, SIGNUP.username, SIGNUP.password)).split('.')
  assert.equal(createHmac('sha256', fromFile).update(`${header}.${payload}`).digest('base64url'), signature)
  assert.equal(JSON.parse(Buffer.from(header!, 'base64url').toString()).alg, 'HS256')
  await app.close()

  writeFileSync(join(dir, '.env'), 'SECRET_KEY=too-short\n')
  assert.throws(() => cybermoocConfig(loadEnv(dir, {}), dir), (err: unknown) => err instanceof ConfigError && /32 bytes/.test(err.message))
  rmSync(join(dir, '.env'))
  assert.throws(() => cybermoocConfig(loadEnv(dir, { NODE_ENV: 'production' }), dir), ConfigError)
})

test("the Flask course's own database: `users import --from` its users table (encrypted_password, bcrypt bytes), `users roles` for its admins", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-cybermooc-import-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  // models/user.py and models/role.py of parts 4 to 6; flask-bcrypt's generate_password_hash returns bytes.
  const flask = new Database(join(dir, 'db.sqlite'))
  flask.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, username VARCHAR NOT NULL UNIQUE, email VARCHAR NOT NULL UNIQUE, encrypted_password VARCHAR NOT NULL);
    CREATE TABLE roles (id INTEGER PRIMARY KEY, name VARCHAR(80) UNIQUE, description VARCHAR(255));
    CREATE TABLE user_roles (user_id INTEGER REFERENCES users(id), role_id INTEGER REFERENCES roles(id));`)
  const insert = flask.prepare('INSERT INTO users VALUES (?, ?, ?, ?)')
  for (const u of FLASK_USERS) insert.run(Number(u.id), u.username, u.email, Buffer.from(u.password_hash))
  flask.exec(`INSERT INTO roles VALUES (1, 'admin', 'the admin role duh.'); INSERT INTO user_roles VALUES (1, 1);`)
  flask.close()

  const env = exampleEnv({ DATA_DIR: join(dir, 'data') })
  const imported = await runScript('src/cli/main.ts', ['users', 'import', '--from', `sqlite:${join(dir, 'db.sqlite')}`, '--table', 'users', '--columns', 'password=encrypted_password'], env)
  assert.equal(imported.code, 0, imported.output)
  assert.match(imported.output, /Imported 2/)
  // The roles live in a join table the import does not read: give root the admin role again.
  const roles = await runScript('src/cli/main.ts', ['users', 'roles', '--email', 'root@mail.com', '--set', 'user,admin'], env)
  assert.equal(roles.code, 0, roles.output)

  const config = cybermoocConfig({ DATA_DIR: join(dir, 'data'), SECRET_KEY, NODE_ENV: 'test', ...FAST_ARGON2 }, dir)
  const { app, store } = await buildCybermooc(config)
  t.after(() => app.close())
  const token = await login(app, 'root', 'toor')
  assert.equal((await get(app, '/admin', token)).statusCode, 200)
  assert.match((await store.findUserByUsername('root'))!.passwordHash, /^\$argon2id\$/)
  assert.equal((await get(app, '/admin', await login(app, 'testuser', 'test_user'))).json().code, 'ROLE_REQUIRED')
})

test('the real commands: `tokenwarden users import` of the Flask users, then npx tsx examples/cybermooc/server.ts over HTTP', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-cybermooc-'))
  t.after(() => rmSync(dataDir, { recursive: true, force: true }))
  const env = exampleEnv({ PORT: '0', DATA_DIR: dataDir, SECRET_KEY })

  const imported = await runScript('src/cli/main.ts', ['users', 'import', 'examples/cybermooc/flask-users.jsonl'], env)
  assert.equal(imported.code, 0, imported.output)
  assert.match(imported.output, /Imported 2/)

  const server = await spawnExample('cybermooc', env)
  t.after(() => server.stop())
  assert.doesNotMatch(server.output(), /development secret/, 'SECRET_KEY was used')
  const call = (path: string, init: RequestInit = {}) => fetch(`${server.url}/api/v1${path}`, init)
  const json = { 'content-type': 'application/json' }
  const res = await call('/users/login', { method: 'POST', headers: json, body: JSON.stringify({ username: 'root', password: 'toor' }) })
  assert.equal(res.status, 200)
  const { token } = (await res.json()) as { token: string }
  assert.equal(await (await call('/admin', { headers: { authorization: token } })).text(), 'if you see this, that means you are an admin')
  assert.equal((await call('/admin')).status, 401)

  assert.equal((await call('/users/signup', { method: 'POST', headers: json, body: JSON.stringify(SIGNUP) })).status, 200)
  const user = (await (await call('/users/login', { method: 'POST', headers: json, body: JSON.stringify({ username: SIGNUP.username, password: SIGNUP.password }) })).json()) as { token: string }
  assert.equal((await call('/admin', { headers: { authorization: user.token } })).status, 403)
  await server.stop()
})
