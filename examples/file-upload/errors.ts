// The upload form's own error codes, beside tokenwarden's registry (docs/errors.md), answered in
// the same shape, { statusCode, code, error, message }; everything else goes to the examples'
// shared handler. Bad input is always a 4xx with a code: the tutorial answered a missing field,
// a duplicate description or a missing file with a 500 (or a 400 page from Werkzeug).

import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify'
import { AuthError } from '../../src/index.js'
import { errorHandler, sendError } from '../shared/errors.js'
import { DESCRIPTION_MAX, FILENAME_MAX } from './storage.js'

export const UPLOAD_ERRORS = {
  FILE_REQUIRED: { status: 400, message: 'Choose a file to upload (the inputFile field)' },
  FILENAME_INVALID: { status: 400, message: `The file name must be at most ${FILENAME_MAX} characters, without control characters` },
  DESCRIPTION_REQUIRED: { status: 400, message: 'A description is required' },
  DESCRIPTION_INVALID: { status: 400, message: `The description must be at most ${DESCRIPTION_MAX} characters, without control characters other than line breaks and tabs` },
  DESCRIPTION_TAKEN: { status: 409, message: 'You already have a file with this description' },
  FILE_TOO_LARGE: { status: 413, message: 'The file is too large' },
  FORM_TOO_LARGE: { status: 413, message: 'The form has too many fields or files' },
  FORM_MALFORMED: { status: 400, message: 'The multipart form is malformed or incomplete' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send the upload as multipart/form-data' },
  FILE_NOT_FOUND: { status: 404, message: 'File not found' },
} as const

export type UploadErrorCode = keyof typeof UPLOAD_ERRORS

export class UploadError extends Error {
  readonly code: UploadErrorCode
  readonly statusCode: number
  constructor(code: UploadErrorCode, message?: string) {
    super(message ?? UPLOAD_ERRORS[code].message)
    this.name = 'UploadError'
    this.code = code
    this.statusCode = UPLOAD_ERRORS[code].status
  }
}

/** @fastify/multipart's errors by their code (busboy's own parse errors carry none). */
const MULTIPART_CODES: Record<string, UploadErrorCode> = {
  FST_PARTS_LIMIT: 'FORM_TOO_LARGE',
  FST_FILES_LIMIT: 'FORM_TOO_LARGE',
  FST_FIELDS_LIMIT: 'FORM_TOO_LARGE',
  FST_REQ_FILE_TOO_LARGE: 'FILE_TOO_LARGE',
  FST_PROTO_VIOLATION: 'FORM_MALFORMED',
  FST_INVALID_JSON_FIELD_ERROR: 'FORM_MALFORMED',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_MP_PREMATURE_CLOSE: 'FORM_MALFORMED',
}

/** Busboy's words for a body it cannot parse: no boundary, a part cut short, the end missing. */
const BUSBOY_MALFORMED = /^(Multipart: Boundary not found|Boundary required|(Part|Preamble) terminated early due to unexpected end of multipart data|Unexpected end of multipart data)$/

function uploadErrorOf(err: FastifyError): UploadError | undefined {
  if (err instanceof UploadError) return err
  const code = MULTIPART_CODES[err.code]
  if (code !== undefined) return new UploadError(code)
  if (err.code === undefined && BUSBOY_MALFORMED.test(err.message)) return new UploadError('FORM_MALFORMED')
  return undefined
}

export function sendUploadError(reply: FastifyReply, error: UploadError): FastifyReply {
  return reply
    .code(error.statusCode)
    .type('application/json; charset=utf-8')
    .send({ statusCode: error.statusCode, code: error.code, error: STATUS_CODES[error.statusCode], message: error.message })
}

/**
 * The tutorial's check_for_token answered `{"message": "Token missing"}` and `{"message": "Invalid
 * token"}`: those words stay, beside tokenwarden's precise `code` and with the 401 of RFC 6750
 * §3.1 instead of the tutorial's 403.
 */
export function tutorialMessage(error: AuthError): string | undefined {
  if (error.code === 'TOKEN_MISSING' || error.code === 'TOKEN_SCHEME_INVALID') return 'Token missing'
  if (error.code.startsWith('TOKEN_') || error.code === 'REFRESH_TOKEN_REUSED') return 'Invalid token'
  return undefined
}

export function installUploadErrors(app: FastifyInstance): void {
  app.setNotFoundHandler((_request, reply) => sendError(reply, new AuthError('ROUTE_NOT_FOUND')))
  const shared = errorHandler({ message: tutorialMessage })
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const upload = uploadErrorOf(err)
    if (upload === undefined) return shared(err, request, reply)
    request.log.info({ code: upload.code }, 'upload refused')
    return sendUploadError(reply, upload)
  })
}
