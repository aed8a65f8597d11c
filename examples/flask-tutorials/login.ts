// What the tutorials' logins share: the username/password body they read (request.form or
// request.json), HTTP Basic credentials (request.authorization), and the client details a
// session records.

import type { FastifyRequest } from 'fastify'
import { AuthError, type ClientInfo } from '../../src/index.js'

export interface CredentialsBody {
  username: string
  password: string
}

/** `{ username, password }`: both required strings; the tutorials answered a missing one with a 400 page or a 500. */
export const credentialsSchema = {
  type: 'object',
  required: ['username', 'password'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 254 },
    password: { type: 'string', minLength: 1, maxLength: 2048 },
  },
} as const

/** The session list shows these (user agent, IP). */
export function clientOf(request: FastifyRequest): ClientInfo {
  return { userAgent: request.headers['user-agent'], ip: request.ip }
}

/**
 * `Authorization: Basic` (RFC 7617) as `{ username, password }`, or undefined without one.
 * VALIDATION_FAILED when the decoded value has no `:` or an empty user.
 */
export function basicAuthorization(request: FastifyRequest): CredentialsBody | undefined {
  const header = request.headers.authorization
  const match = header === undefined ? null : /^Basic[ \t]+([A-Za-z0-9+/=._~-]+)[ \t]*$/i.exec(header)
  if (match === null) return undefined
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 1) throw new AuthError('VALIDATION_FAILED', 'Basic credentials must be user:password')
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}
