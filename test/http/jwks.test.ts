// GET /.well-known/jwks.json and /.well-known/openid-configuration, checked by an independent
// verifier: jose, given only the published set, accepts the tokens the server issues for every
// asymmetric algorithm. Plus rotation through the server, and the discovery document claiming
// only what the server does.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose'
import { Keyring, type Algorithm } from '../../src/core/tokens/keyring.js'
import { generateStoredKey } from '../../src/core/tokens/ring-file.js'
import { MemoryStore } from '../../src/store/memory.js'
import { bearer, json, signUp, testApp, type Tokens } from '../helpers.js'

const ISSUER = 'https://auth.example.test'

test('HS256 (the default): an empty key set, cacheable', async () => {
  const { app } = await testApp()
  const res = await app.inject({ url: '/.well-known/jwks.json' })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(json(res), { keys: [] })
  assert.match(String(res.headers['cache-control']), /max-age=\d+/)
  await app.close()
})

for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA'] as const satisfies readonly Algorithm[]) {
  test(`${alg} from JWT_PRIVATE_KEY: jose verifies a login token with the published set alone`, async () => {
    const privateKey = generateStoredKey(alg, Date.now()).privateKey!
    const { app, clock } = await testApp({ JWT_ALGORITHM: alg, JWT_PRIVATE_KEY: privateKey, JWT_ISSUER: ISSUER, JWT_AUDIENCE: 'api' })
    const { tokens } = await signUp(app)
    const set = json<{ keys: Record<string, string>[] }>(await app.inject({ url: '/.well-known/jwks.json' }))
    assert.equal(set.keys.length, 1)
    assert.equal(set.keys[0]!.alg, alg)
    assert.ok(!JSON.stringify(set).includes('"d"'), 'no private member')
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, createLocalJWKSet(set as never), {
      issuer: ISSUER,
      audience: 'api',
      algorithms: [alg],
      currentDate: new Date(clock.now()),
    })
    assert.equal(protectedHeader.kid, set.keys[0]!.kid)
    assert.equal(payload.type, 'access')
    await app.close()
  })
}

test('openid-configuration: issuer, jwks_uri and endpoints under JWT_ISSUER, the ring algorithms', async () => {
  const privateKey = generateStoredKey('ES256', Date.now()).privateKey!
  const { app } = await testApp({ JWT_ALGORITHM: 'ES256', JWT_PRIVATE_KEY: privateKey, JWT_ISSUER: ISSUER })
  const meta = json<Record<string, unknown>>(await app.inject({ url: '/.well-known/openid-configuration' }))
  assert.equal(meta.issuer, ISSUER)
  assert.equal(meta.jwks_uri, `${ISSUER}/.well-known/jwks.json`)
  assert.equal(meta.login_endpoint, `${ISSUER}/auth/login`)
  assert.equal(meta.refresh_endpoint, `${ISSUER}/auth/refresh`)
  assert.deepEqual(meta.token_signing_alg_values_supported, ['ES256'])
  await app.close()
})

test('openid-configuration claims only what the server does: each endpoint answers, no grant types, no id_token, no OAuth token endpoint', async () => {
  const { app } = await testApp()
  const meta = json<Record<string, unknown>>(await app.inject({ url: '/.well-known/openid-configuration', headers: { host: 'localhost' } }))
  // Every member is one this test checks: a new claim must come with its check.
  assert.deepEqual(Object.keys(meta).sort(), [
    'claims_supported',
    'issuer',
    'jwks_uri',
    'login_endpoint',
    'logout_endpoint',
    'me_endpoint',
    'refresh_endpoint',
    'register_endpoint',
    'token_signing_alg_values_supported',
  ])
  for (const absent of ['token_endpoint', 'userinfo_endpoint', 'grant_types_supported', 'response_types_supported', 'id_token_signing_alg_values_supported', 'subject_types_supported']) {
    assert.equal(meta[absent], undefined, absent)
  }
  const path = (key: string) => new URL(String(meta[key])).pathname
  const { tokens } = await signUp(app)
  // Each endpoint does what its name says, by the method tokenwarden uses for it.
  assert.equal((await app.inject({ url: path('jwks_uri') })).statusCode, 200)
  assert.equal((await app.inject({ method: 'POST', url: path('register_endpoint'), payload: { email: 'bo@example.com', password: 'another good password' } })).statusCode, 201)
  const login = await app.inject({ method: 'POST', url: path('login_endpoint'), payload: { email: 'bo@example.com', password: 'another good password' } })
  assert.equal(login.statusCode, 200)
  assert.equal((await app.inject({ url: path('me_endpoint'), headers: bearer(tokens.access_token) })).statusCode, 200)
  const refreshed = await app.inject({ method: 'POST', url: path('refresh_endpoint'), headers: bearer(tokens.refresh_token) })
  assert.equal(refreshed.statusCode, 200)
  assert.equal((await app.inject({ method: 'POST', url: path('logout_endpoint'), headers: bearer(json<Tokens>(refreshed).access_token) })).statusCode, 204)
  // The algorithms are the ring's, and the claims are ones our tokens carry.
  assert.deepEqual(meta.token_signing_alg_values_supported, ['HS256'])
  const claims = decodeJwt(json<Tokens>(login).access_token)
  for (const claim of Object.keys(claims)) assert.ok((meta.claims_supported as string[]).includes(claim), claim)
  assert.equal(meta.issuer, 'http://localhost')
  await app.close()
})

test('openid-configuration without JWT_ISSUER: endpoints on the request origin (X-Forwarded-* only with TRUST_PROXY)', async () => {
  const { app } = await testApp({ TRUST_PROXY: 'true' })
  const meta = json<Record<string, unknown>>(
    await app.inject({ url: '/.well-known/openid-configuration', headers: { host: 'auth.internal:8080', 'x-forwarded-proto': 'https' } }),
  )
  assert.equal(meta.jwks_uri, 'https://auth.internal:8080/.well-known/jwks.json')
  assert.deepEqual(meta.token_signing_alg_values_supported, ['HS256'])
  await app.close()
})

test('rotation through the server: old tokens verify until the old key retires, new logins carry the new kid, both keys published', async () => {
  const store = new MemoryStore()
  const old = { alg: 'ES256' as const, privateKey: generateStoredKey('ES256', 0).privateKey! }
  const before = await testApp({}, { store, keyring: Keyring.of([old]) })
  const { tokens } = await signUp(before.app)
  const retireAt = before.clock.now() + 3600_000
  const next = { alg: 'EdDSA' as const, privateKey: generateStoredKey('EdDSA', 0).privateKey! }
  const ring = Keyring.of([next, { ...old, notAfter: retireAt }])
  const after = await testApp({}, { store, keyring: ring })
  after.clock.set(before.clock.now())

  const set = json<{ keys: { kid: string }[] }>(await after.app.inject({ url: '/.well-known/jwks.json' }))
  assert.deepEqual(set.keys.map((k) => k.kid), [ring.signing.kid, Keyring.of([old]).signing.kid])
  assert.equal((await after.app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })).statusCode, 200)
  const login = await after.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: 'correct horse battery' } })
  const fresh = json<{ access_token: string }>(login).access_token
  assert.equal(JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()).kid, ring.signing.kid)

  after.clock.set(retireAt) // the old refresh token is still unexpired, but its key has retired
  const refused = await after.app.inject({ method: 'POST', url: '/auth/refresh', headers: bearer(tokens.refresh_token) })
  assert.equal(json(refused).code, 'TOKEN_KEY_UNKNOWN')
  assert.equal(json<{ keys: unknown[] }>(await after.app.inject({ url: '/.well-known/jwks.json' })).keys.length, 1)
  await before.app.close()
  await after.app.close()
})
