// Independent verifiers must accept our HS256 tokens: PyJWT (what a Flask + PyJWT service runs,
// via Debian's python3-jwt at /usr/bin/python3) and jose. Under CI=true PyJWT may not be skipped.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test, type TestContext } from 'node:test'
import { jwtVerify } from 'jose'
import { createIssuer } from '../../../src/core/tokens/issue.js'
import { Keyring } from '../../../src/core/tokens/keyring.js'
import { createVerifier } from '../../../src/core/tokens/verify.js'

const SECRET = 'interop-secret-that-is-at-least-32-bytes'
const PYTHON = '/usr/bin/python3'
const keyring = Keyring.of([{ alg: 'HS256', secret: SECRET }])
const issuer = createIssuer({ keyring })

/** Runs a Python snippet with the token and secret in the environment (never on the command line). */
function python(code: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(PYTHON, ['-c', code], { env: { ...env, PATH: '/usr/bin:/bin' }, encoding: 'utf8', timeout: 20_000 })
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.error ? String(r.error) : (r.stderr ?? '') }
}

/** Why PyJWT cannot run here, or undefined when it can. */
function pyjwtMissing(): string | undefined {
  const r = python('import jwt; print(jwt.__version__)', {})
  return r.status === 0 ? undefined : `${PYTHON} cannot import jwt (apt-get install python3-jwt): ${r.stderr.trim().split('\n').pop()}`
}

/** True when PyJWT can run; otherwise skips the test with the reason (and fails under CI=true). */
function pyjwtAvailable(t: TestContext): boolean {
  const missing = pyjwtMissing()
  if (missing === undefined) return true
  assert.notEqual(process.env.CI, 'true', `PyJWT interop must run under CI: ${missing}`)
  console.log(`skipping PyJWT interop: ${missing}`)
  t.skip(missing)
  return false
}

test('PyJWT decodes our HS256 token: jwt.decode(token, secret, algorithms=["HS256"])', (t) => {
  if (!pyjwtAvailable(t)) return
  const { token, claims } = issuer.issue('access', { sub: '42', sid: 'sess-1', fresh: true, roles: ['user'] })
  const r = python(
    'import jwt, json, os\nprint(json.dumps(jwt.decode(os.environ["TOKEN"], os.environ["SECRET"], algorithms=["HS256"])))',
    { TOKEN: token, SECRET },
  )
  assert.equal(r.status, 0, `PyJWT refused the token: ${r.stderr.split('\n').filter(Boolean).pop()}`)
  assert.deepEqual(JSON.parse(r.stdout), { ...claims })
  // And PyJWT really checks the signature: the wrong secret is refused.
  const bad = python('import jwt, os\njwt.decode(os.environ["TOKEN"], os.environ["SECRET"], algorithms=["HS256"])', {
    TOKEN: token,
    SECRET: 'x'.repeat(32),
  })
  assert.notEqual(bad.status, 0)
  assert.match(bad.stderr, /InvalidSignatureError/)
})

test('a token PyJWT signed (a Flask-JWT-Extended app sharing the secret) verifies here', (t) => {
  if (!pyjwtAvailable(t)) return
  const code = [
    'import jwt, os, time, uuid',
    'now = int(time.time())',
    'claims = {"sub": "7", "type": "access", "fresh": False, "jti": str(uuid.uuid4()), "iat": now, "nbf": now, "exp": now + 900}',
    'print(jwt.encode(claims, os.environ["SECRET"], algorithm="HS256"))',
  ].join('\n')
  const r = python(code, { SECRET })
  assert.equal(r.status, 0, r.stderr)
  const claims = createVerifier({ keyring }).verify(r.stdout.trim(), 'access')
  assert.equal(claims.sub, '7')
  assert.equal(claims.fresh, false)
})

test('jose verifies our HS256 token independently', async () => {
  const { token, claims } = issuer.issue('refresh', { sub: '42', sid: 'sess-1' })
  const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(SECRET), { algorithms: ['HS256'] })
  assert.equal(protectedHeader.alg, 'HS256')
  assert.equal(protectedHeader.kid, keyring.signing.kid)
  assert.deepEqual(payload, { ...claims })
  await assert.rejects(
    jwtVerify(token, new TextEncoder().encode('y'.repeat(32)), { algorithms: ['HS256'] }),
    (err: { code?: string }) => err.code === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  )
})
