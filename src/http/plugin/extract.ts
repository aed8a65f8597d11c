// Finding the token in a request, as Flask-JWT-Extended does: the configured locations are
// tried in order and the first one holding a token wins (a bad token there is refused, not
// skipped). Headers: `Authorization: Bearer <token>`, the scheme matched case-insensitively
// (RFC 7235 §2.1), name and scheme configurable (JWT_HEADER_NAME / JWT_HEADER_TYPE; an empty
// type means a bare token); a header under another scheme (`JWT <token>`, a bare token where a
// scheme is configured) is TOKEN_SCHEME_INVALID when no location held a token. Cookies: the access or refresh cookie. Query string: `?jwt=`.
// JSON: the `access_token` / `refresh_token` body key (needs a parsed body: a guard in a
// route's own onRequest waits for it, see RESUMABLE in guard.ts; or use it as a preHandler).

import type { FastifyRequest } from 'fastify'
import { AuthError } from '../../core/errors.js'
import type { TokenType } from '../../core/tokens/claims.js'
import type { TokenLocation } from '../../core/tokens/locations.js'
import type { LocationSettings } from './options.js'

export interface HeaderOptions {
  /** Matched case-insensitively. default: LOCATION_DEFAULTS.headerName (Authorization) */
  name?: string
  /** The scheme; '' for a bare token. default: LOCATION_DEFAULTS.headerType (Bearer) */
  type?: string
}

/** A token and where it was found. */
export interface LocatedToken {
  token: string
  location: TokenLocation
}

/** The credentials of `<scheme> <credentials>`, or undefined when the header does not fit. */
export function parseAuthorization(value: string | string[] | undefined, scheme: string): string | undefined {
  if (typeof value !== 'string') return undefined
  const v = value.trim()
  if (scheme === '') return v === '' ? undefined : v
  if (v.length <= scheme.length + 1 || v.slice(0, scheme.length).toLowerCase() !== scheme.toLowerCase()) return undefined
  const rest = v.slice(scheme.length)
  if (rest[0] !== ' ' && rest[0] !== '\t') return undefined
  const credentials = rest.trim()
  return credentials === '' || hasWhitespace(credentials) ? undefined : credentials
}

/**
 * The error for a request in which `locations` held no token: TOKEN_SCHEME_INVALID when the
 * header holds credentials under a scheme other than the configured one (`JWT <token>`,
 * `Basic ...`, a bare token), TOKEN_MISSING otherwise. Both keep the bare challenge: RFC 6750 §3
 * sends no error code to a client that used an unsupported authentication method. With an
 * empty configured type a bare token is the expected form, so no scheme is ever wrong.
 */
export function missingTokenError(request: FastifyRequest, locations: readonly TokenLocation[], s: LocationSettings): AuthError {
  const value = locations.includes('headers') ? request.headers[s.headerName] : undefined
  const v = typeof value === 'string' ? value.trim() : ''
  if (v === '' || s.headerType === '') return new AuthError('TOKEN_MISSING')
  const scheme = s.headerType
  // The configured scheme with no usable credentials (`Bearer`, `Bearer a b`) is still "no token".
  const sameScheme = v.slice(0, scheme.length).toLowerCase() === scheme.toLowerCase() && (v.length === scheme.length || v[scheme.length] === ' ' || v[scheme.length] === '\t')
  if (sameScheme) return new AuthError('TOKEN_MISSING')
  return new AuthError('TOKEN_SCHEME_INVALID', `The ${s.headerName} header must have the form "${scheme} <token>"`)
}

// Printable ASCII without the space: a token (base64url, RFC 7515 §2) is all of it, and a single
// range scans faster than `\s` with its Unicode members, which only runs when the range fails.
const VISIBLE_ASCII = /^[!-~]*$/
const WHITESPACE = /\s/

/** `/\s/.test(value)`, cheaper for the usual all-ASCII credentials. */
function hasWhitespace(value: string): boolean {
  return !VISIBLE_ASCII.test(value) && WHITESPACE.test(value)
}

/** Cookies as parsed by @fastify/cookie, or parsed here when its hook has not run. */
export type CookieReader = (request: FastifyRequest) => Record<string, string | undefined>

/**
 * The first token found in `locations`, or undefined when none holds one. A value of the wrong
 * shape (a JSON number, a repeated query parameter) is TOKEN_MALFORMED rather than "missing".
 */
export function locateToken(
  request: FastifyRequest,
  type: TokenType,
  locations: readonly TokenLocation[],
  settings: LocationSettings,
  readCookies: CookieReader,
): LocatedToken | undefined {
  for (const location of locations) {
    const token = read(request, type, location, settings, readCookies)
    if (token !== undefined) return { token, location }
  }
  return undefined
}

function read(
  request: FastifyRequest,
  type: TokenType,
  location: TokenLocation,
  s: LocationSettings,
  readCookies: CookieReader,
): string | undefined {
  switch (location) {
    case 'headers':
      return parseAuthorization(request.headers[s.headerName], s.headerType)
    case 'cookies': {
      const value = readCookies(request)[type === 'access' ? s.cookies.accessName : s.cookies.refreshName]
      return value === undefined || value === '' ? undefined : value
    }
    case 'query_string':
      return nonEmptyString((request.query as Record<string, unknown> | undefined)?.[s.queryStringName])
    case 'json': {
      const body = request.body
      if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined
      return nonEmptyString((body as Record<string, unknown>)[type === 'access' ? s.jsonKeys.access : s.jsonKeys.refresh])
    }
  }
}

function nonEmptyString(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') throw new AuthError('TOKEN_MALFORMED', 'Token must be a string')
  return value
}
