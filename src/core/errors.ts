// The error registry: every code tokenwarden can answer with, defined once with its HTTP
// status and default message. A retired code is never reused. docs/errors.md mirrors this
// table and a test keeps the two in step.

/**
 * How a 401/403 announces itself (RFC 6750 §3): `challenge` sends a bare Bearer challenge
 * (no token was presented), `invalid_token` and `insufficient_scope` name the error.
 */
export type BearerChallenge = 'challenge' | 'invalid_token' | 'insufficient_scope'

interface ErrorSpec {
  readonly status: number
  readonly message: string
  readonly bearer?: BearerChallenge
}

export const ERRORS = {
  // Request shape
  VALIDATION_FAILED: { status: 400, message: 'Request is invalid' },
  INVALID_JSON: { status: 400, message: 'Request body is not valid JSON' },
  JSON_PROTOTYPE_KEY: { status: 400, message: 'Request body must not contain __proto__ or constructor.prototype keys' },
  BODY_TOO_LARGE: { status: 413, message: 'Request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Content type is not supported' },
  ROUTE_NOT_FOUND: { status: 404, message: 'Route not found' },
  RATE_LIMITED: { status: 429, message: 'Too many requests' },
  // Refused before routing, by the HTTP parser or the Node server (src/http/client-errors.ts)
  MALFORMED_REQUEST: { status: 400, message: 'Request is not well-formed HTTP' },
  HEADERS_TOO_LARGE: { status: 431, message: 'Request headers are too large' },
  HOST_REQUIRED: { status: 400, message: 'An HTTP/1.1 request needs a Host header' },
  EXPECTATION_FAILED: { status: 417, message: 'Only Expect: 100-continue is supported' },
  REQUEST_TIMEOUT: { status: 408, message: 'The request was not received in time' },

  // Accounts
  EMAIL_TAKEN: { status: 409, message: 'An account with this email already exists' },
  USERNAME_TAKEN: { status: 409, message: 'This username is taken' },
  INVALID_CREDENTIALS: { status: 401, message: 'Invalid credentials', bearer: 'challenge' },
  ACCOUNT_DISABLED: { status: 403, message: 'This account is disabled' },
  EMAIL_NOT_VERIFIED: { status: 403, message: 'Confirm your email address first: follow the link we sent, or ask for a new one' },
  MAIL_NOT_CONFIGURED: { status: 503, message: 'This server sends no mail, so this cannot be done here' },
  PASSWORD_RESET_TOKEN_INVALID: { status: 400, message: 'This password reset link is invalid, already used or expired; ask for a new one' },
  VERIFICATION_TOKEN_INVALID: { status: 400, message: 'This verification link is invalid, already used or expired; ask for a new one' },
  USER_NOT_FOUND: { status: 404, message: 'User not found' },
  SESSION_NOT_FOUND: { status: 404, message: 'Session not found' },
  LOGIN_THROTTLED: { status: 429, message: 'Too many login attempts for this account; try again later' },
  LOGIN_INTERRUPTED: { status: 409, message: 'The account changed while logging in; try again' },
  PASSWORD_INCORRECT: { status: 403, message: 'The password is incorrect' },
  PASSWORD_TOO_WEAK: { status: 400, message: 'The password is too easy to guess' },
  LAST_ADMIN: { status: 409, message: 'This is the last enabled administrator; add another admin first' },
  // Two-factor login (TOTP, RFC 6238)
  MFA_CODE_INVALID: { status: 401, message: 'The code is wrong, expired or already used', bearer: 'challenge' },
  MFA_TOKEN_INVALID: { status: 401, message: 'This sign-in step is invalid, already used or expired; sign in again', bearer: 'challenge' },
  MFA_ALREADY_ENABLED: { status: 409, message: 'Two-factor login is already on for this account' },
  MFA_NOT_ENABLED: { status: 409, message: 'Two-factor login is not on for this account' },
  MFA_ENROLLMENT_NOT_STARTED: { status: 409, message: 'Start two-factor enrollment first' },

  // Tokens: every verification failure is a 401 (RFC 6750 §3.1 invalid_token)
  TOKEN_MISSING: { status: 401, message: 'No token was presented', bearer: 'challenge' },
  // An unsupported authentication method gets the bare challenge too (RFC 6750 §3).
  TOKEN_SCHEME_INVALID: { status: 401, message: 'Token was sent under the wrong authorization scheme', bearer: 'challenge' },
  TOKEN_MALFORMED: { status: 401, message: 'Token is malformed', bearer: 'invalid_token' },
  TOKEN_TOO_LARGE: { status: 401, message: 'Token is too large', bearer: 'invalid_token' },
  TOKEN_HEADER_UNSUPPORTED: {
    status: 401,
    message: 'Token header contains an unsupported parameter',
    bearer: 'invalid_token',
  },
  TOKEN_ALGORITHM_INVALID: { status: 401, message: 'Token algorithm is not allowed', bearer: 'invalid_token' },
  TOKEN_KEY_UNKNOWN: { status: 401, message: 'Token was signed by an unknown key', bearer: 'invalid_token' },
  TOKEN_SIGNATURE_INVALID: { status: 401, message: 'Token signature is invalid', bearer: 'invalid_token' },
  TOKEN_EXPIRED: { status: 401, message: 'Token has expired', bearer: 'invalid_token' },
  TOKEN_NOT_YET_VALID: { status: 401, message: 'Token is not valid yet', bearer: 'invalid_token' },
  TOKEN_CLAIM_INVALID: { status: 401, message: 'Token has a missing or invalid claim', bearer: 'invalid_token' },
  TOKEN_ISSUER_INVALID: { status: 401, message: 'Token issuer is not accepted', bearer: 'invalid_token' },
  TOKEN_AUDIENCE_INVALID: { status: 401, message: 'Token audience is not accepted', bearer: 'invalid_token' },
  TOKEN_TYPE_INVALID: { status: 401, message: 'Token type is not accepted here', bearer: 'invalid_token' },
  TOKEN_REVOKED: { status: 401, message: 'Token has been revoked', bearer: 'invalid_token' },
  TOKEN_NOT_FRESH: { status: 401, message: 'A fresh token is required', bearer: 'invalid_token' },
  CSRF_FAILED: { status: 401, message: 'CSRF token is missing or does not match', bearer: 'invalid_token' },
  TOKEN_USER_NOT_FOUND: { status: 401, message: 'The user this token belongs to was not found', bearer: 'invalid_token' },
  COOKIE_LOGIN_DISABLED: { status: 400, message: 'Cookie delivery is not enabled on this server' },
  REFRESH_TOKEN_REUSED: {
    status: 401,
    message: 'Refresh token was already used; the session has been revoked',
    bearer: 'invalid_token',
  },

  // Authorization
  ROLE_REQUIRED: { status: 403, message: 'You lack the role this requires', bearer: 'insufficient_scope' },
  // A token whose amr (RFC 8176) has no second factor, where one is required.
  MFA_REQUIRED: { status: 403, message: 'This needs a login with a second factor', bearer: 'insufficient_scope' },
  // GET /metrics with METRICS_TOKEN set (src/http/metrics/); with no Authorization at all it is TOKEN_MISSING
  METRICS_TOKEN_INVALID: { status: 401, message: 'Metrics token is not accepted', bearer: 'invalid_token' },

  // Everything else
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service cannot answer right now; try again shortly' },
  INTERNAL_ERROR: { status: 500, message: 'Internal server error' },
} as const satisfies Record<string, ErrorSpec>

/**
 * The key of the message in an error body (`JWT_ERROR_MESSAGE_KEY`, the plugin's `messageKey`):
 * Fastify's. Flask-JWT-Extended's is `msg`.
 */
export const DEFAULT_MESSAGE_KEY = 'message'

/** Every code tokenwarden can answer with: a closed union, so `switch (err.code)` narrows. */
export type ErrorCode = keyof typeof ERRORS

/** The codes that mean "this token was not accepted". */
export type TokenErrorCode = Extract<ErrorCode, `TOKEN_${string}` | 'REFRESH_TOKEN_REUSED' | 'CSRF_FAILED'>

/**
 * The one error type for bad tokens, bad credentials and bad requests. Carries a stable
 * `code`; the HTTP status and default message come from the registry.
 *
 * @example
 * throw new AuthError('TOKEN_EXPIRED')
 * // -> 401 { code: 'TOKEN_EXPIRED', message: 'Token has expired' }
 */
export class AuthError extends Error {
  readonly code: ErrorCode
  readonly statusCode: number
  /** Extra, safe-to-show detail (e.g. which field failed validation). Never a secret. */
  readonly details: Readonly<Record<string, unknown>> | undefined
  /** Seconds the client should wait (sent as `Retry-After`), for 429s. */
  readonly retryAfter: number | undefined

  constructor(
    code: ErrorCode,
    message?: string,
    options?: { cause?: unknown; details?: Record<string, unknown>; retryAfter?: number },
  ) {
    super(message ?? ERRORS[code].message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'AuthError'
    this.code = code
    this.statusCode = ERRORS[code].status
    this.details = options?.details
    this.retryAfter = options?.retryAfter
  }
}

/** True when `err` is an AuthError (also across duplicated module copies). */
export function isAuthError(err: unknown): err is AuthError {
  return err instanceof AuthError || (err instanceof Error && err.name === 'AuthError' && 'code' in err && (err.code as string) in ERRORS)
}

/** The RFC 6750 challenge a code calls for, or undefined when none is due. */
export function bearerChallengeOf(code: ErrorCode): BearerChallenge | undefined {
  const spec: ErrorSpec = ERRORS[code]
  return spec.bearer
}
