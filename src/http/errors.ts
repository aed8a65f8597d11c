// The one error handler: every failure leaves as `{ statusCode, code, error, message }` with a
// code from the registry. Framework errors (bad JSON, wrong content type, oversized body,
// schema violations, rate limits) get our codes; anything unexpected is a logged 500 whose
// response says nothing about its cause. Messages from the JSON parser are never echoed:
// V8 quotes the offending input, which may hold a password.

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AuthError, isAuthError, type ErrorCode } from '../core/errors.js'
import { isUnavailable } from '../store/unavailable.js'
import { sendError } from './challenge.js'
import { describeValidation } from './validation.js'

const FRAMEWORK_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
}

/** Turns any thrown value into an AuthError we are willing to show. */
export function toAuthError(err: FastifyError | Error): AuthError {
  if (isAuthError(err)) return err
  const fe = err as FastifyError
  if (fe.validation !== undefined) {
    // Worded by validation.ts: a schema field and what it accepts, never a value or unknown key.
    const { message, field } = describeValidation(fe.validation, fe.validationContext ?? 'body')
    return new AuthError('VALIDATION_FAILED', message, { details: field === undefined ? {} : { field } })
  }
  const mapped = fe.code === undefined ? undefined : FRAMEWORK_CODES[fe.code]
  if (mapped !== undefined) return new AuthError(mapped)
  if (fe.statusCode === 429) return new AuthError('RATE_LIMITED', undefined, { retryAfter: Number((fe as { ttl?: number }).ttl ?? 0) / 1000 || undefined })
  if (fe.statusCode === 404) return new AuthError('ROUTE_NOT_FOUND')
  if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AuthError('VALIDATION_FAILED', 'Request is invalid')
  }
  // The database is down or out of connections: a retryable 503, not a bug.
  if (isUnavailable(err)) return new AuthError('SERVICE_UNAVAILABLE', undefined, { cause: err, retryAfter: 1 })
  return new AuthError('INTERNAL_ERROR', undefined, { cause: err })
}

/** The error handler and the 404 handler: the server's whole app. */
export function installErrorHandling(app: FastifyInstance, messageKey?: string): void {
  installErrorHandler(app, messageKey)
  app.setNotFoundHandler((request, reply) => {
    request.log.info({ code: 'ROUTE_NOT_FOUND' }, 'route not found')
    // The path is not echoed: it is input, and may hold a token or an address.
    return sendError(reply, new AuthError('ROUTE_NOT_FOUND'), messageKey)
  })
}

/** The error handler alone (encapsulated: the mounted auth routes of a host app get it, the host's own routes keep theirs). */
export function installErrorHandler(app: FastifyInstance, messageKey?: string): void {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const authErr = toAuthError(err)
    if (authErr.code === 'INTERNAL_ERROR') {
      request.log.error({ err }, 'unhandled error')
    } else if (authErr.code === 'SERVICE_UNAVAILABLE') {
      request.log.warn({ code: authErr.code, reason: causeOf(authErr) }, 'service unavailable')
    } else {
      request.log.info({ code: authErr.code, statusCode: authErr.statusCode }, 'request rejected')
    }
    return sendError(reply, authErr, messageKey)
  })
}

/** The driver's error code or message behind a 503, for the log (a driver error names no secret). */
function causeOf(err: AuthError): string | undefined {
  const cause = err.cause as { code?: unknown; message?: unknown } | undefined
  if (cause === undefined) return undefined
  return typeof cause.code === 'string' ? cause.code : typeof cause.message === 'string' ? cause.message.slice(0, 200) : undefined
}
