// `tokenwarden token issue | inspect`: an operator's token for a user (stdout alone, not fresh,
// its ttl bounded), inspected with the server's keys (accepted, refused with its code, the
// session's liveness), refusals and usage errors with their exit codes; the token is never
// printed back by inspect.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { tokenMain } from '../../src/cli/token.js'
import { usersMain } from '../../src/cli/users.js'
import { capture, tempEnv } from './cli-io.js'

async function withUser(t: TestContext, extra: Record<string, string> = {}) {
  const { env } = tempEnv(t, { TOKENWARDEN_PASSWORD: 'correct horse battery', ...extra })
  const c = capture()
  assert.equal(await usersMain(['create', '--email', 'ada@example.com'], env, c.io), 0, c.all())
  return env
}

async function issue(env: Record<string, string>, ...args: string[]) {
  const c = capture()
  const code = await tokenMain(['issue', '--user', 'ada@example.com', ...args], env, c.io)
  return { code, c, token: c.out[0] ?? '' }
}

test('token issue prints the access token alone on stdout; inspect accepts it, session live, and never prints it back', async (t) => {
  const env = await withUser(t)
  const { code, c, token } = await issue(env, '--ttl', '1h')
  assert.equal(code, 0, c.all())
  assert.equal(c.out.length, 1)
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/)
  assert.match(c.err.join('\n'), /not fresh, valid until/)

  const arg = capture()
  assert.equal(await tokenMain(['inspect', token], env, arg.io), 0, arg.all())
  assert.match(arg.all(), /Accepted: this server accepts it now\. Session: live\./)
  assert.match(arg.all(), /"fresh": false/)
  assert.ok(!arg.all().includes(token) && !arg.all().includes(token.split('.')[2]!), 'the token is not printed back')

  const piped = capture(`${token}\n`)
  assert.equal(await tokenMain(['inspect', '--json'], env, piped.io), 0, piped.all())
  const json = JSON.parse(piped.out.join('\n')) as { accepted: boolean; session_live: boolean; claims: { exp: number; iat: number; fresh: boolean } }
  assert.equal(json.accepted, true)
  assert.equal(json.session_live, true)
  // exp is fixed when the session opens; iat is read when signing, possibly a second later.
  assert.ok([3599, 3600].includes(json.claims.exp - json.claims.iat))
  assert.equal(json.claims.fresh, false)
})

test('token issue --json; the default ttl is ACCESS_TOKEN_TTL', async (t) => {
  const env = await withUser(t, { ACCESS_TOKEN_TTL: '10m' })
  const c = capture()
  assert.equal(await tokenMain(['issue', '--user', 'ada@example.com', '--json'], env, c.io), 0, c.all())
  const body = JSON.parse(c.out[0]!) as { access_token: string; token_type: string; expires_in: number; session_id: string }
  assert.equal(body.token_type, 'Bearer')
  assert.ok([599, 600].includes(body.expires_in))
  assert.ok(body.session_id.length > 0)
  assert.equal('refresh_token' in body, false)
})

test('after users disable: issue refused ACCOUNT_DISABLED (1); inspect says TOKEN_REVOKED, session ended (1)', async (t) => {
  const env = await withUser(t)
  const { token } = await issue(env)
  assert.equal(await usersMain(['disable', 'ada@example.com'], env, capture().io), 0)
  const refused = await issue(env)
  assert.equal(refused.code, 1)
  assert.match(refused.c.err.join('\n'), /ACCOUNT_DISABLED/)
  assert.equal(refused.c.out.length, 0)
  const c = capture()
  assert.equal(await tokenMain(['inspect', '--json', token], env, c.io), 1)
  const json = JSON.parse(c.out.join('\n')) as { accepted: boolean; code: string; session_live: boolean }
  assert.deepEqual([json.accepted, json.code, json.session_live], [false, 'TOKEN_REVOKED', false])
})

test('inspect refuses what this server did not sign: another key refused with a TOKEN_* code, garbage TOKEN_MALFORMED (exit 1)', async (t) => {
  const env = await withUser(t)
  const { token } = await issue(env)
  const other = capture()
  assert.equal(await tokenMain(['inspect', '--json', token], { ...env, JWT_SECRET: 'another-secret-Pq7mW2xLk9Vb4Nc8Zt1Rf5Hj3Gd6Sa0Y' }, other.io), 1)
  const json = JSON.parse(other.out.join('\n')) as { accepted: boolean; code: string; session_live: null }
  assert.equal(json.accepted, false)
  assert.match(json.code, /^TOKEN_/)
  assert.equal(json.session_live, null)
  const garbage = capture()
  assert.equal(await tokenMain(['inspect', 'not-a-token'], env, garbage.io), 1)
  assert.match(garbage.all(), /Not a JWT/)
  assert.match(garbage.all(), /TOKEN_MALFORMED/)
})

test('refusals and usage: unknown user 1; --ttl past REFRESH_TOKEN_TTL or not a duration 2; no token 2; unknown option 2 with the usage line; --help 0', async (t) => {
  const env = await withUser(t, { REFRESH_TOKEN_TTL: '1d' })
  const unknown = capture()
  assert.equal(await tokenMain(['issue', '--user', 'nobody@example.com'], env, unknown.io), 1)
  assert.match(unknown.err.join('\n'), /USER_NOT_FOUND/)
  for (const ttl of ['2d', 'soon', '0']) assert.equal((await issue(env, '--ttl', ttl)).code, 2, ttl)
  assert.equal((await issue(env, '--ttl', '1d')).code, 0)
  assert.equal(await tokenMain(['inspect'], env, capture('  \n').io), 2)
  assert.equal(await tokenMain(['issue'], env, capture().io), 2, '--user is required')
  for (const argv of [['issue', '--user', 'ada@example.com', '--bogus'], ['inspect', '--bogus', 'x'], ['frob']]) {
    const c = capture()
    assert.equal(await tokenMain(argv, env, c.io), 2, argv.join(' '))
    assert.match(c.err.join('\n'), /^Usage: tokenwarden token/m, argv.join(' '))
  }
  for (const argv of [['--help'], ['issue', '--help'], ['inspect', '--help']]) {
    const c = capture()
    assert.equal(await tokenMain(argv, env, c.io), 0)
    assert.match(c.out.join('\n'), /^Usage: tokenwarden token/)
  }
  const help = capture()
  await tokenMain(['issue', '--help'], env, help.io)
  assert.match(help.out.join('\n'), /--ttl <duration>/)
})
