// The plugin's per-route hooks: the json deferral only where a route resumes it (never let
// through by an app-level guard), @fastify/cookie only when cookies are asked for, and the
// whitespace rule of the Authorization header.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import cookie from '@fastify/cookie'
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'
import { ManualClock } from '../../src/core/clock.js'
import { parseAuthorization } from '../../src/http/plugin/extract.js'
import { tokenwarden, type TokenwardenPluginOptions } from '../../src/fastify.js'
import { bearer, json, signUp, testApp } from '../helpers.js'

const SECRET = 'plugin-hooks-test-secret-at-least-32-bytes'
const clock = new ManualClock(1_800_000_000_000)

async function plugin(options: Partial<TokenwardenPluginOptions> = {}, before?: (app: FastifyInstance) => Promise<void>): Promise<FastifyInstance> {
  const app = Fastify()
  await before?.(app)
  await app.register(tokenwarden, { keys: [{ alg: 'HS256', secret: SECRET }], verify: { clock }, ...options })
  return app
}

test('a json guard as an app-level onRequest hook decides at once: a body token is not waited for, and nothing gets through', async () => {
  const app = await plugin()
  let reached = 0
  await app.register(async (scope) => {
    scope.addHook('onRequest', app.tokenwarden.guard({ locations: ['json'] }))
    scope.post('/scoped', async (req) => (reached++, { id: req.identity }))
  })
  await app.register(async (scope) => {
    scope.addHook('onRequest', app.tokenwarden.guard({ locations: ['json'], optional: true }))
    scope.post('/scoped-optional', async (req) => ({ id: req.identity }))
  })
  const token = app.tokenwarden.createAccessToken('9')
  const res = await app.inject({ method: 'POST', url: '/scoped', payload: { access_token: token } })
  assert.equal(res.statusCode, 401)
  assert.equal(json(res).code, 'TOKEN_MISSING')
  assert.equal(reached, 0)
  // Optional: through, but anonymous (the body token was never read, so never trusted).
  assert.deepEqual(json(await app.inject({ method: 'POST', url: '/scoped-optional', payload: { access_token: token } })), { id: null })
  await app.close()
})

test('a json guard as the route onRequest waits for the body; the resume runs before the route preHandler; only that route gets it', async () => {
  const app = await plugin()
  const preHandlers = new Map<string, string[]>()
  app.addHook('onRoute', (route: RouteOptions) => {
    const pre = route.preHandler
    preHandlers.set(`${route.method} ${route.url}`, (pre === undefined ? [] : Array.isArray(pre) ? pre : [pre]).map((h) => h.name))
  })
  const guard = app.tokenwarden.guard({ locations: ['headers', 'json'] })
  app.post('/body', { onRequest: [guard], preHandler: async (req) => void (req.headers['x-seen'] = String(req.identity)) }, async (req) => ({ id: req.identity, seen: req.headers['x-seen'] }))
  app.get('/header', { onRequest: app.tokenwarden.guard() }, async (req) => ({ id: req.identity }))
  app.get('/open', async () => ({ ok: true }))
  const token = app.tokenwarden.createAccessToken('5')
  assert.deepEqual(json(await app.inject({ method: 'POST', url: '/body', payload: { access_token: token } })), { id: '5', seen: '5' })
  assert.deepEqual(json(await app.inject({ method: 'POST', url: '/body', headers: bearer(token) })), { id: '5', seen: '5' })
  assert.equal(json(await app.inject({ method: 'POST', url: '/body', payload: { nothing: 1 } })).code, 'TOKEN_MISSING')
  assert.deepEqual(preHandlers.get('POST /body'), ['resumeDeferredGuard', 'preHandler'])
  assert.deepEqual(preHandlers.get('GET /header'), [])
  assert.deepEqual(preHandlers.get('GET /open'), [])
  await app.close()
})

test('cookie support: not registered unless asked; a cookies guard, locate or cookie helper without it is a TypeError', async () => {
  const app = await plugin()
  app.get('/set', async (_req, reply) => app.tokenwarden.setAccessCookies(reply, app.tokenwarden.createAccessToken('1')).send({}))
  assert.equal(app.hasDecorator('parseCookie'), false)
  assert.throws(() => app.tokenwarden.guard({ locations: ['cookies'] }), TypeError)
  assert.throws(() => app.tokenwarden.guard({ locations: ['headers', 'cookies'] }), /cookie support/)
  const set = await app.inject({ url: '/set' })
  assert.equal(set.statusCode, 500) // misuse by the app's author, not bad input
  assert.equal(set.cookies.length, 0)
  await app.close()

  const withOption = await plugin({ cookies: { secure: false } })
  assert.equal(withOption.hasDecorator('parseCookie'), true)
  withOption.get('/c', { onRequest: withOption.tokenwarden.guard({ locations: ['cookies'] }) }, async (req) => ({ id: req.identity, where: req.tokenLocation }))
  const token = withOption.tokenwarden.createAccessToken('3')
  assert.deepEqual(json(await withOption.inject({ url: '/c', cookies: { access_token_cookie: token } })), { id: '3', where: 'cookies' })
  assert.equal(json(await withOption.inject({ url: '/c', headers: bearer(token) })).code, 'TOKEN_MISSING')
  await withOption.close()
})

test('a host app that registered @fastify/cookie keeps it: no second registration, cookie guards work', async () => {
  const app = await plugin({ locations: ['cookies'], cookies: { secure: false } }, async (a) => void (await a.register(cookie)))
  app.get('/c', { onRequest: app.tokenwarden.guard() }, async (req) => ({ id: req.identity }))
  await app.ready()
  const token = app.tokenwarden.createAccessToken('4')
  assert.deepEqual(json(await app.inject({ url: '/c', cookies: { access_token_cookie: token } })), { id: '4' })
  await app.close()

  const plain = await plugin({}, async (a) => void (await a.register(cookie)))
  assert.doesNotThrow(() => plain.tokenwarden.guard({ locations: ['cookies'] }))
  await plain.close()
})

test('the server without cookies as a location: no cookie support, cookie login refused, logout still works', async () => {
  const { app } = await testApp({ JWT_TOKEN_LOCATION: 'headers,json' })
  assert.equal(app.hasDecorator('parseCookie'), false)
  const { tokens, email, password } = await signUp(app)
  const refused = await app.inject({ method: 'POST', url: '/auth/login?cookies=true', payload: { email, password } })
  assert.equal(refused.statusCode, 400)
  assert.equal(json(refused).code, 'COOKIE_LOGIN_DISABLED')
  const me = await app.inject({ method: 'POST', url: '/auth/logout', payload: { access_token: tokens.access_token } })
  assert.equal(me.statusCode, 204)
  assert.equal(me.headers['set-cookie'], undefined)
  await app.close()
  const { app: withCookies } = await testApp({ JWT_TOKEN_LOCATION: 'headers,cookies' })
  assert.equal(withCookies.hasDecorator('parseCookie'), true)
  await withCookies.close()
})

test('parseAuthorization refuses credentials holding any whitespace, ASCII or not, and keeps other characters', () => {
  for (const ws of [' ', '\t', '\n', '\v', '\f', '\r', '\u00a0', '\u1680', '\u2003', '\u2028', '\u2029', '\u202f', '\u3000', '\ufeff']) {
    assert.equal(parseAuthorization(`Bearer ab${ws}cd`, 'Bearer'), undefined, JSON.stringify(ws))
  }
  assert.equal(parseAuthorization('Bearer a.b-c_d', 'Bearer'), 'a.b-c_d')
  assert.equal(parseAuthorization('Bearer caf\u00e9\u0085x', 'Bearer'), 'caf\u00e9\u0085x') // NEL is not \s in JS
  assert.equal(parseAuthorization('bearer \t tok \t', 'Bearer'), 'tok')
  assert.equal(parseAuthorization('Bearer ', 'Bearer'), undefined)
})
