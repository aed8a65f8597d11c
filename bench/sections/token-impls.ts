// The contenders of the token micro-benchmarks, for one algorithm: tokenwarden's core (cache
// off, and cache on), fast-jwt, jsonwebtoken with KeyObjects, jose, and raw node:crypto (the
// limit). All verify the same tokens (signed by tokenwarden) and require type "access".

import { createSecretKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto'
import { createSigner, createVerifier as fastVerifier } from 'fast-jwt'
import { SignJWT, jwtVerify } from 'jose'
import jsonwebtoken from 'jsonwebtoken'
import { createIssuer } from '../../src/core/tokens/issue.js'
import { Keyring, type KeyInput } from '../../src/core/tokens/keyring.js'
import { createVerifier } from '../../src/core/tokens/verify.js'
import { rawSigner, rawVerify, type RawAlg } from '../lib/raw-jwt.js'
import type { Impl } from './token-names.js'


type Sync = (i: number) => unknown
type Async = (i: number) => Promise<unknown>

export interface Contender {
  verify?: Sync | { async: Async }
  sign?: Sync | { async: Async }
  /** Why an operation is missing. */
  skipped?: { verify?: string; sign?: string }
}

export interface AlgSetup {
  tokens: string[]
  contenders: Record<Impl, Contender>
}

function keysFor(alg: RawAlg): { sign: KeyObject; verify: KeyObject; input: KeyInput } {
  if (alg === 'HS256') {
    const k = createSecretKey(Buffer.from('micro-bench-hmac-secret-0123456789-abcdefghijkl'))
    return { sign: k, verify: k, input: { alg, secret: k.export() } }
  }
  const pair =
    alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
    : generateKeyPairSync('ed25519')
  return { sign: pair.privateKey, verify: pair.publicKey, input: { alg, privateKey: pair.privateKey } }
}

function requireAccess(payload: unknown): unknown {
  if ((payload as { type?: unknown }).type !== 'access') throw new Error('type')
  return payload
}

export function setupAlg(alg: RawAlg, poolSize: number): AlgSetup {
  const keys = keysFor(alg)
  const ring = Keyring.of([keys.input])
  const issuer = createIssuer({ keyring: ring, accessTtl: 3600 })
  const tokens = Array.from({ length: poolSize }, (_, i) => issuer.issue('access', { sub: `user-${i}`, sid: randomUUID() }).token)
  const pick = (i: number): string => tokens[i % poolSize]!
  const now = Math.floor(Date.now() / 1000)
  const payload = (i: number): Record<string, unknown> => ({
    sub: `user-${i % poolSize}`, type: 'access', fresh: false, jti: randomUUID(), iat: now, nbf: now, exp: now + 3600, sid: 's',
  })
  const material = alg === 'HS256' ? keys.sign.export() : keys.sign.export({ format: 'pem', type: 'pkcs8' })
  const publicMaterial = alg === 'HS256' ? keys.verify.export() : keys.verify.export({ format: 'pem', type: 'spki' })

  const twUncached = createVerifier({ keyring: ring, cacheSize: 0 })
  const twCached = createVerifier({ keyring: ring })
  const fast = fastVerifier({ key: publicMaterial, algorithms: [alg] })
  const fastSign = createSigner({ key: material, algorithm: alg, kid: ring.signing.kid })
  const raw = { alg, verifyKey: keys.verify, signKey: keys.sign }
  const rawSign = rawSigner(raw, ring.signing.kid)
  const jwtAlg = alg as jsonwebtoken.Algorithm
  const noEdDsa = 'jsonwebtoken 9 does not support EdDSA'

  return {
    tokens,
    contenders: {
      tokenwarden: {
        verify: (i) => twUncached.verify(pick(i), 'access'),
        sign: (i) => issuer.issue('access', { sub: `user-${i % poolSize}`, sid: 's' }).token,
      },
      'tokenwarden (cached)': {
        verify: (i) => twCached.verify(pick(i), 'access'),
        skipped: { sign: 'signing has no cache' },
      },
      'fast-jwt': {
        verify: (i) => requireAccess(fast(pick(i))),
        sign: (i) => fastSign(payload(i)),
      },
      jsonwebtoken:
        alg === 'EdDSA'
          ? { skipped: { verify: noEdDsa, sign: noEdDsa } }
          : {
              verify: (i) => requireAccess(jsonwebtoken.verify(pick(i), keys.verify, { algorithms: [jwtAlg] })),
              sign: (i) => jsonwebtoken.sign(payload(i), keys.sign, { algorithm: jwtAlg, keyid: ring.signing.kid }),
            },
      jose: {
        verify: { async: async (i) => requireAccess((await jwtVerify(pick(i), keys.verify, { algorithms: [alg] })).payload) },
        sign: { async: (i) => new SignJWT(payload(i)).setProtectedHeader({ alg, typ: 'JWT', kid: ring.signing.kid }).sign(keys.sign) },
      },
      'node:crypto (limit)': {
        verify: (i) => rawVerify(raw, pick(i), Date.now()),
        sign: (i) => rawSign(payload(i)),
      },
    },
  }
}
