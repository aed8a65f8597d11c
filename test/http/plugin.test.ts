// The public plugin on a bare Fastify app (no tokenwarden server): guard options, request
// decorators, hooks (isRevoked on every request even when the token is cached, loadUser once,
// additionalClaims, onError, messageKey), per-route locations, cookie helpers, misuse.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify, { type FastifyInstance } from 'fastify'
import { ManualClock } from '../../src/core/clock.js'
import type { TokenClaims } from '../../src/core/tokens/claims.js'
import { generateStoredKey } from '../../src/core/tokens/ring-file.js'
import { tokenwarden, type TokenwardenPluginOptions } from '../../src/fastify.js'
import { bearer, json, signUp, testApp } from '../helpers.js'

const SECRET = 'plugin-test-secret-at-least-32-bytes!'
const clock = new ManualClock(1_800_000_000_000)

async function build(options: Partial<TokenwardenPluginOptions> = {}, routes?: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify()
  await app.register(tokenwarden, { keys: [{ alg: 'HS256', secret: SECRET }], verify: { clock }, ...options })
  const tw = app.tokenwarden
  app.get('/private', { onRequest: tw.guard() }, async (req) => ({ id: req.identity, jti: req.jwt?.jti, where: req.tokenLocation, user: req.currentUser }))
  app.get('/maybe', { onRequest: tw.guard({ optional: true }) }, async (req) => ({ id: req.identity }))
  app.post('/fresh', { onRequest: tw.guard({ fresh: true }) }, async () => ({ ok: true }))
  app.post('/refresh', { onRequest: tw.guard({ refresh: true }) }, async (req) => ({ access: tw.createAccessToken(req.identity!) }))
  app.get('/admin', { onRequest: tw.guard({ roles: ['admin'] }) }, async () => ({ ok: true }))
  app.get('/link', { onRequest: tw.guard({ locations: ['query_string'] }) }, async (req) => ({ id: req.identity }))
  app.post('/body', { onRequest: tw.guard({ locations: ['json'] }) }, async (req) => ({ id: req.identity }))
  app.post('/body-pre', { preHandler: tw.guard({ locations: ['json'] }) }, async (req) => ({ id: req.identity }))
  routes?.(app)
  return app
}

test('guard(): a valid token passes with request.jwt, identity and tokenLocation; none -> 401 TOKEN_MISSING with a challenge', async () => {
  const app = await build()
  const token = app.tokenwarden.createAccessToken('42')
  const ok = await app.inject({ url: '/private', headers: bearer(token) })
  assert.equal(ok.statusCode, 200)
  assert.deepEqual(json(ok), { id: '42', jti: app.tokenwarden.verifier.verify(token).jti, where: 'headers', user: null })
  const none = await app.inject({ url: '/private' })
  assert.equal(none.statusCode, 401)
  assert.equal(json(none).code, 'TOKEN_MISSING')
  assert.equal(none.headers['www-authenticate'], 'Bearer realm="tokenwarden"')
  await app.close()
})

test('optional: no token passes with identity null; a bad token is still refused', async () => {
  const app = await build()
  assert.deepEqual(json(await app.inject({ url: '/maybe' })), { id: null })
  const bad = await app.inject({ url: '/maybe', headers: bearer(app.tokenwarden.createAccessToken('1') + 'x') })
  assert.equal(json(bad).code, 'TOKEN_SIGNATURE_INVALID')
  await app.close()
})

test('fresh, refresh and roles', async () => {
  const app = await build()
  const tw = app.tokenwarden
  assert.equal(json(await app.inject({ method: 'POST', url: '/fresh', headers: bearer(tw.createAccessToken('1')) })).code, 'TOKEN_NOT_FRESH')
  assert.equal((await app.inject({ method: 'POST', url: '/fresh', headers: bearer(tw.createAccessToken('1', { fresh: true })) })).statusCode, 200)
  assert.equal(json(await app.inject({ method: 'POST', url: '/refresh', headers: bearer(tw.createAccessToken('1')) })).code, 'TOKEN_TYPE_INVALID')
  const refreshed = await app.inject({ method: 'POST', url: '/refresh', headers: bearer(tw.createRefreshToken('1')) })
  assert.equal(tw.verifier.verify(json<{ access: string }>(refreshed).access, 'access').sub, '1')
  const noRole = await app.inject({ url: '/admin', headers: bearer(tw.createAccessToken('1', { roles: ['user'] })) })
  assert.equal(noRole.statusCode, 403)
  assert.equal(json(noRole).code, 'ROLE_REQUIRED')
  assert.match(String(noRole.headers['www-authenticate']), /insufficient_scope/)
  assert.equal((await app.inject({ url: '/admin', headers: bearer(tw.createAccessToken('1', { roles: ['admin'] })) })).statusCode, 200)
  await app.close()
})

test('per-route locations: query string on one route only; json via onRequest (deferred to the parsed body) and via preHandler', async () => {
  const app = await build()
  const token = app.tokenwarden.createAccessToken('7')
  assert.deepEqual(json(await app.inject({ url: `/link?jwt=${token}` })), { id: '7' })
  assert.equal(json(await app.inject({ url: `/private?jwt=${token}` })).code, 'TOKEN_MISSING')
  assert.equal(json(await app.inject({ url: '/link', headers: bearer(token) })).code, 'TOKEN_MISSING')
  for (const url of ['/body', '/body-pre']) {
    assert.deepEqual(json(await app.inject({ method: 'POST', url, payload: { access_token: token } })), { id: '7' }, url)
    assert.equal(json(await app.inject({ method: 'POST', url, payload: { other: 1 } })).code, 'TOKEN_MISSING', url)
    assert.equal(json(await app.inject({ method: 'POST', url })).code, 'TOKEN_MISSING', url)
  }
  await app.close()
})

test('isRevoked runs on every request, also when the token is answered from the verified-token cache', async () => {
  const revoked = new Set<string>()
  let calls = 0
  const app = await build({
    isRevoked: async (claims) => {
      calls++
      return revoked.has(claims.jti)
    },
  })
  const token = app.tokenwarden.createAccessToken('1')
  for (let i = 0; i < 3; i++) assert.equal((await app.inject({ url: '/private', headers: bearer(token) })).statusCode, 200)
  assert.equal(calls, 3)
  revoked.add(app.tokenwarden.verifier.verify(token).jti)
  const res = await app.inject({ url: '/private', headers: bearer(token) })
  assert.equal(res.statusCode, 401)
  assert.equal(json(res).code, 'TOKEN_REVOKED')
  assert.equal(calls, 4)
  await app.close()
})

test('the server: revocation is checked on every request despite the cache', async () => {
  const { app, auth } = await testApp()
  const { tokens } = await signUp(app)
  assert.equal((await app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })).statusCode, 200)
  assert.equal((await app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })).statusCode, 200)
  await auth.sessions.revoke(auth.verifier.verify(tokens.access_token).sid!, { reason: 'admin_revoked' })
  const res = await app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })
  assert.equal(json(res).code, 'TOKEN_REVOKED')
  await app.close()
})

test('loadUser: called once per request, becomes currentUser; nothing found -> 401 TOKEN_USER_NOT_FOUND', async () => {
  const seen: string[] = []
  const users: Record<string, { name: string }> = { '1': { name: 'Ada' } }
  const app = await build({
    loadUser: async (claims: TokenClaims) => {
      seen.push(claims.sub)
      return users[claims.sub]
    },
  })
  const ok = await app.inject({ url: '/private', headers: bearer(app.tokenwarden.createAccessToken('1')) })
  assert.deepEqual(json(ok).user, { name: 'Ada' })
  assert.deepEqual(seen, ['1'])
  const gone = await app.inject({ url: '/private', headers: bearer(app.tokenwarden.createAccessToken('2')) })
  assert.equal(gone.statusCode, 401)
  assert.equal(json(gone).code, 'TOKEN_USER_NOT_FOUND')
  await app.close()
})

test('additionalClaims at issue: merged into tokens, reserved claims cannot be overridden, per-call claims win', async () => {
  const app = await build({ additionalClaims: (identity, type) => ({ tenant: `t-${identity}`, kind: type, sub: 'evil', exp: 1, type: 'refresh' }) })
  const tw = app.tokenwarden
  const claims = tw.verifier.verify(tw.createAccessToken('5', { claims: { kind: 'override', roles: ['admin'] } }), 'access')
  assert.equal(claims.tenant, 't-5')
  assert.equal(claims.kind, 'override')
  assert.equal(claims.sub, '5')
  assert.equal(claims.type, 'access')
  assert.ok(claims.exp > 1_800_000_000)
  assert.equal(claims.roles, undefined, 'roles come only from the roles option')
  assert.equal(tw.verifier.verify(tw.createRefreshToken('5'), 'refresh').kind, 'refresh')
  const short = tw.verifier.verify(tw.createAccessToken('5', { expiresIn: 60 }))
  assert.equal(short.exp - short.iat, 60)
  await app.close()
})

test('the server stamps additional claims from deps.additionalClaims (reserved ones dropped)', async () => {
  const { app, auth } = await testApp({}, { additionalClaims: (user, type) => ({ email: user.email, type: 'x', sid: 'x', [`${type}_only`]: true }) })
  const { tokens } = await signUp(app)
  const access = auth.verifier.verify(tokens.access_token, 'access')
  assert.equal(access.email, 'ada@example.com')
  assert.equal(access.access_only, true)
  assert.notEqual(access.sid, 'x')
  assert.equal(auth.verifier.verify(tokens.refresh_token, 'refresh').refresh_only, true)
  assert.equal((await app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })).statusCode, 200)
  await app.close()
})

test('errors: the host error handler sees the AuthError; onError shapes or sends; messageKey renames', async () => {
  const host = await build({}, (app) => app.setErrorHandler((err: { code?: string }, _req, reply) => reply.code(499).send({ seen: err.code })))
  assert.deepEqual(json(await host.inject({ url: '/private' })), { seen: 'TOKEN_MISSING' })
  await host.close()

  const shaped = await build({ onError: (err) => ({ error: err.code.toLowerCase() }) })
  const a = await shaped.inject({ url: '/private' })
  assert.equal(a.statusCode, 401)
  assert.deepEqual(json(a), { error: 'token_missing' })
  await shaped.close()

  const sent = await build({ onError: (_err, _req, reply) => reply.code(418).send({ teapot: true }) })
  assert.equal((await sent.inject({ url: '/private' })).statusCode, 418)
  await sent.close()

  const keyed = await build({ messageKey: 'msg' })
  const b = json(await keyed.inject({ url: '/private', headers: bearer('a.b.c') }))
  assert.equal(b.code, 'TOKEN_MALFORMED')
  assert.equal(typeof b.msg, 'string')
  assert.equal(b.message, undefined)
  await keyed.close()
})

test('cookies through the plugin alone: set_access_cookies with a csrf claim, CSRF on POST, unset_jwt_cookies', async () => {
  const app = await build({ locations: ['cookies'], cookies: { secure: false } }, (a) => {
    a.post('/login', async (_req, reply) => {
      a.tokenwarden.setAccessCookies(reply, a.tokenwarden.createAccessToken('9', { fresh: true }))
      return { ok: true }
    })
    a.post('/logout', async (_req, reply) => a.tokenwarden.unsetJwtCookies(reply).send({ ok: true }))
  })
  const login = await app.inject({ method: 'POST', url: '/login' })
  const jar = Object.fromEntries(login.cookies.map((c) => [c.name, c.value]))
  assert.ok(jar.access_token_cookie && jar.csrf_access_token)
  assert.equal(app.tokenwarden.verifier.verify(jar.access_token_cookie).csrf, jar.csrf_access_token)
  assert.deepEqual(json(await app.inject({ url: '/private', cookies: { access_token_cookie: jar.access_token_cookie } })).where, 'cookies')
  const noEcho = await app.inject({ method: 'POST', url: '/fresh', cookies: { access_token_cookie: jar.access_token_cookie } })
  assert.equal(json(noEcho).code, 'CSRF_FAILED')
  const echoed = await app.inject({ method: 'POST', url: '/fresh', cookies: { access_token_cookie: jar.access_token_cookie }, headers: { 'x-csrf-token': jar.csrf_access_token } })
  assert.equal(echoed.statusCode, 200)
  const out = await app.inject({ method: 'POST', url: '/logout' })
  assert.deepEqual(out.cookies.map((c) => [c.name, c.value]).sort(), [
    ['access_token_cookie', ''],
    ['csrf_access_token', ''],
    ['csrf_refresh_token', ''],
    ['refresh_token_cookie', ''],
  ])
  await app.close()
})

test('misuse is a TypeError at registration or call, not a 500 later', async () => {
  const register = async (options: TokenwardenPluginOptions) => {
    const app = Fastify()
    await app.register(tokenwarden, options)
  }
  await assert.rejects(register({}), TypeError)
  await assert.rejects(register({ keys: [{ alg: 'HS256', secret: 'short' }] }), TypeError)
  await assert.rejects(register({ keys: [{ alg: 'HS256', secret: SECRET }], locations: ['body' as never] }), TypeError)
  const app = await build()
  assert.throws(() => app.tokenwarden.guard({ fresh: true, refresh: true }), TypeError)
  assert.throws(() => app.tokenwarden.guard({ locations: [] }), TypeError)
  assert.throws(() => app.tokenwarden.createAccessToken(''), TypeError)
  await app.close()
  const pub = Fastify()
  const { privateKey } = generateStoredKey('ES256', 0)
  const { createPublicKey } = await import('node:crypto')
  await pub.register(tokenwarden, { keys: [{ alg: 'ES256', publicKey: createPublicKey(privateKey!) }] }).ready()
  assert.throws(() => pub.tokenwarden.createAccessToken('1'), /no key that can sign/)
  await pub.close()
})

test('verify-only: a service holding just the public key accepts tokens signed elsewhere', async () => {
  const { createPublicKey } = await import('node:crypto')
  const { Keyring } = await import('../../src/core/tokens/keyring.js')
  const { createIssuer } = await import('../../src/core/tokens/issue.js')
  const { privateKey } = generateStoredKey('EdDSA', 0)
  const authServer = createIssuer({ keyring: Keyring.of([{ alg: 'EdDSA', privateKey: privateKey! }]), clock, issuer: 'https://auth.test' })
  const app = Fastify()
  await app.register(tokenwarden, { keys: [{ alg: 'EdDSA', publicKey: createPublicKey(privateKey!) }], verify: { clock, issuer: 'https://auth.test' } })
  app.get('/data', { onRequest: app.tokenwarden.guard() }, async (req) => ({ sub: req.identity }))
  const token = authServer.issue('access', { sub: 'u1', sid: 's' }).token
  assert.deepEqual(json(await app.inject({ url: '/data', headers: bearer(token) })), { sub: 'u1' })
  assert.equal(app.tokenwarden.issuer, undefined)
  await app.close()
})
