// Cookie delivery (Flask-JWT-Extended's set_access_cookies / set_refresh_cookies /
// unset_jwt_cookies): the token in an HttpOnly cookie, its CSRF value in a readable cookie the
// page's script echoes back in a header. Cookie attributes follow RFC 6265bis: Secure,
// SameSite, Path, Domain, and Partitioned (CHIPS) when asked; Max-Age runs out with the token.

import type { CookieSerializeOptions } from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { TokenClaims, TokenType } from '../../core/tokens/claims.js'
import type { CookieSettings } from '../../core/tokens/locations.js'
import type { CookieReader } from './extract.js'

function attributes(s: Readonly<CookieSettings>, type: TokenType, httpOnly: boolean): CookieSerializeOptions {
  return {
    path: type === 'access' ? s.accessPath : s.refreshPath,
    ...(s.domain === undefined ? {} : { domain: s.domain }),
    secure: s.secure,
    sameSite: s.sameSite,
    // CHIPS: the browser keys the cookie by the top-level site too; clearing must repeat it.
    ...(s.partitioned ? { partitioned: true } : {}),
    httpOnly,
  }
}

/** Sets the token cookie (and its CSRF cookie when protection is on); `claims` are the token's. */
export function setTokenCookies(
  reply: FastifyReply,
  s: Readonly<CookieSettings>,
  type: TokenType,
  token: string,
  claims: TokenClaims,
  nowMs: number,
): void {
  const r = reply
  const maxAge = Math.max(0, Math.floor(claims.exp - nowMs / 1000))
  r.setCookie(type === 'access' ? s.accessName : s.refreshName, token, { ...attributes(s, type, true), maxAge })
  if (s.csrfProtect && typeof claims.csrf === 'string') {
    r.setCookie(type === 'access' ? s.csrfAccessName : s.csrfRefreshName, claims.csrf, { ...attributes(s, type, false), maxAge })
  }
}

/**
 * Expires the token cookie and its CSRF cookie, with the attributes they were set with: a
 * browser removes only the cookie of the same name, domain, path and (CHIPS) partition.
 */
export function clearTokenCookies(reply: FastifyReply, s: Readonly<CookieSettings>, type: TokenType): void {
  const r = reply
  r.clearCookie(type === 'access' ? s.accessName : s.refreshName, attributes(s, type, true))
  r.clearCookie(type === 'access' ? s.csrfAccessName : s.csrfRefreshName, attributes(s, type, false))
}

/** Reads cookies parsed by @fastify/cookie's hook, or parses the header when that hook has not run. */
export function cookieReader(parse: (header: string) => Record<string, string | undefined>): CookieReader {
  return (request: FastifyRequest) => {
    const parsed = (request as { cookies?: Record<string, string | undefined> | null }).cookies
    if (parsed !== undefined && parsed !== null) return parsed
    const header = request.headers.cookie
    return typeof header === 'string' ? parse(header) : {}
  }
}
