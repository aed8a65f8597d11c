// Double-submit CSRF protection for cookie-delivered tokens (OWASP CSRF cheat sheet; the
// Flask-JWT-Extended scheme): each such token carries a random `csrf` claim, the page reads
// it from the non-HttpOnly CSRF cookie and echoes it in X-CSRF-TOKEN on unsafe methods. A
// cross-site form can make the browser send the cookie but cannot read it to echo it. The
// comparison is constant-time over SHA-256 digests, so neither content nor length leaks.

import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { AuthError } from '../../core/errors.js'
import type { TokenClaims } from '../../core/tokens/claims.js'
import type { CookieSettings } from '../../core/tokens/locations.js'

/** Throws CSRF_FAILED unless the request echoes the token's `csrf` claim, when the method calls for it. */
export function checkCsrf(request: FastifyRequest, claims: TokenClaims, s: Readonly<CookieSettings>): void {
  if (!s.csrfProtect || !s.csrfMethods.includes(request.method.toUpperCase())) return
  const sent = request.headers[s.csrfHeaderName.toLowerCase()]
  const expected = claims.csrf
  if (typeof sent !== 'string' || sent === '' || typeof expected !== 'string' || expected === '') throw new AuthError('CSRF_FAILED')
  if (!timingSafeEqual(digest(sent), digest(expected))) throw new AuthError('CSRF_FAILED')
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest()
}
