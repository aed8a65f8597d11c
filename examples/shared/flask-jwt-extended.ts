// Flask-JWT-Extended's default error messages, by tokenwarden error code: a client written
// for a Flask-JWT-Extended app that shows or matches `msg` (or JWT_ERROR_MESSAGE_KEY's key)
// reads the same words. The code beside them says the precise reason; where Flask-JWT-Extended
// passes on PyJWT's own message (malformed tokens), tokenwarden's message stays.

import type { FastifyRequest } from 'fastify'
import type { AuthError, ErrorCode } from '../../src/index.js'

export const FJE_MESSAGES: Readonly<Partial<Record<ErrorCode, string>>> = Object.freeze({
  TOKEN_MISSING: 'Missing Authorization Header',
  TOKEN_SCHEME_INVALID: "Missing 'Bearer' type in 'Authorization' header. Expected 'Authorization: Bearer <JWT>'",
  TOKEN_EXPIRED: 'Token has expired',
  TOKEN_SIGNATURE_INVALID: 'Signature verification failed',
  TOKEN_REVOKED: 'Token has been revoked',
  TOKEN_NOT_FRESH: 'Fresh token required',
  TOKEN_TYPE_INVALID: 'Only non-refresh tokens are allowed',
})

/** What a refresh-only route (`@jwt_refresh_token_required`) says to an access token. */
export const FJE_REFRESH_ONLY = 'Only refresh tokens are allowed'

/**
 * The message Flask-JWT-Extended would send for `error`, or undefined to keep tokenwarden's.
 * A deleted user's token reads as user_lookup_error_loader's default does.
 */
export function fjeMessage(error: AuthError, request: FastifyRequest): string | undefined {
  if (error.code === 'TOKEN_USER_NOT_FOUND') return `Error loading the user ${request.identity ?? ''}`.trimEnd()
  return FJE_MESSAGES[error.code]
}
