// What a login records about its client: the user agent and IP shown in the session list
// (`auth.sessions.list`), for an example's own login routes.

import type { FastifyRequest } from 'fastify'
import type { ClientInfo } from '../../src/index.js'

/** The request's user agent and IP (behind a proxy, Fastify's `trustProxy` decides which IP). */
export function clientOf(request: FastifyRequest): ClientInfo {
  return { userAgent: request.headers['user-agent'], ip: request.ip }
}
