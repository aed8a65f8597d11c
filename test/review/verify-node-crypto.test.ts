// Review: attacks on signature checks done with node:crypto (keyring.ts verifySignature,
// verify.ts checkSignature), the verified-token cache, and the lazy request logger.
// jose serves as the independent verifier where our answer should match it.

import assert from 'node:assert/strict'
import crypto, { constants, createHmac, createPrivateKey, createPublicKey, createSecretKey, randomBytes, sign as cryptoSign, type KeyObject } from 'node:crypto'
import { syncBuiltinESMExports } from 'node:module'
import { mock, test } from 'node:test'
import { compactVerify } from 'jose'
import { ManualClock } from '../../src/core/clock.js'
import { AuthError } from '../../src/core/errors.js'
import { ALGORITHMS, Keyring, isSymmetric, type Algorithm, type KeyInput } from '../../src/core/tokens/keyring.js'
import { generateStoredKey } from '../../src/core/tokens/ring-file.js'
import { createVerifier } from '../../src/core/tokens/verify.js'
import { bearer, json, testApp } from '../helpers.js'

const NOW = 1_800_000_000
const clock = new ManualClock(NOW * 1000)
const CLAIMS = { sub: '42', type: 'access', jti: 'j1', exp: NOW + 60, iat: NOW }
const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n
const ED_L = (1n << 252n) + 27742317777372353535851937790883648493n

function keyFor(alg: Algorithm): { input: KeyInput; signKey: KeyObject } {
  const k = generateStoredKey(alg, NOW * 1000)
  if (isSymmetric(alg)) {
    const secret = Buffer.from(k.secret!, 'base64url')
    return { input: { alg, secret, kid: alg }, signKey: createSecretKey(secret) }
  }
  return { input: { alg, privateKey: k.privateKey!, kid: alg }, signKey: createPrivateKey(k.privateKey!) }
}

function signWith(alg: Algorithm, key: KeyObject, input: string, pssSalt = 32): Buffer {
  const data = Buffer.from(input)
  if (isSymmetric(alg)) return createHmac(`sha${alg.slice(2)}`, key).update(input).digest()
  if (alg === 'RS256') return cryptoSign('sha256', data, key)
  if (alg === 'PS256') return cryptoSign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pssSalt })
  if (alg === 'ES256') return cryptoSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })
  return cryptoSign(null, data, key)
}

const KEYS = Object.fromEntries(ALGORITHMS.map((alg) => [alg, keyFor(alg)])) as Record<Algorithm, ReturnType<typeof keyFor>>
/** One ring holding a key of every algorithm, each under kid = its algorithm. */
const RING = Keyring.of(ALGORITHMS.map((alg) => KEYS[alg].input))
const verifier = createVerifier({ keyring: RING, clock, cacheSize: 0 })
const headerOf = (alg: string, kid: string = alg): string => b64({ alg, typ: 'JWT', kid })
const tokenOf = (alg: Algorithm, claims: object = CLAIMS): string => {
  const input = `${headerOf(alg)}.${b64(claims)}`
  return `${input}.${signWith(alg, KEYS[alg].signKey, input).toString('base64url')}`
}
const withSig = (token: string, sig: Buffer | string): string =>
  `${token.slice(0, token.lastIndexOf('.'))}.${typeof sig === 'string' ? sig : sig.toString('base64url')}`
const code = (fn: () => unknown): string => {
  try {
    fn()
    return 'ACCEPTED'
  } catch (err) {
    return err instanceof AuthError ? err.code : `NOT_AUTH_ERROR ${String(err)}`
  }
}
async function joseAccepts(token: string, alg: Algorithm): Promise<boolean> {
  const key = isSymmetric(alg) ? KEYS[alg].signKey : createPublicKey(KEYS[alg].signKey)
  return compactVerify(token, key).then(() => true, () => false)
}

test('algorithm confusion: every header alg other than the kid\'s key alg is TOKEN_ALGORITHM_INVALID, whatever signs it', () => {
  for (const keyAlg of ALGORITHMS) {
    const target = KEYS[keyAlg]
    // HMAC keyed with the target's public material in every form a confused verifier might use.
    const materials: Buffer[] = isSymmetric(keyAlg)
      ? [target.signKey.export()]
      : [
          Buffer.from(createPublicKey(target.signKey).export({ format: 'pem', type: 'spki' }) as string),
          createPublicKey(target.signKey).export({ format: 'der', type: 'spki' }),
          Buffer.from(JSON.stringify(createPublicKey(target.signKey).export({ format: 'jwk' }))),
        ]
    for (const headerAlg of ALGORITHMS.filter((a) => a !== keyAlg)) {
      const input = `${headerOf(headerAlg, keyAlg)}.${b64(CLAIMS)}`
      const sigs = isSymmetric(headerAlg)
        ? materials.map((m) => signWith(headerAlg, createSecretKey(m), input))
        : [signWith(headerAlg, KEYS[headerAlg].signKey, input)] // a real key of that alg, wrong kid
      for (const sig of sigs) {
        assert.equal(code(() => verifier.verify(`${input}.${sig.toString('base64url')}`)), 'TOKEN_ALGORITHM_INVALID', `${headerAlg} token under kid ${keyAlg}`)
      }
    }
  }
})

test('the right alg and kid signed by another key of the same alg is TOKEN_SIGNATURE_INVALID; odd kids are TOKEN_KEY_UNKNOWN', () => {
  for (const alg of ALGORITHMS) {
    const other = keyFor(alg).signKey
    const input = `${headerOf(alg)}.${b64(CLAIMS)}`
    assert.equal(code(() => verifier.verify(`${input}.${signWith(alg, other, input).toString('base64url')}`)), 'TOKEN_SIGNATURE_INVALID', alg)
    assert.equal(verifier.verify(tokenOf(alg)).sub, '42', `${alg} control`)
  }
  for (const kid of ['', '__proto__', 'constructor', 'hs256', 'HS256 ', 'toString']) {
    const input = `${headerOf('HS256', kid)}.${b64(CLAIMS)}`
    assert.equal(code(() => verifier.verify(`${input}.${signWith('HS256', KEYS.HS256.signKey, input).toString('base64url')}`)), 'TOKEN_KEY_UNKNOWN', `kid ${JSON.stringify(kid)}`)
  }
})

test('a signature valid over a different signing input is refused (trailing dot, one segment, other header)', () => {
  for (const alg of ALGORITHMS) {
    const h = headerOf(alg)
    const p = b64(CLAIMS)
    const sign = (input: string): string => signWith(alg, KEYS[alg].signKey, input).toString('base64url')
    for (const other of [`${h}.${p}.`, `${h}`, `${p}`, `${h}${p}`, `.${h}.${p}`, `${b64({ alg, kid: alg })}.${p}`, `${h}.${p}=`]) {
      assert.equal(code(() => verifier.verify(`${h}.${p}.${sign(other)}`)), 'TOKEN_SIGNATURE_INVALID', `${alg} over ${other.length}`)
    }
    const good = `${h}.${p}.${sign(`${h}.${p}`)}`
    for (const shape of [`${good}.`, `${good}.${sign(`${h}.${p}`)}`, `${h}.${p}.${p}.${sign(`${h}.${p}`)}`, `.${good}`, `${h}..${sign(`${h}.${p}`)}`]) {
      assert.equal(code(() => verifier.verify(shape)), 'TOKEN_MALFORMED', `${alg} shape`)
    }
  }
})

test('signatures of every wrong length, and random bytes, are TOKEN_SIGNATURE_INVALID, never another error', () => {
  for (const alg of ALGORITHMS) {
    const good = tokenOf(alg)
    const size = Buffer.from(good.slice(good.lastIndexOf('.') + 1), 'base64url').length
    for (const len of [1, 2, size - 2, size - 1, size, size + 1, 2 * size, 4096]) {
      assert.equal(code(() => verifier.verify(withSig(good, randomBytes(len)))), 'TOKEN_SIGNATURE_INVALID', `${alg} ${len} random bytes`)
      assert.equal(code(() => verifier.verify(withSig(good, Buffer.alloc(len)))), 'TOKEN_SIGNATURE_INVALID', `${alg} ${len} zero bytes`)
    }
    // one base64url character decodes to no bytes at all
    for (const seg of ['A', 'AA', '_', '-']) assert.equal(code(() => verifier.verify(withSig(good, seg))), 'TOKEN_SIGNATURE_INVALID', `${alg} ${seg}`)
    for (const len of [0, 1, 31, 64, 65, 255, 256, 257, 100_000]) {
      assert.equal(RING.get(alg, NOW * 1000)!.verifySignature('a.b', randomBytes(len)), false, `${alg} verifySignature(${len})`)
    }
  }
})

test('non-base64url signature characters (padding, +, /, space) are TOKEN_MALFORMED; trailing-bit variants match jose', async () => {
  for (const alg of ALGORITHMS) {
    const good = tokenOf(alg)
    const sig = good.slice(good.lastIndexOf('.') + 1)
    const std = Buffer.from(sig, 'base64url').toString('base64')
    for (const bad of [`${sig}=`, `${sig}==`, std.replace(/[A-Za-z0-9]/, '+'), `${sig.slice(0, -1)}/`, `${sig} `, `${sig}\n`, `${sig.slice(0, 4)}%2B${sig.slice(4)}`]) {
      assert.equal(code(() => verifier.verify(withSig(good, bad))), 'TOKEN_MALFORMED', `${alg} ${JSON.stringify(bad.slice(-3))}`)
    }
    // The last character carries unused low bits; variants that decode to the same bytes are the
    // same signature (jose and fast-jwt accept them too); any other last character is refused.
    const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    for (const ch of A) {
      const variant = withSig(good, sig.slice(0, -1) + ch)
      const same = Buffer.from(sig.slice(0, -1) + ch, 'base64url').equals(Buffer.from(sig, 'base64url'))
      assert.equal(code(() => verifier.verify(variant)), same ? 'ACCEPTED' : 'TOKEN_SIGNATURE_INVALID', `${alg} last char ${ch}`)
      assert.equal(await joseAccepts(variant, alg), same, `jose on ${alg} last char ${ch}`)
    }
  }
})

test('RSA: a signature one octet shorter (leading zero dropped) or longer than the modulus is refused, RFC 8017 §8.1.2 / §8.2.2 step 1', () => {
  for (const alg of ['RS256', 'PS256'] as const) {
    let found = 0
    for (let i = 0; i < 20_000 && found < 1; i++) {
      const input = `${headerOf(alg)}.${b64({ ...CLAIMS, jti: `j${i}` })}`
      const sig = signWith(alg, KEYS[alg].signKey, input)
      if (sig[0] !== 0) continue
      found++
      assert.equal(verifier.verify(`${input}.${sig.toString('base64url')}`).sub, '42', `${alg} control`)
      assert.equal(code(() => verifier.verify(`${input}.${sig.subarray(1).toString('base64url')}`)), 'TOKEN_SIGNATURE_INVALID', `${alg} 255 octets`)
    }
    assert.equal(found, 1, `${alg}: a signature with a leading zero octet was produced`)
    const good = tokenOf(alg)
    const sig = Buffer.from(good.slice(good.lastIndexOf('.') + 1), 'base64url')
    assert.equal(code(() => verifier.verify(withSig(good, Buffer.concat([Buffer.from([0]), sig])))), 'TOKEN_SIGNATURE_INVALID', `${alg} 257 octets`)
  }
})

test('RSA: other digests, PSS salts and padding schemes are refused under RS256 / PS256', () => {
  const key = KEYS.PS256.signKey
  const input = `${headerOf('PS256')}.${b64(CLAIMS)}`
  const pss = (saltLength: number, hash = 'sha256') =>
    cryptoSign(hash, Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength })
  for (const sig of [pss(31), pss(33), pss(constants.RSA_PSS_SALTLEN_MAX_SIGN), pss(32, 'sha384'), pss(32, 'sha1')]) {
    assert.equal(code(() => verifier.verify(`${input}.${sig.toString('base64url')}`)), 'TOKEN_SIGNATURE_INVALID')
  }
  const rsInput = `${headerOf('RS256')}.${b64(CLAIMS)}`
  for (const hash of ['sha384', 'sha512', 'sha1']) {
    const sig = cryptoSign(hash, Buffer.from(rsInput), KEYS.RS256.signKey)
    assert.equal(code(() => verifier.verify(`${rsInput}.${sig.toString('base64url')}`)), 'TOKEN_SIGNATURE_INVALID', `RS256 over ${hash}`)
  }
})

test('ES256: zero, out-of-range and DER signatures are refused; the low/high-S twin is accepted exactly when jose accepts it', async () => {
  const good = tokenOf('ES256')
  const sig = Buffer.from(good.slice(good.lastIndexOf('.') + 1), 'base64url')
  const r = sig.subarray(0, 32)
  const s = BigInt(`0x${sig.subarray(32).toString('hex')}`)
  const be = (n: bigint): Buffer => Buffer.from(n.toString(16).padStart(64, '0'), 'hex')
  const refused = [
    Buffer.alloc(64),
    Buffer.concat([Buffer.alloc(32), sig.subarray(32)]),
    Buffer.concat([r, Buffer.alloc(32)]),
    Buffer.concat([be(P256_N), be(P256_N)]),
    Buffer.concat([r, be(s + P256_N < 1n << 256n ? s + P256_N : P256_N)]),
    Buffer.alloc(64, 0xff),
    cryptoSign('sha256', Buffer.from(good.slice(0, good.lastIndexOf('.'))), { key: KEYS.ES256.signKey, dsaEncoding: 'der' }),
    cryptoSign('sha384', Buffer.from(good.slice(0, good.lastIndexOf('.'))), { key: KEYS.ES256.signKey, dsaEncoding: 'ieee-p1363' }),
  ]
  for (const bad of refused) assert.equal(code(() => verifier.verify(withSig(good, bad))), 'TOKEN_SIGNATURE_INVALID')
  // ECDSA is malleable by design ((r, s) and (r, n - s) both verify); the claims are identical.
  const twin = withSig(good, Buffer.concat([r, be(P256_N - s)]))
  assert.equal(code(() => verifier.verify(twin)) === 'ACCEPTED', await joseAccepts(twin, 'ES256'))
})

test('EdDSA: a non-canonical S (S + L), a zero signature and the identity-R trick are refused', () => {
  const good = tokenOf('EdDSA')
  const sig = Buffer.from(good.slice(good.lastIndexOf('.') + 1), 'base64url')
  const le = (n: bigint): Buffer => Buffer.from(n.toString(16).padStart(64, '0'), 'hex').reverse()
  const S = BigInt(`0x${Buffer.from(sig.subarray(32)).reverse().toString('hex')}`)
  const identity = Buffer.concat([Buffer.from([1]), Buffer.alloc(31)])
  for (const bad of [Buffer.concat([sig.subarray(0, 32), le(S + ED_L)]), Buffer.alloc(64), Buffer.concat([identity, Buffer.alloc(32)]), Buffer.concat([sig.subarray(0, 32), le(ED_L)])]) {
    assert.equal(code(() => verifier.verify(withSig(good, bad))), 'TOKEN_SIGNATURE_INVALID')
  }
})

test('HMAC: a truncated or longer HMAC is refused, and every HMAC comparison goes through crypto.timingSafeEqual', () => {
  const input = `${headerOf('HS256')}.${b64(CLAIMS)}`
  const full = createHmac('sha512', KEYS.HS256.signKey).update(input).digest()
  for (const bad of [full.subarray(0, 16), full.subarray(0, 31), full]) {
    assert.equal(code(() => verifier.verify(`${input}.${bad.toString('base64url')}`)), 'TOKEN_SIGNATURE_INVALID')
  }
  const spy = mock.method(crypto, 'timingSafeEqual')
  syncBuiltinESMExports()
  try {
    for (const alg of ['HS256', 'HS384', 'HS512'] as const) {
      const before = spy.mock.callCount()
      const good = tokenOf(alg)
      assert.equal(verifier.verify(good).sub, '42')
      const sig = Buffer.from(good.slice(good.lastIndexOf('.') + 1), 'base64url')
      sig[sig.length - 1]! ^= 1
      assert.equal(code(() => verifier.verify(withSig(good, sig))), 'TOKEN_SIGNATURE_INVALID')
      assert.equal(spy.mock.callCount() - before, 2, `${alg}: both comparisons are constant-time`)
    }
  } finally {
    spy.mock.restore()
    syncBuiltinESMExports()
  }
})

test('payloads: signed non-objects are TOKEN_MALFORMED; unicode round-trips; __proto__ is an own key; size limit is exact', () => {
  for (const payload of ['\uFEFF{"sub":"x"}', '{"sub":"x"} x', '', 'true', '1e3']) {
    const input = `${headerOf('HS256')}.${b64(payload)}`
    const tok = `${input}.${signWith('HS256', KEYS.HS256.signKey, input).toString('base64url')}`
    assert.equal(code(() => verifier.verify(tok)), 'TOKEN_MALFORMED', JSON.stringify(payload))
  }
  const uni = verifier.verify(tokenOf('EdDSA', { ...CLAIMS, sub: 'Zoë 🔐 \u2028', roles: ['ädmin', '管理'] }))
  assert.deepEqual([uni.sub, uni.roles], ['Zoë 🔐 \u2028', ['ädmin', '管理']])
  const input = `${headerOf('HS256')}.${b64(`{"__proto__":{"roles":["admin"]},${JSON.stringify(CLAIMS).slice(1)}`)}`
  const proto = verifier.verify(`${input}.${signWith('HS256', KEYS.HS256.signKey, input).toString('base64url')}`)
  assert.equal(proto.roles, undefined)
  assert.equal(Object.getPrototypeOf(proto), Object.prototype)
  let pad = 5000
  while (tokenOf('HS256', { ...CLAIMS, pad: 'x'.repeat(pad + 1) }).length <= 8192) pad++
  const largest = tokenOf('HS256', { ...CLAIMS, pad: 'x'.repeat(pad) })
  assert.ok(largest.length > 8186 && largest.length <= 8192)
  assert.equal(verifier.verify(largest).sub, '42')
  assert.equal(code(() => verifier.verify(tokenOf('HS256', { ...CLAIMS, pad: 'x'.repeat(pad + 1) }))), 'TOKEN_TOO_LARGE')
  assert.equal(code(() => verifier.verify(`${'a'.repeat(5_000_000)}.b.c`)), 'TOKEN_TOO_LARGE')
})

test('cache: a cached token lends nothing to a token with its payload, header or signature changed', () => {
  const cached = createVerifier({ keyring: RING, clock, issuer: undefined })
  for (const alg of ALGORITHMS) {
    const good = tokenOf(alg)
    const first = cached.verify(good)
    const [h, p, s] = good.split('.') as [string, string, string]
    const sig = Buffer.from(s, 'base64url')
    sig[0]! ^= 0x80
    const forged = [`${h}.${b64({ ...CLAIMS, sub: 'root' })}.${s}`, `${b64({ alg, kid: alg })}.${p}.${s}`, `${h}.${p}.${sig.toString('base64url')}`]
    for (const f of forged) assert.notEqual(code(() => cached.verify(f)), 'ACCEPTED', alg)
    assert.equal(cached.verify(good), first, `${alg}: the genuine token is still a hit`)
    assert.equal(code(() => cached.verify(good, 'refresh')), 'TOKEN_TYPE_INVALID')
  }
  // Verifiers share the header cache but not the token cache: another verifier's options still apply.
  const strict = createVerifier({ keyring: RING, clock, issuer: 'https://issuer.example' })
  assert.equal(code(() => strict.verify(tokenOf('HS256'))), 'TOKEN_ISSUER_INVALID')
})

test('cache: a key taken out of the ring (keyring function, rotation) stops verifying its cached tokens', () => {
  let current = RING
  const rotating = createVerifier({ keyring: () => current, clock })
  const token = tokenOf('HS256')
  assert.equal(rotating.verify(token).sub, '42') // verified and cached
  current = Keyring.of(ALGORITHMS.filter((a) => a !== 'HS256').map((a) => KEYS[a].input))
  assert.equal(code(() => rotating.verify(token)), 'TOKEN_KEY_UNKNOWN')
  // same kid, new secret: the old secret's token is a bad signature now
  current = Keyring.of([{ ...KEYS.HS256.input, secret: randomBytes(32) }])
  assert.equal(code(() => rotating.verify(token)), 'TOKEN_SIGNATURE_INVALID')
  current = RING
  assert.equal(rotating.verify(token).sub, '42')
})

test('verifySignature never throws: fuzzed tokens of every algorithm end in an AuthError', () => {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const seg = (n: number): string => Array.from(randomBytes(n), (b) => A[b & 63]).join('')
  for (const alg of ALGORITHMS) {
    for (let i = 0; i < 60; i++) {
      const result = code(() => verifier.verify(`${headerOf(alg)}.${seg(1 + (i % 7) * 40)}.${seg(1 + ((i * 37) % 700))}`))
      assert.ok(result === 'TOKEN_SIGNATURE_INVALID', `${alg}: ${result}`)
    }
  }
})

test('HTTP: bad signatures for every algorithm are 401 with their code, never 5xx', async () => {
  for (const alg of ['PS256', 'ES256', 'EdDSA', 'HS512'] as const) {
    const t = await testApp({}, { keyring: Keyring.of([KEYS[alg].input]) })
    try {
      const now = Math.floor(t.clock.now() / 1000)
      const good = tokenOf(alg, { ...CLAIMS, iat: now, exp: now + 60 })
      const cases: [string, string][] = [
        [withSig(good, 'A'), 'TOKEN_SIGNATURE_INVALID'],
        [withSig(good, randomBytes(3000)), 'TOKEN_SIGNATURE_INVALID'],
        [withSig(good, Buffer.alloc(64)), 'TOKEN_SIGNATURE_INVALID'],
        [`${good}=`, 'TOKEN_MALFORMED'],
        [`${good}.x`, 'TOKEN_MALFORMED'],
        [withSig(good, ''), 'TOKEN_ALGORITHM_INVALID'],
      ]
      for (const [token, expected] of cases) {
        const res = await t.app.inject({ url: '/auth/me', headers: bearer(token) })
        assert.equal(res.statusCode, 401, `${alg} ${expected}`)
        assert.equal(json(res).code, expected)
      }
    } finally {
      await t.app.close()
    }
  }
})

test('logger: every line a request writes (route, reply, child, error handler) carries that request\'s reqId', async () => {
  const lines: string[] = []
  const t = await testApp({ LOG_LEVEL: 'info' }, { logStream: { write: (line: string) => void lines.push(line) } })
  t.app.get('/review-log', async (request, reply) => {
    request.log.info('route info')
    reply.log.warn('reply warn')
    request.log.child({ part: 'child' }).error('child error')
    return { ok: true }
  })
  try {
    await t.app.ready()
    lines.length = 0
    assert.equal((await t.app.inject({ url: '/review-log' })).statusCode, 200)
    assert.equal((await t.app.inject({ url: '/auth/me', headers: bearer(withSig(tokenOf('HS256'), 'A')) })).statusCode, 401)
    assert.equal((await t.app.inject({ url: '/nowhere' })).statusCode, 404)
  } finally {
    await t.app.close()
  }
  const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg !== 'Server closing' && l.msg !== 'Server closed')
  assert.ok(logged.length >= 9, `lines: ${logged.length}`)
  for (const line of logged) assert.equal(typeof line.reqId, 'string', `no reqId on: ${String(line.msg)}`)
  const ids = new Set(logged.filter((l) => ['route info', 'reply warn', 'child error'].includes(String(l.msg))).map((l) => l.reqId))
  assert.equal(ids.size, 1)
  assert.equal(logged.find((l) => l.msg === 'child error')!.part, 'child')
})

test('logger: redaction applies to lines and child bindings written through the lazy request logger; odd calls do not throw', async () => {
  const lines: string[] = []
  const secret = 'S3cret-never-logged-7f1c'
  const t = await testApp({ LOG_LEVEL: 'warn' }, { logStream: { write: (line: string) => void lines.push(line) } })
  t.app.get('/review-redact', async (request) => {
    request.log.warn({ password: secret, access_token: secret, refresh_token: secret, body: { password: secret, access_token: secret } }, 'redacted')
    request.log.child({ password: secret }).warn('child binding')
    request.log.warn(new Error('an error object'))
    request.log.warn(undefined as unknown as string)
    request.log.info({ password: secret }, 'below the level')
    request.log.silent({ password: secret }, 'silent')
    assert.equal(request.log.level, 'warn')
    const bindings = (request.log as unknown as { bindings(): Record<string, unknown> }).bindings()
    assert.equal(typeof bindings.reqId, 'string')
    request.log.child({}, { level: 'error' }).warn('dropped by the child level')
    return { ok: true }
  })
  try {
    assert.equal((await t.app.inject({ url: '/review-redact' })).statusCode, 200)
  } finally {
    await t.app.close()
  }
  for (const line of lines) assert.ok(!line.includes(secret), 'a secret reached a log line')
  const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
  const main = logged.find((l) => l.msg === 'redacted')!
  assert.deepEqual([main.password, main.access_token, main.refresh_token], ['[REDACTED]', '[REDACTED]', '[REDACTED]'])
  assert.equal(logged.find((l) => l.msg === 'child binding')!.password, '[REDACTED]')
  assert.equal(logged.some((l) => l.msg === 'below the level' || l.msg === 'dropped by the child level'), false)
  assert.ok(logged.every((l) => typeof l.reqId === 'string'))
})
