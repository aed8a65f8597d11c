// Token issuing: access/refresh pairs in Flask-JWT-Extended's claim layout, signed by the
// ring's signing key. Times come from the injected clock; ids are random UUIDs (RFC 7519 §4.1.7).

import { randomUUID } from 'node:crypto'
import { systemClock, type Clock } from '../clock.js'
import { randomToken } from '../random.js'
import { RESERVED_CLAIMS, type ClaimsInput, type TokenClaims, type TokenType } from './claims.js'
import type { Keyring } from './keyring.js'

/**
 * The issuer's defaults, written once: AuthOptions, the plugin and the server's configuration
 * (ACCESS_TOKEN_TTL, REFRESH_TOKEN_TTL) refer to these.
 */
export const ISSUE_DEFAULTS = Object.freeze({ accessTtl: 900, refreshTtl: 2_592_000 })

export interface IssueOptions {
  keyring: Keyring | (() => Keyring)
  /** default: the system clock */
  clock?: Clock
  /** Access token lifetime in seconds. default: 900 (15 min; ISSUE_DEFAULTS.accessTtl) */
  accessTtl?: number
  /** Refresh token (and idle session) lifetime in seconds. default: 2592000 (30 days; ISSUE_DEFAULTS.refreshTtl) */
  refreshTtl?: number
  /** Stamped as `iss` when set. default: unset */
  issuer?: string
  /** Stamped as `aud` when set. default: unset */
  audience?: string
  /**
   * Stamp a random `csrf` claim on every token, for cookie delivery's double-submit check
   * (Flask-JWT-Extended does the same when cookies and CSRF protection are on). default: false
   */
  csrf?: boolean
  /**
   * Flask-JWT-Extended's additional_claims_loader: extra claims for every token issued.
   * Reserved claims (sub, type, exp, ...) in its result are dropped; `input.extra` wins over it.
   * default: none
   */
  additionalClaims?: (input: Readonly<ClaimsInput>, type: TokenType) => Record<string, unknown> | undefined
}

export interface IssuedToken {
  token: string
  claims: TokenClaims
}

export interface TokenIssuer {
  /** Signs one token of `type`. `jti` and `exp` (epoch seconds) may be fixed by the caller. */
  issue(type: TokenType, input: ClaimsInput, fixed?: { jti?: string; exp?: number }): IssuedToken
  readonly accessTtl: number
  readonly refreshTtl: number
}

/**
 * @example
 * const issuer = createIssuer({ keyring, accessTtl: 900 })
 * const { token } = issuer.issue('access', { sub: '42', sid, fresh: true })
 */
export function createIssuer(options: IssueOptions): TokenIssuer {
  const ring = typeof options.keyring === 'function' ? options.keyring : () => options.keyring as Keyring
  const clock = options.clock ?? systemClock
  const accessTtl = options.accessTtl ?? ISSUE_DEFAULTS.accessTtl
  const refreshTtl = options.refreshTtl ?? ISSUE_DEFAULTS.refreshTtl
  for (const [name, v] of [['accessTtl', accessTtl], ['refreshTtl', refreshTtl]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new TypeError(`${name} must be a positive whole number of seconds`)
  }
  return {
    accessTtl,
    refreshTtl,
    issue(type, input, fixed) {
      const now = Math.floor(clock.now() / 1000)
      const claims: Record<string, unknown> = {}
      for (const extra of [options.additionalClaims?.(input, type), input.extra]) {
        if (extra === undefined || extra === null) continue
        if (typeof extra !== 'object' || Array.isArray(extra)) throw new TypeError('additional claims must be a plain object')
        for (const [k, v] of Object.entries(extra)) if (!RESERVED_CLAIMS.has(k)) claims[k] = v
      }
      claims.sub = input.sub
      claims.type = type
      if (type === 'access') claims.fresh = input.fresh === true
      claims.jti = fixed?.jti ?? randomUUID()
      claims.iat = now // kept as given by fast-jwt (payload.iat wins over its own clock)
      claims.nbf = now
      claims.exp = fixed?.exp ?? now + (type === 'access' ? accessTtl : refreshTtl)
      if (input.sid !== undefined) claims.sid = input.sid
      if (input.roles !== undefined) claims.roles = [...input.roles]
      if (type === 'access' && input.emailVerified !== undefined) claims.email_verified = input.emailVerified
      if (input.amr !== undefined) claims.amr = [...input.amr]
      if (options.issuer !== undefined) claims.iss = options.issuer
      if (options.audience !== undefined) claims.aud = options.audience
      if (options.csrf === true) claims.csrf = randomToken(16)
      return { token: ring().signing.sign(claims), claims: Object.freeze(claims) as TokenClaims }
    },
  }
}
