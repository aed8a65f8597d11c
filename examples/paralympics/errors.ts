// The paralympics API's error answers, one shape for all of them: Fastify's
// `{ statusCode, code, error, message }`, with a `field` when validation names one.
// tokenwarden's codes (TOKEN_MISSING, EMAIL_TAKEN, VALIDATION_FAILED, ...) come from its
// registry (docs/errors.md); the data routes add the four below.

import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { AuthError } from '../../src/index.js'
import { errorHandler } from '../shared/errors.js'

/** The data routes' own codes; a code is never reused for another meaning. */
export const DATA_ERRORS = {
  // The tutorial's words for a region or event that is not there.
  NOC_NOT_FOUND: { status: 404, message: 'Invalid resource URI' },
  EVENT_NOT_FOUND: { status: 404, message: 'Invalid resource URI' },
  NOC_EXISTS: { status: 409, message: 'A region with this NOC code already exists' },
  NOC_IN_USE: { status: 409, message: 'Events are hosted by this NOC; change or remove them first' },
} as const

export type DataErrorCode = keyof typeof DATA_ERRORS

export class DataError extends Error {
  readonly code: DataErrorCode
  readonly statusCode: number
  constructor(code: DataErrorCode, message: string = DATA_ERRORS[code].message) {
    super(message)
    this.name = 'DataError'
    this.code = code
    this.statusCode = DATA_ERRORS[code].status
  }
}

/** VALIDATION_FAILED naming the field, for rules a JSON schema cannot say (an end before its start). */
export function invalid(field: string, message: string): AuthError {
  return new AuthError('VALIDATION_FAILED', message, { details: { field } })
}

const shared = errorHandler()

/**
 * The data routes' error handler (set in their encapsulated scope): DataErrors with their own
 * codes, everything else as the shared handler answers it (which would take them for a 500).
 */
export function dataErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (!(err instanceof DataError)) return shared(err, request, reply)
  return reply.code(err.statusCode).send({ statusCode: err.statusCode, code: err.code, error: STATUS_CODES[err.statusCode], message: err.message })
}
