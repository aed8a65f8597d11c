// Token verification: the one gate every token passes through.
//
// Security model (RFC 8725): the key and the algorithm come from our key ring, never from the
// token. `kid` selects among ring keys by exact string match; `jku`, `x5u`, `jwk` and `x5c`
// are refused outright; `alg: none` in any spelling is refused; `crit` is refused (we
// implement no extension, RFC 7515 §4.1.11). Tokens over 8 KiB are refused before any decoding. `exp` is
// required and numeric, `nbf`/`iat` may not lie in the future beyond the leeway, `sub` must be
// a string, and `iss`/`aud` must match when configured. The signature is checked before the
// payload is decoded (keyring.ts: node:crypto with the key's KeyObject). Every failure is an
// AuthError whose code says why; callers collapse them to 401 at the edge.
//
// Speed: a verified token is cached (bounded LRU; a hit needs the very same token) until it
// expires, so a hot token costs a map lookup plus the time checks. The cache holds only
// tokens whose signature and claims passed; time and key retirement are re-checked on every
// hit, and a hit needs the ring it was verified against (a keyring function that returns a new
// ring after rotation re-verifies every token once, so a removed key stops verifying at once).
// Revocation is not this module's job: callers check the session on every request.

import type { LRUCache as LRUCacheClass } from 'mnemonist'
import { createRequire } from 'node:module'
import { systemClock, type Clock } from '../clock.js'
import { AuthError, type ErrorCode } from '../errors.js'
import type { TokenClaims, TokenType } from './claims.js'
import type { Keyring, RingKey } from './keyring.js'

// mnemonist's index loads every structure it ships (~70 ms of startup); its exports map offers
// subpaths to require() only, so the one class we use is required directly.
const LRUCache = createRequire(import.meta.url)('mnemonist/lru-cache') as typeof LRUCacheClass

/** The verifier's defaults, written once (AuthOptions.leeway, the plugin's `verify` and JWT_LEEWAY refer to them). */
export const VERIFY_DEFAULTS = Object.freeze({ leeway: 0, maxTokenLength: 8192, cacheSize: 10_000 })

export interface VerifyOptions {
  /** The ring to verify against, or a function returning the current one (for rotation). */
  keyring: Keyring | (() => Keyring)
  /** default: the system clock */
  clock?: Clock
  /** Seconds of tolerance for exp, nbf and iat. default: 0 (VERIFY_DEFAULTS.leeway) */
  leeway?: number
  /** When set, tokens must carry exactly this `iss` (RFC 7519 §4.1.1). default: unset */
  issuer?: string
  /** When set, tokens must list this `aud` (RFC 7519 §4.1.3). default: unset */
  audience?: string
  /** Tokens longer than this are refused before parsing. default: 8192 (VERIFY_DEFAULTS.maxTokenLength) */
  maxTokenLength?: number
  /** Verified tokens kept in the LRU cache; 0 disables it. default: 10000 (VERIFY_DEFAULTS.cacheSize) */
  cacheSize?: number
}

export interface TokenVerifier {
  /** Verifies signature and claims; throws AuthError. `type` additionally requires that type. */
  verify(token: string, type?: TokenType): TokenClaims
  /** Drops every cached verification (after a key ring change). */
  clearCache(): void
}

const FORBIDDEN_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'] as const
/** Header parameters that change how a token is processed; we implement none of them. */
const EXTENSION_HEADERS = ['crit', 'b64', 'zip', 'enc'] as const
/** RFC 8725 §3.11 explicit typing: `typ`, when present, must say JWT (compared case-insensitively, RFC 7515 §4.1.9). */
const ACCEPTED_TYP: ReadonlySet<string> = new Set(['JWT', 'AT+JWT', 'APPLICATION/JWT', 'APPLICATION/AT+JWT'])
const SEGMENT = /^[A-Za-z0-9_-]+$/

interface CacheEntry {
  /** The whole token, compared in full on every hit. */
  readonly token: string
  readonly claims: TokenClaims
  readonly key: RingKey
  /** The ring it was verified against: a hit needs the same ring, so a rotation drops removed keys. */
  readonly ring: Keyring
}

/**
 * Creates a verifier bound to a key ring.
 *
 * @example
 * const verifier = createVerifier({ keyring, issuer: 'https://auth.example.com' })
 * const claims = verifier.verify(token, 'access') // throws AuthError('TOKEN_EXPIRED'), ...
 */
export function createVerifier(options: VerifyOptions): TokenVerifier {
  const ring = typeof options.keyring === 'function' ? options.keyring : () => options.keyring as Keyring
  const clock = options.clock ?? systemClock
  const leewayMs = (options.leeway ?? VERIFY_DEFAULTS.leeway) * 1000
  const maxLength = options.maxTokenLength ?? VERIFY_DEFAULTS.maxTokenLength
  const cacheSize = options.cacheSize ?? VERIFY_DEFAULTS.cacheSize
  const cache = cacheSize > 0 ? new LRUCache<string, CacheEntry>(cacheSize) : undefined
  const { issuer, audience } = options
  if (leewayMs < 0 || !Number.isFinite(leewayMs)) throw new TypeError('leeway must be a non-negative number')

  function verify(token: string, type?: TokenType): TokenClaims {
    if (typeof token !== 'string' || token.length === 0) throw new AuthError('TOKEN_MALFORMED')
    if (token.length > maxLength) throw new AuthError('TOKEN_TOO_LARGE')
    const now = clock.now()
    const keyring = ring()
    // Keyed by the signature segment (unique per token) rather than the whole token: hashing a
    // fresh 43-86 character string instead of ~300 saves ~0.3 µs a request. A hit still needs
    // the whole token to be equal, so a borrowed signature on other content is a miss.
    const cacheKey = cache === undefined ? '' : token.slice(token.lastIndexOf('.') + 1)
    const entry = cache?.get(cacheKey)
    const hit = entry !== undefined && entry.token === token && entry.ring === keyring ? entry : undefined
    let claims: TokenClaims
    if (hit !== undefined) {
      // A retired key stops verifying even tokens it signed earlier.
      if (hit.key.notAfter !== undefined && now >= hit.key.notAfter) throw new AuthError('TOKEN_KEY_UNKNOWN')
      claims = hit.claims
    } else {
      const parts = splitToken(token)
      const key = selectKey(parts, keyring, now)
      claims = checkSignature(key, parts)
      checkStaticClaims(claims)
      cache?.set(cacheKey, { token, claims, key, ring: keyring })
    }
    checkTimes(claims, now)
    if (type !== undefined && claims.type !== type) throw new AuthError('TOKEN_TYPE_INVALID')
    const fresh: unknown = claims.fresh
    return typeof fresh === 'number' ? freshAt(claims, fresh, now) : claims
  }

  function checkStaticClaims(c: TokenClaims): void {
    if (typeof c.exp !== 'number' || !Number.isFinite(c.exp)) fail('TOKEN_CLAIM_INVALID', 'exp claim is required')
    if (c.nbf !== undefined && (typeof c.nbf !== 'number' || !Number.isFinite(c.nbf))) fail('TOKEN_CLAIM_INVALID', 'nbf must be a number')
    if (c.iat !== undefined && (typeof c.iat !== 'number' || !Number.isFinite(c.iat))) fail('TOKEN_CLAIM_INVALID', 'iat must be a number')
    if (typeof c.sub !== 'string' || c.sub.length === 0) fail('TOKEN_CLAIM_INVALID', 'sub must be a non-empty string')
    if (c.type !== 'access' && c.type !== 'refresh') fail('TOKEN_CLAIM_INVALID', 'type must be access or refresh')
    if (typeof c.jti !== 'string' || c.jti.length === 0) fail('TOKEN_CLAIM_INVALID', 'jti is required')
    if (c.sid !== undefined && typeof c.sid !== 'string') fail('TOKEN_CLAIM_INVALID', 'sid must be a string')
    const fresh: unknown = c.fresh
    if (fresh !== undefined && typeof fresh !== 'boolean' && typeof fresh !== 'number') fail('TOKEN_CLAIM_INVALID', 'fresh must be a boolean or a timestamp')
    if (c.roles !== undefined && !(Array.isArray(c.roles) && c.roles.every((r) => typeof r === 'string'))) {
      fail('TOKEN_CLAIM_INVALID', 'roles must be an array of strings')
    }
    if (issuer !== undefined && c.iss !== issuer) throw new AuthError('TOKEN_ISSUER_INVALID')
    if (audience !== undefined) {
      const aud = c.aud
      const ok = typeof aud === 'string' ? aud === audience : Array.isArray(aud) && aud.includes(audience)
      if (!ok) throw new AuthError('TOKEN_AUDIENCE_INVALID')
    }
  }

  function checkTimes(c: TokenClaims, now: number): void {
    // RFC 7519 §4.1.4: the current time MUST be before exp.
    if (now >= c.exp * 1000 + leewayMs) throw new AuthError('TOKEN_EXPIRED')
    if (c.nbf !== undefined && now + leewayMs < c.nbf * 1000) throw new AuthError('TOKEN_NOT_YET_VALID')
    if (c.iat !== undefined && now + leewayMs < c.iat * 1000) throw new AuthError('TOKEN_NOT_YET_VALID', 'Token was issued in the future')
  }

  return {
    verify,
    clearCache: () => cache?.clear(),
  }
}

/**
 * A `fresh` claim that is a number is Flask-JWT-Extended's "fresh until": FJE 4 writes
 * `datetime.timestamp(now + fresh)` (seconds, with a fraction) when `create_access_token` is given
 * `fresh=timedelta(...)` (flask_jwt_extended/tokens.py, `_encode_jwt`), and a fresh-only view
 * refuses the token once `fresh < now`, with no leeway (view_decorators.py,
 * `_verify_token_is_fresh`; FJE 4.7.1). Verification answers for the moment it runs, so the
 * claims handed on carry `fresh: true` until that instant and `false` after it: every reader
 * (the guard's `fresh` option, a host's own `request.jwt.fresh`) sees a boolean, and a number is
 * never taken as truthy forever. The cache keeps the token's own claims; this runs on every call.
 */
function freshAt(claims: TokenClaims, until: number, now: number): TokenClaims {
  return Object.freeze({ ...claims, fresh: now <= until * 1000 })
}

function fail(code: ErrorCode, message: string): never {
  throw new AuthError(code, message)
}

/** What key selection needs from a protected header that passed every header check. */
interface CheckedHeader {
  readonly alg: string
  readonly kid: string | undefined
}

/**
 * Header segments that passed `checkHeader`, so the tokens of one key (which all share a header)
 * skip the base64url decode, JSON.parse and checks. A pure function of the segment is cached,
 * so the outcome for any token is unchanged. At most 256 headers of up to 1 KiB; emptied when full.
 */
const checkedHeaders = new Map<string, CheckedHeader>()
const CHECKED_HEADERS_MAX = 256

/** A compact JWS cut at its two dots once, for both the key choice and the signature check. */
interface Segments {
  readonly header: string
  readonly payload: string
  readonly signature: string
  /** The first two segments as sent, dot included: what the signature covers. */
  readonly signingInput: string
}

function splitToken(token: string): Segments {
  const dot1 = token.indexOf('.')
  const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1)
  if (dot1 <= 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) !== -1) fail('TOKEN_MALFORMED', 'Token must have three segments')
  return { header: token.slice(0, dot1), payload: token.slice(dot1 + 1, dot2), signature: token.slice(dot2 + 1), signingInput: token.slice(0, dot2) }
}

/** Reads the protected header and picks the ring key for it, refusing anything suspicious. */
function selectKey(parts: Segments, ring: Keyring, now: number): RingKey {
  const { header: headerSeg, payload: payloadSeg, signature: signatureSeg } = parts
  let h = checkedHeaders.get(headerSeg)
  if ((h === undefined && !SEGMENT.test(headerSeg)) || !SEGMENT.test(payloadSeg)) fail('TOKEN_MALFORMED', 'Token segments must be base64url')
  // An empty signature is an unsigned token: refused like alg none (RFC 8725 §2.1).
  if (signatureSeg.length === 0) fail('TOKEN_ALGORITHM_INVALID', 'Token is unsigned')
  if (!SEGMENT.test(signatureSeg)) fail('TOKEN_MALFORMED', 'Token segments must be base64url')
  if (h === undefined) {
    h = checkHeader(headerSeg)
    if (headerSeg.length <= 1024) {
      if (checkedHeaders.size >= CHECKED_HEADERS_MAX) checkedHeaders.clear()
      checkedHeaders.set(headerSeg, h)
    }
  }
  let key: RingKey | undefined
  if (h.kid === undefined) {
    // Tokens from before key ids (e.g. a Flask-JWT-Extended app sharing our secret).
    key = ring.signing
  } else {
    key = ring.get(h.kid, now)
    if (key === undefined) throw new AuthError('TOKEN_KEY_UNKNOWN')
  }
  if (h.alg !== key.alg) fail('TOKEN_ALGORITHM_INVALID', 'Token algorithm does not match its key')
  return key
}

/** Decodes a (base64url-valid) header segment and applies every check that depends on it alone. */
function checkHeader(headerSeg: string): CheckedHeader {
  let header: unknown
  try {
    header = JSON.parse(Buffer.from(headerSeg, 'base64url').toString('utf8'))
  } catch {
    fail('TOKEN_MALFORMED', 'Token header is not JSON')
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('TOKEN_MALFORMED', 'Token header is not an object')
  const h = header as Record<string, unknown>
  if (typeof h.alg !== 'string') fail('TOKEN_MALFORMED', 'Token header has no alg')
  if (h.alg.toLowerCase() === 'none') fail('TOKEN_ALGORITHM_INVALID', 'Unsigned tokens are not accepted')
  for (const name of FORBIDDEN_HEADERS) {
    if (name in h) fail('TOKEN_HEADER_UNSUPPORTED', `Token header parameter ${name} is not accepted`)
  }
  // RFC 7515 §4.1.11: a `crit` naming an extension we do not implement must be refused; we implement none.
  for (const name of EXTENSION_HEADERS) {
    if (name in h) fail('TOKEN_HEADER_UNSUPPORTED', `Token header parameter ${name} is not supported`)
  }
  if (h.typ !== undefined && (typeof h.typ !== 'string' || !ACCEPTED_TYP.has(h.typ.toUpperCase()))) {
    fail('TOKEN_HEADER_UNSUPPORTED', 'Token typ is not a JWT')
  }
  if (h.kid !== undefined && typeof h.kid !== 'string') fail('TOKEN_MALFORMED', 'kid must be a string')
  return Object.freeze({ alg: h.alg, kid: h.kid as string | undefined })
}

/**
 * Checks the signature with the chosen key, then decodes the payload: nothing of an unsigned or
 * forged token is parsed past its header. `selectKey` has already found the three segments
 * base64url.
 */
function checkSignature(key: RingKey, parts: Segments): TokenClaims {
  if (!key.verifySignature(parts.signingInput, Buffer.from(parts.signature, 'base64url'))) {
    throw new AuthError('TOKEN_SIGNATURE_INVALID')
  }
  let payload: unknown
  try {
    payload = JSON.parse(Buffer.from(parts.payload, 'base64url').toString('utf8'))
  } catch {
    fail('TOKEN_MALFORMED', 'Token payload is not JSON')
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) fail('TOKEN_MALFORMED', 'Token payload is not an object')
  return Object.freeze(payload) as TokenClaims
}
