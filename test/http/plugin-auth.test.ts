// The guard plugin given an Auth (createAuth) instead of keys: its guards check each token's
// session through it, app.tokenwarden.auth hands out the services, an isRevoked of the host's
// runs after the session check, and options that `auth` replaces are refused.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import Fastify from 'fastify'
import { tokenwarden, type TokenwardenPluginOptions } from '../../src/fastify.js'
import { bearer, coreAuth, json, TEST_SECRET } from '../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

async function build(options: { isRevoked?: (claims: { jti: string }) => boolean } = {}) {
  const { auth } = coreAuth()
  const app = Fastify()
  await app.register(tokenwarden, { auth, ...options })
  app.get('/me', { onRequest: app.tokenwarden.guard() }, async (request) => ({ id: request.identity }))
  await auth.accounts.register(ADA)
  return { app, auth }
}

test('guards refuse a token at once once its session ends through the Auth', async (t) => {
  const { app, auth } = await build()
  t.after(() => app.close())
  assert.equal(app.tokenwarden.auth, auth)
  const { accessToken, user } = await auth.accounts.login(ADA)
  assert.deepEqual(json(await app.inject({ url: '/me', headers: bearer(accessToken) })), { id: user.id })
  await auth.sessions.logout(auth.verifier.verify(accessToken))
  const res = await app.inject({ url: '/me', headers: bearer(accessToken) })
  assert.equal(res.statusCode, 401)
  assert.equal(json(res).code, 'TOKEN_REVOKED')
})

test('tokens signed without a session (createAccessToken) are refused: sign in through accounts.login', async (t) => {
  const { app } = await build()
  t.after(() => app.close())
  const res = await app.inject({ url: '/me', headers: bearer(app.tokenwarden.createAccessToken('someone')) })
  assert.equal(json(res).code, 'TOKEN_CLAIM_INVALID')
})

test('the host\'s isRevoked runs after the session check and can refuse a live session\'s token', async (t) => {
  const blocked = new Set<string>()
  const { app, auth } = await build({ isRevoked: (claims) => blocked.has(claims.jti) })
  t.after(() => app.close())
  const { accessToken } = await auth.accounts.login(ADA)
  assert.equal((await app.inject({ url: '/me', headers: bearer(accessToken) })).statusCode, 200)
  blocked.add(auth.verifier.verify(accessToken).jti)
  assert.equal(json(await app.inject({ url: '/me', headers: bearer(accessToken) })).code, 'TOKEN_REVOKED')
})

test('options that auth replaces are a TypeError; app.tokenwarden.auth without an Auth is a TypeError', async () => {
  const { auth } = coreAuth()
  for (const extra of [{ keys: [{ alg: 'HS256' as const, secret: TEST_SECRET }] }, { verifier: auth.verifier }, { issuer: auth.issuer }, { verify: { leeway: 5 } }, { issue: { accessTtl: 60 } }]) {
    const app = Fastify()
    await assert.rejects(async () => void (await app.register(tokenwarden, { auth, ...extra } as TokenwardenPluginOptions)), (err: Error) => err instanceof TypeError && err.message.includes(`\`${Object.keys(extra)[0]}\` comes from \`auth\``))
    await app.close()
  }
  const plain = Fastify()
  await plain.register(tokenwarden, { keys: [{ alg: 'HS256', secret: TEST_SECRET }] })
  assert.throws(() => plain.tokenwarden.auth, (err: Error) => err instanceof TypeError && /register tokenwardenAuth/.test(err.message))
  await plain.close()
})
