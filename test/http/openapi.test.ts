// The OpenAPI document (GET /openapi.json) and its reference page (GET /docs): the document is
// valid OpenAPI 3.1 (an independent validator), lists every route the server registers, with its
// security, and each route answers as documented (every success and error the suite's testApps
// send is checked by test/http/openapi-contract.ts; here each route is driven once each way).
// Plus JWT_ERROR_MESSAGE_KEY in the error schema, OPENAPI=false, and the routes mounted under a
// prefix in a host app that registers @fastify/swagger itself.

import assert from 'node:assert/strict'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { test } from 'node:test'
import swagger from '@fastify/swagger'
import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv2020 } from 'ajv/dist/2020.js'
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'
import { AuthError } from '../../src/core/errors.js'
import { tokenwardenAuth } from '../../src/fastify.js'
import type { MailMessage } from '../../src/core/mail/mailer.js'
import { MemoryStore } from '../../src/store/memory.js'
import { bearer, contractOf, json, logIn, signUp, signUpAdmin, TEST_SECRET, testApp, type Tokens } from '../helpers.js'
import { totpCode } from '../../src/core/mfa/totp.js'
import { documentPath } from './openapi-contract.js'

type Operation = {
  security?: Record<string, string[]>[]
  requestBody?: { required?: boolean; content: Record<string, { schema: unknown }> }
  responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }>
  'x-tokenwarden-auth'?: { fresh: boolean; roles: string[]; optional: boolean }
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } }

/** The console's routes: hidden from the document by their owner (a single-page app, not an API). */
const ELSEWHERE = /^\/console(\/|$)/

async function documentOf(app: FastifyInstance): Promise<Document> {
  const res = await app.inject({ url: '/openapi.json' })
  assert.equal(res.statusCode, 200)
  return json<Document>(res)
}

function operations(doc: Document): Array<{ path: string; method: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })))
}

test('the document is valid OpenAPI 3.1, and every schema in it compiles as JSON Schema 2020-12', async () => {
  const { app } = await testApp({ METRICS: 'true', CORS_ORIGINS: 'https://app.example.com', JWT_TOKEN_LOCATION: 'headers,cookies,query_string,json' })
  const doc = await documentOf(app)
  assert.equal(doc.openapi, '3.1.0')
  const validator = new Validator()
  const result = await validator.validate(doc as unknown as Parameters<Validator["validate"]>[0])
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1)?.slice(0, 2000))
  const ajv = new Ajv2020({ strict: false })
  for (const { path, method, op } of operations(doc)) {
    for (const [status, response] of Object.entries(op.responses)) {
      const schema = response.content?.['application/json']?.schema
      if (schema !== undefined) assert.doesNotThrow(() => ajv.compile(schema), `${method} ${path} ${status}`)
    }
  }
  await app.close()
})

test('every route the server registers is in the document, with its request and its responses, errors included', async () => {
  const routes: RouteOptions[] = []
  const collect = (message: unknown) => (message as { fastify: FastifyInstance }).fastify.addHook('onRoute', (route) => void routes.push(route))
  subscribe('fastify.initialization', collect)
  let t
  try {
    t = await testApp({ METRICS: 'true' })
  } finally {
    unsubscribe('fastify.initialization', collect)
  }
  const doc = await documentOf(t.app)
  const seen = routes.filter((r) => r.method !== 'HEAD' && (r.schema as { hide?: boolean } | undefined)?.hide !== true)
  assert.ok(seen.length >= 20, `only ${seen.length} routes seen`)
  for (const route of seen) {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    for (const method of methods) {
      const path = documentPath(route.url)
      const op = doc.paths[path]?.[method.toLowerCase()]
      assert.ok(op !== undefined, `${method} ${route.url} is not in the document`)
      if (ELSEWHERE.test(route.url)) continue
      const statuses = Object.keys(op.responses)
      assert.ok(statuses.some((s) => /^2/.test(s)), `${method} ${route.url}: no success response`)
      assert.ok(statuses.includes('500'), `${method} ${route.url}: no error responses`)
      for (const status of statuses.filter((s) => /^[45]/.test(s) && !(route.url === '/health/ready' && s === '503'))) {
        const schema = op.responses[status]!.content!['application/json']!.schema
        assert.deepEqual(schema.required, ['statusCode', 'code', 'error', 'message'], `${method} ${route.url} ${status}`)
      }
      const schema = route.schema as Record<string, unknown>
      if (schema.body !== undefined) assert.ok(op.requestBody !== undefined, `${method} ${route.url}: no request body`)
    }
  }
  // The hidden routes are the document and the page themselves.
  const hidden = routes.filter((r) => r.method !== 'HEAD' && (r.schema as { hide?: boolean } | undefined)?.hide === true).map((r) => r.url)
  assert.ok(hidden.every((url) => url === '/openapi.json' || url.startsWith('/docs') || ELSEWHERE.test(url)), hidden.join(', '))
  await t.app.close()
})

test('GET /metrics: the text format, and with METRICS_TOKEN its own bearer scheme and refusals; the document stays valid', async () => {
  const { app } = await testApp({ METRICS: 'true', METRICS_TOKEN: 'a-metrics-token-of-enough-length' })
  const doc = await documentOf(app)
  const op = doc.paths['/metrics']!.get!
  assert.ok(op.responses['200']!.content!['text/plain'] !== undefined)
  assert.deepEqual(op.security, [{ metricsToken: [] }])
  const codes = (op.responses['401']!.content!['application/json']!.schema.properties as Record<string, { enum: string[] }>).code.enum
  assert.deepEqual([...codes].sort(), ['METRICS_TOKEN_INVALID', 'TOKEN_MISSING'])
  assert.ok(doc.components.securitySchemes.metricsToken !== undefined)
  assert.equal((await new Validator().validate(doc as never)).valid, true)
  // Both answers pass the contract (checked at close).
  assert.equal((await app.inject({ url: '/metrics' })).statusCode, 401)
  assert.equal((await app.inject({ url: '/metrics', headers: bearer('a-metrics-token-of-enough-length') })).statusCode, 200)
  await app.close()
})

test('guards are declared once: security, roles and fresh in the document; login takes JSON, a form or HTTP Basic', async () => {
  const { app } = await testApp()
  const doc = await documentOf(app)
  const op = (path: string, method: string) => doc.paths[path]![method]!
  assert.deepEqual(op('/auth/me', 'get').security, [{ bearerAuth: [] }, { cookieAuth: [] }])
  // An unsafe method with a cookie needs the CSRF echo too.
  assert.deepEqual(op('/auth/logout', 'post').security, [{ bearerAuth: [] }, { cookieAuth: [], csrfHeader: [] }])
  assert.deepEqual(op('/admin/users', 'get').security, [{ bearerAuth: ['admin'] }, { cookieAuth: ['admin'] }])
  assert.equal(op('/auth/me/password', 'put')['x-tokenwarden-auth']?.fresh, true)
  assert.ok(Object.keys(op('/auth/me/password', 'put').responses['401']!.content!['application/json']!.schema.properties as object).includes('code'))
  const codes401 = (path: string, method: string) => ((op(path, method).responses['401']?.content?.['application/json']?.schema.properties as Record<string, { enum: string[] }> | undefined)?.code.enum ?? [])
  assert.ok(codes401('/auth/me/password', 'put').includes('TOKEN_NOT_FRESH'))
  assert.ok(!codes401('/auth/me', 'get').includes('TOKEN_NOT_FRESH'))
  assert.ok(codes401('/auth/me', 'get').includes('TOKEN_EXPIRED'))
  assert.ok(((op('/admin/users', 'get').responses['403']!.content!['application/json']!.schema.properties as Record<string, { enum: string[] }>).code.enum).includes('ROLE_REQUIRED'))
  // Optional: the empty requirement, and no TOKEN_MISSING.
  assert.deepEqual(op('/users/{username}', 'get').security, [{ bearerAuth: [] }, { cookieAuth: [] }, {}])
  assert.ok(!codes401('/users/{username}', 'get').includes('TOKEN_MISSING'))
  assert.equal(op('/health', 'get').security, undefined)
  const login = op('/auth/login', 'post')
  assert.deepEqual(Object.keys(login.requestBody!.content).sort(), ['application/json', 'application/x-www-form-urlencoded'])
  assert.equal(login.requestBody!.required, false)
  assert.deepEqual(login.security, [{}, { basicAuth: [] }])
  for (const name of ['bearerAuth', 'cookieAuth', 'csrfHeader', 'basicAuth']) assert.ok(doc.components.securitySchemes[name], name)
  // The rate limits are documented where they apply.
  assert.ok(op('/auth/login', 'post').responses['429'] !== undefined)
  assert.equal(op('/health', 'get').responses['429'], undefined)
  await app.close()
})

test('every route answers as documented: each one driven to a success and to an error', async () => {
  // A mailer that keeps its messages, for the mailed-link routes' tokens.
  const sent: MailMessage[] = []
  const { app, auth, clock } = await testApp({}, { mailer: { description: 'memory', send: async (m) => void sent.push(m), close: async () => {} } })
  const linkToken = async (page: string) => {
    await new Promise((r) => setTimeout(r, 20))
    return [...sent].reverse().map((m) => new RegExp(`/console/${page}#token=([A-Za-z0-9_-]{43})`).exec(m.text)?.[1]).find((t) => t !== undefined)!
  }
  const contract = contractOf(app)
  const inject = (method: string, url: string, options: { payload?: unknown; headers?: Record<string, string> } = {}) =>
    app.inject({ method: method as 'GET', url, payload: options.payload as string, headers: options.headers })

  const admin = await signUpAdmin(app, auth)
  const ada = await signUp(app, { username: 'ada' })
  await inject('POST', '/auth/register', { payload: { email: 'not-an-email' } })
  await inject('POST', '/auth/register', { payload: { email: ada.email, password: 'another good password' } })
  await inject('POST', '/auth/login', { payload: { email: ada.email, password: 'wrong password here' } })
  await inject('POST', '/auth/login?cookies=true', { payload: { email: ada.email, password: ada.password } })
  await inject('POST', '/auth/login', { headers: { authorization: `Basic ${Buffer.from(`${ada.email}:${ada.password}`).toString('base64')}` } })
  await inject('GET', '/auth/me', { headers: bearer(ada.tokens.access_token) })
  await inject('GET', '/auth/me', { headers: bearer('not.a.token') })
  await inject('PATCH', '/auth/me', { headers: bearer(ada.tokens.access_token), payload: { username: 'ada_l' } })
  await inject('PATCH', '/auth/me', { headers: bearer(ada.tokens.access_token), payload: { username: 5 } })
  await inject('GET', '/auth/sessions', { headers: bearer(ada.tokens.access_token) })
  await inject('GET', '/auth/sessions')
  await inject('POST', '/auth/token/inspect', { payload: { token: ada.tokens.access_token } })
  await inject('POST', '/auth/token/inspect', { payload: {} })
  await inject('GET', '/users/ada_l', { headers: bearer(ada.tokens.access_token) })
  await inject('GET', '/users/nobody')
  const refreshed = await inject('POST', '/auth/refresh', { headers: bearer(ada.tokens.refresh_token) })
  await inject('POST', '/auth/refresh', { headers: bearer(ada.tokens.access_token) }) // an access token
  const fresh = await logIn(app, ada.email, ada.password)
  // A refreshed token is not fresh.
  await inject('PUT', '/auth/me/password', { headers: bearer(json<Tokens>(refreshed).access_token), payload: { current_password: ada.password, new_password: 'a brand new password' } })
  await inject('PUT', '/auth/me/password', { headers: bearer(fresh.access_token), payload: { current_password: ada.password, new_password: 'a brand new password' } })
  const other = json<{ sessions: Array<{ id: string; current: boolean }> }>(await inject('GET', '/auth/sessions', { headers: bearer(fresh.access_token) }))
  await inject('DELETE', '/auth/sessions/no-such-session', { headers: bearer(fresh.access_token) })
  const second = await logIn(app, ada.email, 'a brand new password')
  const mine = json<{ sessions: Array<{ id: string; current: boolean }> }>(await inject('GET', '/auth/sessions', { headers: bearer(second.access_token) }))
  await inject('DELETE', `/auth/sessions/${mine.sessions.find((s) => !s.current)!.id}`, { headers: bearer(second.access_token) })
  void other
  await inject('POST', '/auth/logout', { headers: bearer(second.access_token) })
  await inject('POST', '/auth/logout', { headers: bearer(second.access_token) })

  const root = bearer(admin.tokens.access_token)
  const user = json<{ id: string }>(await inject('POST', '/auth/register', { payload: { email: 'bo@example.com', password: 'bo has a password' } }))
  await inject('GET', '/admin/users', { headers: root })
  await inject('GET', '/admin/users', { headers: bearer(second.access_token) })
  await inject('GET', '/admin/audit?user=bo@example.com&event=register', { headers: root })
  await inject('GET', '/admin/audit?from=yesterday', { headers: root })
  await inject('GET', '/auth/me/activity?limit=5', { headers: root })
  await inject('GET', '/auth/me/activity?limit=0', { headers: root })
  await inject('GET', `/admin/users/${user.id}`, { headers: root })
  await inject('GET', '/admin/users/nobody', { headers: root })
  await inject('PATCH', `/admin/users/${user.id}`, { headers: root, payload: { roles: ['user', 'editor'] } })
  await inject('PATCH', `/admin/users/${admin.id}`, { headers: root, payload: { disabled: true } }) // the last admin
  await inject('GET', `/admin/users/${user.id}/sessions`, { headers: root })
  await inject('GET', '/admin/users/nobody/sessions', { headers: root })
  const boLogin = await logIn(app, 'bo@example.com', 'bo has a password')
  const boSid = (JSON.parse(Buffer.from(boLogin.access_token.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid
  await inject('DELETE', `/admin/users/${user.id}/sessions/${boSid}`, { headers: root })
  await inject('DELETE', `/admin/users/${user.id}/sessions/${boSid}`, { headers: root })
  await inject('DELETE', `/admin/users/${user.id}/sessions`, { headers: root })
  await inject('DELETE', `/admin/users/${user.id}/sessions`)
  await inject('DELETE', `/admin/users/${user.id}`, { headers: root })
  await inject('DELETE', `/admin/users/${user.id}`, { headers: root })
  const last = await logIn(app, ada.email, 'a brand new password')
  await inject('DELETE', '/auth/me', { headers: bearer(last.access_token), payload: { password: 'wrong password here' } })
  await inject('DELETE', '/auth/me', { headers: bearer(last.access_token), payload: { password: 'a brand new password' } })
  // The mailed links, with an account of their own (a reset signs out every session).
  const cy = await signUp(app, { email: 'cy@example.com', password: 'cy has a passphrase' })
  await inject('POST', '/auth/email/verify', { payload: { token: await linkToken('verify-email') } })
  await inject('POST', '/auth/email/verify', { payload: { token: 'A'.repeat(43) } })
  await inject('POST', '/auth/email/resend', { payload: { email: 'nobody@example.com' } })
  await inject('POST', '/auth/email/resend', { payload: {} })
  await inject('PATCH', '/auth/me', { headers: bearer(cy.tokens.access_token), payload: { email: 'cy.new@example.com' } })
  await inject('PATCH', '/auth/me', { headers: bearer(cy.tokens.access_token), payload: { email: 'cy@example.com' } }) // its own address
  await inject('POST', '/auth/password/forgot', { payload: { email: cy.email } })
  await inject('POST', '/auth/password/forgot', { payload: { email: 5 } })
  await inject('POST', '/auth/password/reset', { payload: { token: await linkToken('reset-password'), new_password: 'cy has a new passphrase' } })
  await inject('POST', '/auth/password/reset', { payload: { token: 'A'.repeat(43), new_password: 'cy has a new passphrase' } })
  // Two-factor login, with an account of its own.
  const dee = await signUp(app, { email: 'dee@example.com', password: 'dee has a passphrase' })
  const deeAuth = bearer(dee.tokens.access_token)
  await inject('GET', '/auth/mfa', { headers: deeAuth })
  await inject('GET', '/auth/mfa')
  await inject('POST', '/auth/mfa/totp/confirm', { headers: deeAuth, payload: { code: '123456' } }) // nothing pending
  const { secret } = json<{ secret: string }>(await inject('POST', '/auth/mfa/totp', { headers: deeAuth }))
  await inject('POST', '/auth/mfa/totp/confirm', { headers: deeAuth, payload: { code: totpCode(secret, clock.now()) } })
  await inject('POST', '/auth/mfa/totp', { headers: deeAuth }) // already on
  clock.advance(30_000)
  const challenge = json<{ mfa_token: string }>(await inject('POST', '/auth/login', { payload: { email: dee.email, password: dee.password } }))
  await inject('POST', '/auth/login/mfa', { payload: { mfa_token: 'A'.repeat(43), code: '123456' } })
  await inject('POST', '/auth/login/mfa', { payload: { mfa_token: challenge.mfa_token, code: totpCode(secret, clock.now()) } })
  clock.advance(30_000)
  await inject('DELETE', '/auth/mfa/totp', { headers: deeAuth, payload: {} })
  await inject('DELETE', '/auth/mfa/totp', { headers: deeAuth, payload: { code: totpCode(secret, clock.now()) } })
  await inject('POST', '/auth/mfa/totp', { headers: deeAuth })
  await inject('POST', '/auth/mfa/totp/confirm', { headers: deeAuth, payload: { code: totpCode(json<{ secret: string }>(await inject('POST', '/auth/mfa/totp', { headers: deeAuth })).secret, clock.now()) } })
  const deeId = String(dee.user.id)
  await inject('GET', `/admin/users/${deeId}/mfa`, { headers: root })
  await inject('GET', '/admin/users/nobody/mfa', { headers: root })
  await inject('DELETE', `/admin/users/${deeId}/mfa`, { headers: root })
  await inject('DELETE', `/admin/users/${deeId}/mfa`, { headers: root })
  await inject('GET', '/health')
  await inject('GET', '/health/ready')
  await inject('GET', '/.well-known/jwks.json')
  await inject('GET', '/.well-known/openid-configuration')

  assert.deepEqual(contract.breaks, [])
  const doc = await documentOf(app)
  for (const { path, method, op } of operations(doc)) {
    if (ELSEWHERE.test(path)) continue
    const sampled = contract.sampled.filter((s) => s.path === path && s.method === method).map((s) => s.status)
    assert.ok(sampled.some((s) => s < 300), `${method} ${path}: no success sampled (${sampled.join(', ')})`)
    // Routes that document only 500 (health, keys) have no client error to give.
    const clientErrors = Object.keys(op.responses).some((s) => /^4/.test(s))
    if (clientErrors) assert.ok(sampled.some((s) => s >= 400), `${method} ${path}: no error sampled`)
  }
  await app.close()
})

test('JWT_ERROR_MESSAGE_KEY names the message property of every error schema', async () => {
  const { app } = await testApp({ JWT_ERROR_MESSAGE_KEY: 'msg' })
  const doc = await documentOf(app)
  for (const { path, method, op } of operations(doc)) {
    if (ELSEWHERE.test(path)) continue
    for (const [status, response] of Object.entries(op.responses)) {
      if (!/^[45]/.test(status) || (path === '/health/ready' && status === '503')) continue
      const schema = response.content!['application/json']!.schema
      assert.ok((schema.required as string[]).includes('msg'), `${method} ${path} ${status}`)
      assert.equal((schema.properties as Record<string, unknown>).message, undefined)
    }
  }
  const res = await app.inject({ url: '/auth/me' })
  assert.equal(json(res).msg, 'No token was presented')
  assert.ok(contractOf(app).sampled.some((s) => s.path === '/auth/me' && s.status === 401))
  await app.close()
})

test('the contract check fails an answer the document does not describe', async () => {
  const { app } = await testApp()
  const contract = contractOf(app)
  // Declares EMAIL_TAKEN (409) but answers LAST_ADMIN (409 too), then an undocumented status.
  app.get('/wrong-code', { config: { errors: ['EMAIL_TAKEN'] } }, async () => {
    throw new AuthError('LAST_ADMIN')
  })
  app.get('/wrong-status', { config: { errors: [] } }, async (_request, reply) => reply.code(418).send({ teapot: true }))
  app.get('/wrong-body', { config: { errors: [] }, schema: { response: { 200: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } } } }, async (_request, reply) =>
    reply.serializer(JSON.stringify).send({ m: 1 }),
  )
  await app.inject({ url: '/wrong-code' })
  await app.inject({ url: '/wrong-status' })
  await app.inject({ url: '/wrong-body' })
  assert.deepEqual(
    contract.breaks.map((b) => `${b.path} ${b.status}`),
    ['/wrong-code 409', '/wrong-status 418', '/wrong-body 200'],
  )
  assert.match(contract.breaks[0]!.problem, /code must be equal to one of the allowed values/)
  contract.breaks.length = 0
  await app.close()
})

test('OPENAPI=false: no document, no page; the API answers as before', async () => {
  const { app } = await testApp({ OPENAPI: 'false' })
  for (const url of ['/openapi.json', '/docs', '/docs/json', '/docs/static/index.html']) {
    const res = await app.inject({ url })
    assert.equal(res.statusCode, 404, url)
    assert.equal(json(res).code, 'ROUTE_NOT_FOUND')
  }
  await signUp(app)
  assert.equal((await app.inject({ url: '/auth/me' })).statusCode, 401)
  await app.close()
})

test('GET /docs serves Swagger UI from the package itself (no CDN), pointed at the document', async () => {
  const { app } = await testApp()
  const page = await app.inject({ url: '/docs' })
  assert.equal(page.statusCode, 200)
  assert.match(String(page.headers['content-type']), /^text\/html/)
  // Every script and stylesheet is the server's own.
  const assets = [...page.body.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((m) => m[1]!)
  assert.ok(assets.some((s) => s.endsWith('/swagger-ui-bundle.js')), assets.join(', '))
  for (const asset of assets) {
    assert.match(asset, /^\/docs\/static\//)
    const res = await app.inject({ url: asset })
    assert.equal(res.statusCode, 200, asset)
    assert.ok(res.body.length > 100, asset)
  }
  // The page loads the document from the server too.
  const init = await app.inject({ url: '/docs/static/swagger-initializer.js' })
  assert.match(init.body, /url: resolveUrl\('\.\/json'\)/)
  assert.equal((await app.inject({ url: '/docs/json' })).statusCode, 200)
  await app.close()
})

test('mounted under a prefix in a host app that registers @fastify/swagger itself: the routes and their security are in its document', async () => {
  const host = Fastify()
  await host.register(swagger, { openapi: { openapi: '3.1.0', info: { title: 'host', version: '1.0.0' } } })
  await host.register(tokenwardenAuth, { prefix: '/api', database: new MemoryStore(), keys: [{ alg: 'HS256', secret: TEST_SECRET }], argon2: { memoryCost: 1024, timeCost: 1 }, pruneEvery: 0 })
  host.get('/notes', { config: { auth: true } }, async (request) => ({ owner: request.identity }))
  await host.ready()
  const doc = host.swagger() as unknown as Document
  assert.ok(doc.paths['/api/auth/login']?.post !== undefined)
  assert.deepEqual(doc.paths['/api/auth/me']!.get!.security, [{ bearerAuth: [] }])
  // The schemes the routes name are added to the host's document.
  assert.equal((doc.components.securitySchemes.bearerAuth as { scheme: string }).scheme, 'bearer')
  const validator = new Validator()
  const result = await validator.validate(doc as unknown as Parameters<Validator['validate']>[0])
  assert.equal(result.valid, true, JSON.stringify(result.errors)?.slice(0, 1000))
  assert.ok(doc.paths['/api/auth/me']!.get!.responses['401'] !== undefined)
  // The host's own route, guarded by the same declaration.
  assert.deepEqual(doc.paths['/notes']!.get!.security, [{ bearerAuth: [] }])
  const refused = await host.inject({ url: '/notes' })
  assert.equal(refused.statusCode, 401)
  const reg = await host.inject({ method: 'POST', url: '/api/auth/register', payload: { email: 'ada@example.com', password: 'correct horse battery' } })
  assert.equal(reg.statusCode, 201)
  const tokens = json<Tokens>(await host.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'ada@example.com', password: 'correct horse battery' } }))
  assert.equal(json((await host.inject({ url: '/notes', headers: bearer(tokens.access_token) }))).owner, json(reg).id)
  await host.close()
})

test("without swagger, a host's onError body on a mounted route is sent as the host shaped it", async () => {
  const host = Fastify()
  await host.register(tokenwardenAuth, {
    database: new MemoryStore(),
    keys: [{ alg: 'HS256', secret: TEST_SECRET }],
    argon2: { memoryCost: 1024, timeCost: 1 },
    pruneEvery: 0,
    onError: (err) => ({ msg: err.code.toLowerCase() }),
  })
  const res = await host.inject({ url: '/auth/me' })
  assert.equal(res.statusCode, 401)
  assert.deepEqual(json(res), { msg: 'token_missing' })
  await host.close()
})
