// Answers written before Fastify routes a request: the HTTP parser's refusals (malformed
// request, headers over the limit, request timeout), an Expect other than 100-continue and an
// HTTP/1.1 request without Host. Each gets `{ statusCode, code, error, message }` with a
// registry code, then the connection closes: after a framing error nothing later on the socket
// can be trusted (RFC 9112 §11.2, request smuggling). A request asking to upgrade is answered
// with `Connection: close` too: tokenwarden supports no upgrades, and Node stops parsing a
// keep-alive connection after one, so a later request there would hang until the timeout.

import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { ConnectionError, FastifyInstance } from 'fastify'
import { AuthError, ERRORS, type ErrorCode } from '../core/errors.js'
import { errorBody, sendError } from './challenge.js'

/** The registry code for an error Node's HTTP parser or server raised on a connection. */
function codeOf(err: ConnectionError): ErrorCode {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return 'HEADERS_TOO_LARGE'
    // Node 22+: chunk extensions past their limit are part of the body's framing.
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return 'BODY_TOO_LARGE'
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return 'REQUEST_TIMEOUT'
    default:
      return 'MALFORMED_REQUEST'
  }
}

function jsonOf(code: ErrorCode, messageKey: string | undefined): string {
  const { status, message } = ERRORS[code]
  return JSON.stringify(errorBody(status, code, message, messageKey))
}

/**
 * Fastify's `clientErrorHandler`: answers on the raw socket, since no request object exists.
 * The error is logged by its code only: Node attaches the raw bytes (`rawPacket`), which may
 * hold an Authorization header.
 */
export function clientErrorHandler(messageKey: string | undefined): (this: FastifyInstance, err: ConnectionError, socket: Socket) => void {
  return function onClientError(err, socket) {
    // A reset connection is already gone (https://nodejs.org/api/http.html#event-clienterror).
    if (err.code === 'ECONNRESET' || socket.destroyed) return
    const code = codeOf(err)
    this.log.debug({ code, reason: err.code }, 'client error')
    // A response already under way on this socket cannot be followed by another one.
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage
    if (!socket.writable || inFlight?.headersSent === true) {
      socket.destroy()
      return
    }
    const status = ERRORS[code].status
    const body = jsonOf(code, messageKey)
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    )
  }
}

/**
 * The server options this module needs: Node's own Host check answers an empty 400, so it is
 * turned off here and done by the hook `installClientErrors` adds.
 */
export const HTTP_SERVER_OPTIONS = { requireHostHeader: false } as const

/** Installs the Expect, Host and Upgrade handling on a Fastify instance built with the options above. */
export function installClientErrors(app: FastifyInstance, messageKey: string | undefined): void {
  // With a listener, Node hands us every Expect other than 100-continue instead of an empty 417.
  app.server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    app.log.debug({ code: 'EXPECTATION_FAILED' }, 'client error')
    const body = jsonOf('EXPECTATION_FAILED', messageKey)
    res.writeHead(ERRORS.EXPECTATION_FAILED.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      connection: 'close',
    })
    res.end(body)
  })
  // Before Fastify's own listener, so that every answer to the request carries it (writeHead
  // merges headers set on the raw response), whichever path answers it.
  app.server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.upgrade !== undefined) res.setHeader('connection', 'close')
  })
  app.addHook('onRequest', async (request, reply) => {
    // RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without Host.
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      request.log.info({ code: 'HOST_REQUIRED' }, 'request rejected')
      reply.header('connection', 'close')
      return sendError(reply, new AuthError('HOST_REQUIRED'), messageKey)
    }
  })
}
