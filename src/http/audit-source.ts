// Who is making a request, as the audit log records it: the signed-in user and their session
// (when the route took a token), the client's IP (request.ip: X-Forwarded-For only with
// TRUST_PROXY) and its user agent.

import type { FastifyRequest } from 'fastify'
import type { AuditSource } from '../core/audit/types.js'

/**
 * @example
 * await auth.admin.updateUser(id, patch, auditSource(request))
 */
export function auditSource(request: FastifyRequest): AuditSource {
  return { actorId: request.jwt?.sub, sessionId: request.jwt?.sid, ip: request.ip, userAgent: request.headers['user-agent'] }
}
