// The WWW-Authenticate header for a failed request (RFC 6750 §3), the error body shape, and
// sending an AuthError with both: the one way an error leaves, from the error handler or the guard.

import { STATUS_CODES } from 'node:http'
import type { FastifyReply } from 'fastify'
import { bearerChallengeOf, DEFAULT_MESSAGE_KEY, type AuthError, type ErrorCode } from '../core/errors.js'

const REALM = 'realm="tokenwarden"'

export function applyChallenge(reply: FastifyReply, code: ErrorCode): void {
  const challenge = bearerChallengeOf(code)
  if (challenge === undefined) return
  reply.header('www-authenticate', challenge === 'challenge' ? `Bearer ${REALM}` : `Bearer ${REALM}, error="${challenge}"`)
}

/** Fastify's error shape, `{ statusCode, code, error, message }`, under a configurable message key. */
export function errorBody(statusCode: number, code: string, message: string, messageKey = DEFAULT_MESSAGE_KEY): Record<string, unknown> {
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', [messageKey]: message }
}

/** Sends `err` as `{ statusCode, code, error, <messageKey> }` (plus `field`), with its challenge and Retry-After. */
export function sendError(reply: FastifyReply, err: AuthError, messageKey?: string): FastifyReply {
  applyChallenge(reply, err.code)
  if (err.retryAfter !== undefined) reply.header('retry-after', String(Math.ceil(err.retryAfter)))
  const body = errorBody(err.statusCode, err.code, err.message, messageKey)
  if (err.details?.field !== undefined) body.field = err.details.field
  return reply.code(err.statusCode).type('application/json; charset=utf-8').send(body)
}
