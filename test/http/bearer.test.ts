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
  const variants: Record<string, string>[] = [{}, { authorization: 'Bearer' }, { authorization: 'Bearer ' }, { authorization: '   ' }]
  for (const headers of variants) {
    const res = await me(headers)
    assert.equal(res.statusCode, 401, JSON.stringify(headers))
    assert.equal(json(res).code, 'TOKEN_MISSING')
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="tokenwarden"')
    assert.doesNotMatch(String(res.headers['www-authenticate']), /error=/)
  }
})

test('a token under another scheme, or bare -> 401 TOKEN_SCHEME_INVALID naming the expected form, bare challenge (RFC 6750 §3)', async () => {
  const variants = [`JWT ${tokens.access_token}`, tokens.access_token, `Token ${tokens.access_token}`, 'Basic YTpi', `Bearer${tokens.access_token}`]
  for (const authorization of variants) {
    const res = await me({ authorization })
    assert.equal(res.statusCode, 401, authorization.slice(0, 12))
    const body = json(res)
    assert.equal(body.code, 'TOKEN_SCHEME_INVALID', authorization.slice(0, 12))
    assert.match(String(body.message), /Bearer <token>/)
    assert.ok(!String(body.message).includes(tokens.access_token))
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="tokenwarden"')
  }
  // The refresh route tells the same apart.
  const refresh = await t.app.inject({ method: 'POST', url: '/auth/refresh', headers: { authorization: `JWT ${tokens.refresh_token}` } })
  assert.equal(json(refresh).code, 'TOKEN_SCHEME_INVALID')
  assert.equal((await me(bearer(tokens.access_token))).statusCode, 200)
})

test('the wrong scheme is relative to JWT_HEADER_TYPE; with an empty type a bare token is the expected form', async () => {
  const jwt = await testApp({ JWT_HEADER_TYPE: 'JWT' })
  const a = await signUp(jwt.app)
  const get = (app: TestApp['app'], authorization: string) => app.inject({ url: '/auth/me', headers: { authorization } })
  assert.equal((await get(jwt.app, `JWT ${a.tokens.access_token}`)).statusCode, 200)
  const wrong = await get(jwt.app, `Bearer ${a.tokens.access_token}`)
  assert.equal(json(wrong).code, 'TOKEN_SCHEME_INVALID')
  assert.match(String(json(wrong).message), /JWT <token>/)
  assert.equal(json(await get(jwt.app, 'JWT')).code, 'TOKEN_MISSING')
  await jwt.app.close()
  const bare = await testApp({ JWT_HEADER_TYPE: '' })
  const b = await signUp(bare.app)
  assert.equal((await get(bare.app, b.tokens.access_token)).statusCode, 200)
  assert.equal(json(await bare.app.inject({ url: '/auth/me' })).code, 'TOKEN_MISSING')
  assert.equal(json(await get(bare.app, `Bearer ${b.tokens.access_token}`)).code, 'TOKEN_MALFORMED', 'the whole value is the token')
  await bare.app.close()
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
