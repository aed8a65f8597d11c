// HTTP Basic credentials (RFC 7617) as login credentials, for routes that log in from an
// `Authorization: Basic` header (the server's POST /auth/login, or a host's own `GET /login`).

import type { FastifyRequest } from 'fastify'
import type { Credentials } from '../../core/accounts/service.js'
import { AuthError } from '../../core/errors.js'
import { parseAuthorization } from './extract.js'

/**
 * The `user:password` of an `Authorization: Basic` header, the user taken as an email when it
 * holds `@` and as a username otherwise; undefined without such a header. VALIDATION_FAILED
 * when the decoded value has no `:` or an empty user. Pass the result to `accounts.login`.
 *
 * @example
 * const credentials = basicCredentials(request)
 * if (credentials === undefined) return reply.code(401).header('www-authenticate', 'Basic').send()
 * const { accessToken } = await app.tokenwarden.auth.accounts.login(credentials)
 */
export function basicCredentials(request: FastifyRequest): Credentials | undefined {
  const encoded = parseAuthorization(request.headers.authorization, 'Basic')
  if (encoded === undefined) return undefined
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 1) throw new AuthError('VALIDATION_FAILED', 'Basic credentials must be user:password')
  const user = decoded.slice(0, colon)
  const password = decoded.slice(colon + 1)
  return user.includes('@') ? { email: user, password } : { username: user, password }
}
