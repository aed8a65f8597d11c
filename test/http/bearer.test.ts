// GET /auth/me behind the guard: the Bearer scheme in any case (RFC 7235 §2.1), and the RFC 6750
// §3 challenges: bare when no token came, error="invalid_token" when a bad one did.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createIssuer } from '../../src/core/tokens/issue.js'
import { Keyring } from '../../src/core/tokens/keyring.js'
import { bearer, json, signUp, testApp, type TestApp, type Tokens } from '../helpers.js'

let t: TestApp
let tokens: Tokens
let user: Record<string, unknown>

before(async () => {
  t = await testApp()
  ;({ tokens, user } = await signUp(t.app, { username: 'ada' }))
})
after(() => t.app.close())

const me = (headers: Record<string, string> = {}) => t.app.inject({ url: '/auth/me', headers })

test('/auth/me with Bearer, bearer and BEARER -> 200 with the user', async () => {
  for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
    const res = await me({ authorization: `${scheme} ${tokens.access_token}` })
    assert.equal(res.statusCode, 200, scheme)
    const body = json(res)
    assert.equal(body.id, user.id)
    assert.equal(body.email, 'ada@example.com')
    assert.equal(body.username, 'ada')
    assert.ok(!('password_hash' in body) && !('passwordHash' in body))
  }
})

test('no token -> 401 TOKEN_MISSING with a bare Bearer challenge (no error param)', async () => {
  const variants: Record<string, string>[] = [{}, { authorization: 'Bearer' }, { authorization: 'Bearer ' }, { authorization: 'Basic YTpi' }, { authorization: `Token ${tokens.access_token}` }]
  for (const headers of variants) {
    const res = await me(headers)
    assert.equal(res.statusCode, 401, JSON.stringify(headers))
    assert.equal(json(res).code, 'TOKEN_MISSING')
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="tokenwarden"')
    assert.doesNotMatch(String(res.headers['www-authenticate']), /error=/)
  }
})

test('bad tokens -> 401 with error="invalid_token" and a precise code', async () => {
  const [h, p, s] = tokens.access_token.split('.')
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'someone-else' })).toString('base64url')}.${s}`
  const otherSecret = createIssuer({ keyring: Keyring.of([{ alg: 'HS256', secret: 'a-different-secret-of-32-bytes-or-more' }]) })
  const cases: [string, string][] = [
    ['not-a-jwt', 'TOKEN_MALFORMED'],
    ['abc.def.ghi', 'TOKEN_MALFORMED'],
    [forged, 'TOKEN_SIGNATURE_INVALID'],
    [`${h}.${p}.`, 'TOKEN_ALGORITHM_INVALID'],
    ['x'.repeat(9000), 'TOKEN_TOO_LARGE'],
    [otherSecret.issue('access', { sub: String(user.id), sid: 'x' }).token, 'TOKEN_KEY_UNKNOWN'],
  ]
  for (const [token, code] of cases) {
    const res = await me(bearer(token))
    assert.equal(res.statusCode, 401, code)
    assert.equal(json(res).code, code)
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="tokenwarden", error="invalid_token"', code)
    assert.ok(!res.body.includes(token), 'the token is not echoed')
  }
})

test('an expired access token -> 401 TOKEN_EXPIRED', async () => {
  const { tokens: mine } = await signUp(t.app, { email: 'expiring@example.com' })
  t.clock.advance(900_000)
  const res = await me(bearer(mine.access_token))
  assert.equal(res.statusCode, 401)
  assert.equal(json(res).code, 'TOKEN_EXPIRED')
  assert.match(String(res.headers['www-authenticate']), /error="invalid_token"/)
})

test('a refresh token on /auth/me -> 401 TOKEN_TYPE_INVALID', async () => {
  const { tokens: mine } = await signUp(t.app, { email: 'types@example.com' })
  const res = await me(bearer(mine.refresh_token))
  assert.equal(res.statusCode, 401)
  assert.equal(json(res).code, 'TOKEN_TYPE_INVALID')
  assert.match(String(res.headers['www-authenticate']), /error="invalid_token"/)
})

test('a validly signed token naming a session that never existed -> 401 TOKEN_REVOKED', async () => {
  const { token } = t.auth.issuer.issue('access', { sub: String(user.id), sid: 'no-such-session' })
  const res = await me(bearer(token))
  assert.equal(res.statusCode, 401)
  assert.equal(json(res).code, 'TOKEN_REVOKED')
  const noSid = t.auth.issuer.issue('access', { sub: String(user.id) }).token
  const res2 = await me(bearer(noSid))
  assert.equal(res2.statusCode, 401)
  assert.equal(json(res2).code, 'TOKEN_CLAIM_INVALID')
})
