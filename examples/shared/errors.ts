// One error handler for an example's own routes: every failure leaves as Fastify's shape,
// `{ statusCode, code, error, <messageKey>: message }`, with a code from tokenwarden's registry
// (docs/errors.md), so bad input is a 4xx that says what was wrong and never a 500. The message
// key and wording can follow the tutorial (Flask-JWT-Extended's `msg`, a tutorial's `Alert`).
// Framework errors are mapped without echoing the request: the JSON parser's own messages quote
// the input, which may hold a password.

import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type TObject, type TSchema } from 'typebox'
import { AuthError, DEFAULT_MESSAGE_KEY, ERRORS, isAuthError, type ErrorCode } from '../../src/index.js'

/** How an example words its errors. */
export interface ErrorStyle {
  /** The key of the message in every error body (JWT_ERROR_MESSAGE_KEY). default: DEFAULT_MESSAGE_KEY (message) */
  messageKey?: string
  /** The tutorial's own wording for an error, or undefined to keep the registry's message. default: none */
  message?: (error: AuthError, request: FastifyRequest) => string | undefined
}

const FRAMEWORK_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
}

/** Any thrown value as an AuthError fit to show: a registry code, and a message that holds no input. */
export function toAuthError(err: unknown): AuthError {
  if (isAuthError(err)) return err
  const fe = err as Partial<FastifyError>
  if (fe.validation !== undefined) {
    // Ajv's wording names the schema's field and rule ("body/password must be string"), never the value.
    const first = fe.validation[0]
    const missing = (first?.params as { missingProperty?: unknown } | undefined)?.missingProperty
    const field = typeof missing === 'string' ? missing : first?.instancePath.split('/')[1] || undefined
    return new AuthError('VALIDATION_FAILED', fe.message, { details: field === undefined ? {} : { field } })
  }
  const mapped = fe.code === undefined ? undefined : FRAMEWORK_CODES[fe.code]
  if (mapped !== undefined) return new AuthError(mapped)
  if (fe.statusCode === 404) return new AuthError('ROUTE_NOT_FOUND')
  if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) return new AuthError('VALIDATION_FAILED')
  return new AuthError('INTERNAL_ERROR', undefined, { cause: err })
}

/**
 * The error body's schema, for a route's `response` (`{ '4xx': body, '5xx': body }`): Fastify's
 * shape with the message under each of `messageKeys` that the route may use, and `field`.
 *
 * @example
 * app.get('/me', { schema: { response: { 200: Me, ...errorResponses('msg') } } }, handler)
 */
export function errorResponses(...messageKeys: string[]): { '4xx': TObject; '5xx': TObject } {
  const keys = messageKeys.length === 0 ? [DEFAULT_MESSAGE_KEY] : messageKeys
  const messages: Record<string, TSchema> = Object.fromEntries(keys.map((k) => [k, keys.length === 1 ? Type.String() : Type.Optional(Type.String())]))
  const body = Type.Object({ statusCode: Type.Integer(), code: Type.String(), error: Type.String(), ...messages, field: Type.Optional(Type.String()) })
  return { '4xx': body, '5xx': body }
}

/** Fastify's error shape under `messageKey`, plus the failing field when validation names one. */
export function errorBody(error: AuthError, messageKey: string = DEFAULT_MESSAGE_KEY, message: string = error.message): Record<string, unknown> {
  const body: Record<string, unknown> = { statusCode: error.statusCode, code: error.code, error: STATUS_CODES[error.statusCode] ?? 'Error', [messageKey]: message }
  if (typeof error.details?.field === 'string') body.field = error.details.field
  return body
}

/**
 * Sends `error` with the RFC 6750 §3 challenge its code calls for (the guard sets it on its own
 * refusals; errors thrown by `auth.accounts` or `auth.sessions` in a handler get it here).
 */
export function sendError(reply: FastifyReply, error: AuthError, messageKey?: string, message?: string): FastifyReply {
  const bearer = (ERRORS[error.code] as { bearer?: string }).bearer
  if (bearer !== undefined && !reply.hasHeader('www-authenticate')) {
    reply.header('www-authenticate', bearer === 'challenge' ? 'Bearer' : `Bearer error="${bearer}"`)
  }
  if (error.retryAfter !== undefined) reply.header('retry-after', String(Math.ceil(error.retryAfter)))
  return reply.code(error.statusCode).type('application/json; charset=utf-8').send(errorBody(error, messageKey, message))
}

/** An error handler for `app.setErrorHandler` or a route's own `errorHandler` option, in `style`. */
export function errorHandler(style: ErrorStyle = {}): (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  const messageKey = style.messageKey ?? DEFAULT_MESSAGE_KEY
  return (err, request, reply) => {
    const error = toAuthError(err)
    if (error.code === 'INTERNAL_ERROR') request.log.error({ err }, 'unhandled error')
    else request.log.info({ code: error.code }, 'request refused')
    return sendError(reply, error, messageKey, style.message?.(error, request))
  }
}

/**
 * Installs the error and not-found handlers on `app` (and the routes it encapsulates): each
 * prefix of an example can word its errors as its tutorial did.
 */
export function installErrors(app: FastifyInstance, style: ErrorStyle = {}): void {
  app.setErrorHandler(errorHandler(style))
  app.setNotFoundHandler((request, reply) => {
    const error = new AuthError('ROUTE_NOT_FOUND')
    return sendError(reply, error, style.messageKey, style.message?.(error, request))
  })
}
