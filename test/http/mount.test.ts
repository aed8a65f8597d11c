// The tokenwardenAuth plugin in a host app: the server's routes under the host's prefix, one
// session gate for the mounted routes and the host's own guarded routes (a logout through
// either is refused at once by both), the services on app.tokenwarden.auth for handlers with
// their own paths and shapes, the host's error handler and 404 left alone, route groups moved
// or left out, misuse refused at registration, and closing the app closing what it opened.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import { ManualClock } from '../../src/core/clock.js'
import { AuthError } from '../../src/core/errors.js'
import { Keyring } from '../../src/core/tokens/keyring.js'
import { basicCredentials, tokenwardenAuth, type TokenwardenAuthOptions } from '../../src/fastify.js'
import { mountedParts } from '../../src/http/mount/mount.js'
import { authOptionsFromConfig } from '../../src/http/server-options.js'
import { MemoryStore } from '../../src/store/memory.js'
import { bearer, json, TEST_SECRET, testConfig, type Tokens } from '../helpers.js'
import { cleanEnv, ensureBuilt, ROOT } from '../server/process.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

async function host(options: Partial<TokenwardenAuthOptions> = {}, own?: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(tokenwardenAuth, {
    prefix: '/api',
    database: 'sqlite::memory:',
    keys: [{ alg: 'HS256', secret: TEST_SECRET }],
    clock: new ManualClock(Math.floor(Date.now() / 1000) * 1000),
    argon2: { memoryCost: 1024, timeCost: 1 },
    pruneEvery: 0,
    ...options,
  })
  app.get('/notes', { onRequest: app.tokenwarden.guard() }, async (request) => ({ owner: request.identity }))
  own?.(app)
  return app
}

async function signUp(app: FastifyInstance, prefix = '/api/auth'): Promise<{ id: string; tokens: Tokens }> {
  const reg = await app.inject({ method: 'POST', url: `${prefix}/register`, payload: ADA })
  assert.equal(reg.statusCode, 201, reg.body)
  const login = await app.inject({ method: 'POST', url: `${prefix}/login`, payload: ADA })
  assert.equal(login.statusCode, 200, login.body)
  return { id: json(reg).id as string, tokens: json<Tokens>(login) }
}

test('a logout through the mounted API is refused at once on the host\'s own guarded routes, and on the mounted ones', async (t) => {
  const app = await host()
  t.after(() => app.close())
  const { id, tokens } = await signUp(app)
  const notes = await app.inject({ url: '/notes', headers: bearer(tokens.access_token) })
  assert.equal(notes.statusCode, 200)
  assert.deepEqual(json(notes), { owner: id })
  assert.equal((await app.inject({ url: '/api/auth/me', headers: bearer(tokens.access_token) })).statusCode, 200)

  const logout = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(tokens.access_token) })
  assert.equal(logout.statusCode, 204)
  for (const url of ['/notes', '/api/auth/me', '/api/auth/sessions']) {
    const res = await app.inject({ url, headers: bearer(tokens.access_token) })
    assert.equal(res.statusCode, 401, url)
    assert.equal(json(res).code, 'TOKEN_REVOKED', url)
    assert.match(String(res.headers['www-authenticate']), /error="invalid_token"/)
  }
  const refresh = await app.inject({ method: 'POST', url: '/api/auth/refresh', headers: bearer(tokens.refresh_token) })
  assert.equal(json(refresh).code, 'TOKEN_REVOKED')
})

test('a logout through the services in a host handler is refused at once by the mounted routes', async (t) => {
  const app = await host({}, (app) => {
    app.post('/revoke', { onRequest: app.tokenwarden.guard() }, async (request) => {
      await app.tokenwarden.auth.sessions.logout(request.jwt!)
      return { message: 'Successfully logged out' }
    })
  })
  t.after(() => app.close())
  const { tokens } = await signUp(app)
  const revoke = await app.inject({ method: 'POST', url: '/revoke', headers: bearer(tokens.access_token) })
  assert.deepEqual(json(revoke), { message: 'Successfully logged out' })
  assert.equal(json(await app.inject({ url: '/api/auth/me', headers: bearer(tokens.access_token) })).code, 'TOKEN_REVOKED')
  assert.equal(json(await app.inject({ url: '/notes', headers: bearer(tokens.access_token) })).code, 'TOKEN_REVOKED')
})

test('host handlers keep their own paths and shapes: signup, token, refresh without rotation, Basic login, who_am_i', async (t) => {
  const app = await host({ routes: { auth: false, admin: false, users: false }, loadUser: true }, (app) => {
    const { accounts, sessions } = app.tokenwarden.auth
    app.post('/users/signup', async (request, reply) => {
      const { username, password } = request.body as { username: string; password: string }
      try {
        await accounts.register({ email: `${username}@example.com`, username, password })
      } catch (err) {
        if (err instanceof AuthError && err.code === 'USERNAME_TAKEN') return reply.code(400).send({ error: 'User already exists' })
        throw err
      }
      return reply.code(201).send({ message: 'user created' })
    })
    app.post('/token', async (request) => {
      const { accessToken, refreshToken } = await accounts.login(request.body as { username: string; password: string })
      return { access_token: accessToken, refresh_token: refreshToken }
    })
    app.post('/refresh', { onRequest: app.tokenwarden.guard({ refresh: true }) }, async (request) => {
      const token = request.headers.authorization!.slice('Bearer '.length)
      return { access_token: (await sessions.refresh(token, { rotate: false })).accessToken }
    })
    app.get('/login', async (request, reply) => {
      const credentials = basicCredentials(request)
      if (credentials === undefined) return reply.code(401).header('www-authenticate', 'Basic realm="login"').send({ message: 'Could not verify' })
      return { token: (await accounts.login(credentials)).accessToken }
    })
    app.get('/who_am_i', { onRequest: app.tokenwarden.guard() }, async (request) => request.currentUser)
  })
  t.after(() => app.close())
  const body = { username: 'ada', password: ADA.password }
  assert.equal((await app.inject({ method: 'POST', url: '/users/signup', payload: body })).statusCode, 201)
  const dup = await app.inject({ method: 'POST', url: '/users/signup', payload: body })
  assert.deepEqual([dup.statusCode, json(dup)], [400, { error: 'User already exists' }])
  // The mounted route groups are off: the host's /users/... paths are its own.
  assert.equal((await app.inject({ method: 'POST', url: '/api/auth/login', payload: ADA })).statusCode, 404)

  const token = json<{ access_token: string; refresh_token: string }>(await app.inject({ method: 'POST', url: '/token', payload: body }))
  assert.deepEqual(Object.keys(token).sort(), ['access_token', 'refresh_token'])
  const me = await app.inject({ url: '/who_am_i', headers: bearer(token.access_token) })
  assert.equal(json(me).username, 'ada')
  assert.equal(json(me).passwordHash, undefined)
  // Refreshed twice with the same refresh token, as a Flask-JWT-Extended client does.
  for (let i = 0; i < 2; i++) {
    const refreshed = await app.inject({ method: 'POST', url: '/refresh', headers: bearer(token.refresh_token) })
    assert.equal(refreshed.statusCode, 200, refreshed.body)
    assert.equal((await app.inject({ url: '/notes', headers: bearer(json<{ access_token: string }>(refreshed).access_token) })).statusCode, 200)
  }

  const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` })
  const login = await app.inject({ url: '/login', headers: basic('ada', ADA.password) })
  assert.equal((await app.inject({ url: '/notes', headers: bearer(json<{ token: string }>(login).token) })).statusCode, 200)
  assert.equal((await app.inject({ url: '/login' })).statusCode, 401)
  const wrong = await app.inject({ url: '/login', headers: basic('ada@example.com', 'wrong password') })
  assert.equal(wrong.statusCode, 401)
  assert.equal(json(wrong).code, 'INVALID_CREDENTIALS')
  const malformed = await app.inject({ url: '/login', headers: { authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` } })
  assert.equal(json(malformed).code, 'VALIDATION_FAILED')
})

test('the host keeps its error handler and 404 for its own routes; mounted routes answer in tokenwarden\'s shape', async (t) => {
  const app = Fastify()
  app.setErrorHandler((err, _request, reply) => reply.code((err as { statusCode?: number }).statusCode ?? 500).send({ hostError: (err as { code?: string }).code }))
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ hostNotFound: true }))
  await app.register(tokenwardenAuth, { prefix: '/api', database: new MemoryStore(), keys: [{ alg: 'HS256', secret: TEST_SECRET }], argon2: { memoryCost: 1024, timeCost: 1 }, pruneEvery: 0 })
  app.get('/private', { onRequest: app.tokenwarden.guard() }, async () => ({ ok: true }))
  app.post('/echo', async (request) => request.body)
  t.after(() => app.close())

  assert.deepEqual(json(await app.inject({ url: '/private' })), { hostError: 'TOKEN_MISSING' })
  assert.deepEqual(json(await app.inject({ url: '/nowhere' })), { hostNotFound: true })
  // The host's parsers are its own: text/plain still reaches its route.
  const echo = await app.inject({ method: 'POST', url: '/echo', payload: 'hello', headers: { 'content-type': 'text/plain' } })
  assert.equal(echo.body, 'hello')

  const bad = await app.inject({ method: 'POST', url: '/api/auth/register', payload: { email: 'not-an-email', password: ADA.password } })
  assert.equal(bad.statusCode, 400)
  assert.deepEqual({ ...json<Record<string, unknown>>(bad), message: undefined }, { statusCode: 400, code: 'VALIDATION_FAILED', error: 'Bad Request', field: 'email', message: undefined })
  const text = await app.inject({ method: 'POST', url: '/api/auth/login', payload: 'x', headers: { 'content-type': 'text/plain' } })
  assert.equal(json(text).code, 'UNSUPPORTED_MEDIA_TYPE')
  const missing = await app.inject({ url: '/api/auth/me' })
  assert.equal(json(missing).code, 'TOKEN_MISSING')
  assert.equal(missing.headers['www-authenticate'], 'Bearer realm="tokenwarden"')
})

test('messageKey renames the message on the host\'s guarded routes and the mounted ones alike', async (t) => {
  const app = await host({ messageKey: 'msg' })
  t.after(() => app.close())
  for (const url of ['/notes', '/api/auth/me']) {
    const body = json(await app.inject({ url }))
    assert.equal(body.code, 'TOKEN_MISSING', url)
    assert.equal(typeof body.msg, 'string', url)
    assert.equal(body.message, undefined, url)
  }
})

test('route groups move under the prefix or stay out; adminRoles guards the admin group', async (t) => {
  const app = await host({ routes: { auth: '', admin: '/staff', users: false }, adminRoles: ['staff'] })
  t.after(() => app.close())
  const { id, tokens } = await signUp(app, '/api')
  assert.equal((await app.inject({ url: '/api/me', headers: bearer(tokens.access_token) })).statusCode, 200)
  assert.equal((await app.inject({ url: '/api/auth/me', headers: bearer(tokens.access_token) })).statusCode, 404)
  assert.equal((await app.inject({ url: '/api/users/ada' })).statusCode, 404)
  const refused = await app.inject({ url: '/api/staff/users', headers: bearer(tokens.access_token) })
  assert.equal(json(refused).code, 'ROLE_REQUIRED')
  await app.tokenwarden.auth.admin.updateUser(id, { roles: ['user', 'staff'] })
  const again = json<Tokens>(await app.inject({ method: 'POST', url: '/api/login', payload: ADA }))
  const listed = await app.inject({ url: '/api/staff/users', headers: bearer(again.access_token) })
  assert.equal(listed.statusCode, 200)
  assert.equal(json<{ total: number }>(listed).total, 1)
})

test('the server\'s layout by default: /auth, /admin and /users under the prefix', async (t) => {
  const app = await host()
  t.after(() => app.close())
  await app.tokenwarden.auth.accounts.register({ ...ADA, username: 'ada' })
  assert.equal((await app.inject({ url: '/api/users/ada' })).statusCode, 200)
  assert.equal(json(await app.inject({ url: '/api/admin/users' })).code, 'TOKEN_MISSING')
  assert.equal((await app.inject({ method: 'POST', url: '/api/auth/login', payload: ADA })).statusCode, 200)
})

test('with cookies among the locations, tokens carry a CSRF claim and cookie-authenticated writes need its echo', async (t) => {
  const app = await host({ locations: ['headers', 'cookies'], cookies: { secure: false } })
  t.after(() => app.close())
  await app.tokenwarden.auth.accounts.register(ADA)
  const login = await app.inject({ method: 'POST', url: '/api/auth/login?cookies=true', payload: ADA })
  assert.equal(login.statusCode, 200, login.body)
  const { csrf_access_token: csrf } = json<{ csrf_access_token: string }>(login)
  assert.equal(typeof csrf, 'string')
  const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  assert.equal((await app.inject({ url: '/notes', headers: { cookie } })).statusCode, 200)
  const forged = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } })
  assert.equal(json(forged).code, 'CSRF_FAILED')
  assert.equal((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie, 'x-csrf-token': csrf } })).statusCode, 204)
  assert.equal(json(await app.inject({ url: '/notes', headers: { cookie } })).code, 'TOKEN_REVOKED')
})

test('authOptionsFromConfig mounts the API with the server\'s environment variables', async (t) => {
  const config = testConfig({ ACCESS_TOKEN_TTL: '60', JWT_ERROR_MESSAGE_KEY: 'msg', JWT_HEADER_TYPE: 'JWT' })
  const app = await host({ ...authOptionsFromConfig(config), prefix: '/api' })
  t.after(() => app.close())
  await app.tokenwarden.auth.accounts.register(ADA)
  const login = json<Tokens>(await app.inject({ method: 'POST', url: '/api/auth/login', payload: ADA }))
  assert.equal(login.expires_in, 60)
  assert.equal((await app.inject({ url: '/notes', headers: { authorization: `JWT ${login.access_token}` } })).statusCode, 200)
  assert.equal(typeof json(await app.inject({ url: '/notes' })).msg, 'string')
})

test('closing the app closes the database the plugin opened and stops its feed; a Store handed in stays open', async () => {
  const opened = await host()
  const { store } = mountedParts(opened.tokenwarden.auth)
  await store.findSession('x')
  await opened.close()
  await assert.rejects(store.findSession('x'), 'the store the plugin opened is closed with the app')

  const given = new MemoryStore()
  let reads = 0
  const read = given.events.read.bind(given.events)
  given.events.read = async (...args) => (reads++, read(...args))
  const app = await host({ database: given, feed: { pollMs: 5, maxLagMs: 1000 } })
  await new Promise((resolve) => setTimeout(resolve, 30))
  assert.ok(reads > 0, 'the feed polls while the app runs')
  await app.close()
  const after = reads
  await new Promise((resolve) => setTimeout(resolve, 30))
  assert.equal(reads, after, 'the feed stopped with the app')
  assert.equal((await given.createUser({ id: 'u', email: 'u@example.com', username: null, passwordHash: 'x', roles: [], createdAt: new Date().toISOString() })).ok, true, 'a Store handed in is still usable')
})

test('misuse is a TypeError at registration, before anything is opened', async () => {
  const attempt = async (options: Partial<TokenwardenAuthOptions>) => {
    const app = Fastify()
    try {
      await app.register(tokenwardenAuth, { database: 'sqlite::memory:', keys: [{ alg: 'HS256', secret: TEST_SECRET }], pruneEvery: 0, ...options } as TokenwardenAuthOptions)
      await app.ready()
    } finally {
      await app.close()
    }
  }
  await assert.rejects(attempt({ keys: [] }), TypeError)
  const { publicKey } = (await import('node:crypto')).generateKeyPairSync('ed25519')
  await assert.rejects(attempt({ keys: [{ alg: 'EdDSA', publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() }] }), /signing key must be a secret or a private key/)
  await assert.rejects(attempt({ routes: { auth: 'auth' } }), /routes.auth must be a path/)
  await assert.rejects(attempt({ database: 42 as unknown as string }), /database must be a DATABASE_URL/)
  await assert.rejects(attempt({ pruneEvery: -1 }), TypeError)
  await assert.rejects(attempt({ cookies: { sameSite: 'none', secure: false } }), /sameSite none requires cookies.secure/)
  await assert.rejects(attempt({ database: 'oracle://db' }), { name: 'ConfigError' })
  await assert.rejects(attempt({ keys: Keyring.of([{ alg: 'HS256', secret: TEST_SECRET }]), passwordMinLength: 3 }), /passwordMinLength/)
})

test('tokenwarden/fastify loads no native module, database driver or Kysely: the guard works without them, the mount loads them when registered', () => {
  ensureBuilt()
  const script = `
    import Fastify from 'fastify'
    import { tokenwarden, tokenwardenAuth } from 'tokenwarden/fastify'
    const keys = [{ alg: 'HS256', secret: '${TEST_SECRET}' }]
    const app = Fastify()
    await app.register(tokenwarden, { keys })
    app.get('/me', { onRequest: app.tokenwarden.guard() }, async (req) => ({ sub: req.identity }))
    const me = await app.inject({ url: '/me', headers: { authorization: 'Bearer ' + app.tokenwarden.createAccessToken('ada') } })
    let mount
    try {
      await Fastify().register(tokenwardenAuth, { database: 'sqlite::memory:', keys })
    } catch (err) {
      mount = err.message
    }
    console.log(JSON.stringify({ me: me.json(), mount }))`
  const run = spawnSync(process.execPath, ['--import', join(ROOT, 'test/support/hide-packages.mjs'), '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 30_000,
    env: cleanEnv({ TW_HIDE_PACKAGES: 'kysely,better-sqlite3,@node-rs/argon2,pg,mysql2,ioredis,typebox' }),
  })
  assert.equal(run.status, 0, run.stderr)
  const out = JSON.parse(run.stdout) as { me: unknown; mount: string }
  assert.deepEqual(out.me, { sub: 'ada' })
  assert.match(out.mount, /Cannot find package 'kysely'/)
})
