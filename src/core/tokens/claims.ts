// The claim layout of tokenwarden tokens. It follows Flask-JWT-Extended's (sub, type, fresh,
// jti, iat, nbf, exp) so a Flask + PyJWT service can read our tokens, plus `sid` (the session).

export type TokenType = 'access' | 'refresh'

/** The claims of a verified tokenwarden token. Extra claims from hooks ride alongside. */
export interface TokenClaims {
  /** Subject: the user id, always a string (RFC 7519 §4.1.2). */
  readonly sub: string
  readonly type: TokenType
  /** Access tokens only: true when issued straight from a password check. */
  readonly fresh?: boolean
  readonly jti: string
  readonly iat: number
  readonly nbf?: number
  readonly exp: number
  /** The session this token belongs to. */
  readonly sid?: string
  readonly roles?: readonly string[]
  /** Access tokens only: whether the account's email address is verified (OpenID Connect Core §5.1). */
  readonly email_verified?: boolean
  /**
   * How the session's user proved who they are (RFC 8176 §2 values: `pwd`, `otp`, `mfa`), on
   * both token types: the refresh token carries it to the access tokens a refresh signs.
   */
  readonly amr?: readonly string[]
  /** Double-submit CSRF value, for tokens delivered in cookies. */
  readonly csrf?: string
  readonly iss?: string
  readonly aud?: string | readonly string[]
  readonly [claim: string]: unknown
}

/** The claims a caller supplies when issuing; times and ids are filled in by the issuer. */
export interface ClaimsInput {
  sub: string
  sid?: string
  fresh?: boolean
  roles?: readonly string[]
  /** Access tokens only: stamped as `email_verified`. */
  emailVerified?: boolean
  /** Authentication methods (RFC 8176), stamped as `amr`. */
  amr?: readonly string[]
  /** Extra claims; reserved names (sub, type, exp, ...) cannot be overridden. */
  extra?: Record<string, unknown>
}

export const RESERVED_CLAIMS: ReadonlySet<string> = new Set([
  'sub', 'type', 'fresh', 'jti', 'iat', 'nbf', 'exp', 'sid', 'iss', 'aud', 'csrf', 'roles', 'email_verified', 'amr',
])
