// POST /auth/token/inspect: decodes a pasted token and says whether this server accepts it now
// (and with which code it would refuse it), without a token of its own, no-store, and never a
// 500 for rubbish; the token comes only in the body.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bearer, json, signUp, testApp } from '../helpers.js'

interface Inspection {
  header: Record<string, unknown> | null
  claims: Record<string, unknown> | null
  accepted: boolean
  code: string | null
  message: string | null
  session_live: boolean | null
}

test('a live token is accepted and decoded; after logout the same token is refused TOKEN_REVOKED', async () => {
  const { app } = await testApp()
  try {
    const { tokens, user } = await signUp(app)
    const inspect = (token: unknown) => app.inject({ method: 'POST', url: '/auth/token/inspect', payload: { token } })
    const live = await inspect(tokens.access_token)
    assert.equal(live.statusCode, 200)
    assert.equal(live.headers['cache-control'], 'no-store')
    const body = json<Inspection>(live)
    assert.equal(body.accepted, true)
    assert.equal(body.session_live, true)
    assert.equal(body.code, null)
    assert.equal(body.claims?.sub, user.id)
    assert.equal(body.claims?.type, 'access')
    assert.equal(body.header?.typ, 'JWT')
    assert.ok(!live.body.includes(tokens.access_token), 'the token itself is not echoed')

    const refresh = json<Inspection>(await inspect(tokens.refresh_token))
    assert.equal(refresh.accepted, true)
    assert.equal(refresh.claims?.type, 'refresh')

    assert.equal((await app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token) })).statusCode, 204)
    const ended = json<Inspection>(await inspect(tokens.access_token))
    assert.deepEqual([ended.accepted, ended.code, ended.session_live], [false, 'TOKEN_REVOKED', false])
    assert.equal(typeof ended.message, 'string')
  } finally {
    await app.close()
  }
})

test('a forged, malformed or oversized token gets its refusal code in a 200; a body without a string token is a 400', async () => {
  const { app } = await testApp()
  try {
    const { tokens } = await signUp(app)
    const inspect = (payload: unknown) => app.inject({ method: 'POST', url: '/auth/token/inspect', payload: payload as object })
    const [h, p] = tokens.access_token.split('.')
    const forged = json<Inspection>(await inspect({ token: `${h}.${p}.${'A'.repeat(43)}` }))
    assert.deepEqual([forged.accepted, forged.code, forged.session_live], [false, 'TOKEN_SIGNATURE_INVALID', null])
    assert.equal(typeof forged.claims?.sub, 'string', 'decoded even though refused')
    const junk = json<Inspection>(await inspect({ token: 'hello' }))
    assert.deepEqual([junk.header, junk.claims, junk.accepted, junk.code], [null, null, false, 'TOKEN_MALFORMED'])
    assert.equal(json<Inspection>(await inspect({ token: 'x'.repeat(9000) })).code, 'TOKEN_TOO_LARGE')
    for (const bad of [{}, { token: 42 }, { token: 'x'.repeat(20_000) }]) {
      const res = await inspect(bad)
      assert.equal(res.statusCode, 400, JSON.stringify(bad).slice(0, 40))
      assert.equal(json(res).code, 'VALIDATION_FAILED')
    }
  } finally {
    await app.close()
  }
})
