// The WWW-Authenticate header for a failed request (RFC 6750 §3), and the error body shape.

import { STATUS_CODES } from 'node:http'
import type { FastifyReply } from 'fastify'
import { bearerChallengeOf, DEFAULT_MESSAGE_KEY, type ErrorCode } from '../core/errors.js'

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
