// The attack suite through the server: each forged or broken token sent to GET /auth/me is a
// 401 with its exact code and an RFC 6750 invalid_token challenge, never a 5xx.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { AUDIENCE, ISSUER, attackSetup, attacks } from '../core/tokens/attacks.js'
import { bearer, json, testApp, type TestApp } from '../helpers.js'

const NOW = 1_800_000_000
const setup = attackSetup(NOW)
const cases = attacks(setup)
let t: TestApp

before(async () => {
  t = await testApp({ JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE }, { keyring: setup.keyring })
  t.clock.set(NOW * 1000)
})
after(() => t.app.close())

test('the suite holds at least 30 attacks', () => {
  assert.ok(cases.length >= 30)
})

for (const attack of cases) {
  test(`HTTP refuses: ${attack.name} -> 401 ${attack.code}`, async () => {
    const res = await t.app.inject({ url: '/auth/me', headers: bearer(attack.token) })
    assert.equal(res.statusCode, 401)
    const body = json(res)
    assert.equal(body.code, attack.code)
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="tokenwarden", error="invalid_token"')
    assert.ok(!res.body.includes(attack.token), 'the token is not echoed')
  })
}

test('a real token from this server (same ring, iss and aud) is accepted: the refusals are about the forgeries', async () => {
  await t.app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'eve@example.com', password: 'correct horse battery' } })
  const login = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'eve@example.com', password: 'correct horse battery' } })
  const me = await t.app.inject({ url: '/auth/me', headers: bearer(json<{ access_token: string }>(login).access_token) })
  assert.equal(me.statusCode, 200)
})
