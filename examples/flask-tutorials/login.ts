// What the tutorials' logins share: the username/password body they read (request.form or
// request.json), and the client details a session records.

import type { FastifyRequest } from 'fastify'
import type { ClientInfo } from '../../src/index.js'

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
