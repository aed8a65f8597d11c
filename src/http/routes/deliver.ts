// How the server hands tokens over: in the JSON body (the default), or, when the client asks
// with `?cookies=true` and JWT_TOKEN_LOCATION lists cookies, as HttpOnly cookies plus readable
// CSRF cookies. A cookie response carries no token in its body: keeping tokens away from
// script is the point of HttpOnly.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Type, type Static } from 'typebox'
import type { TokenPair } from '../../core/context.js'
import { AuthError } from '../../core/errors.js'
import { TokenResponse } from '../schemas.js'

export const CookieQuery = Type.Object({
  /** Deliver the tokens as cookies. default: false */
  cookies: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false'), Type.Literal('1'), Type.Literal('0')])),
})
export type CookieQuery = Static<typeof CookieQuery>

export const CookieTokenResponse = Type.Object({
  token_type: Type.Literal('cookie'),
  expires_in: Type.Integer(),
  /** The double-submit values, also in the csrf_* cookies; echo them in X-CSRF-TOKEN. */
  csrf_access_token: Type.Optional(Type.String()),
  csrf_refresh_token: Type.Optional(Type.String()),
})

/** The 200 body of login and refresh: tokens in the body, or the cookie receipt. */
export const TokenDelivery = Type.Union([TokenResponse, CookieTokenResponse])

/**
 * True when the request asks for cookies; COOKIE_LOGIN_DISABLED when the server does not deliver
 * them. A cookie login must not come as a form body: an HTML form (or a no-cors fetch) on any
 * other site can post one without the browser asking this server first, and would sign the
 * visitor's browser into the attacker's account ("login CSRF"). A JSON body or an Authorization
 * header cannot be sent cross-origin without a CORS preflight, which this server grants only to
 * the origins listed in CORS_ORIGINS (trusted by the operator; none by default).
 */
export function wantsCookies(app: FastifyInstance, request: { query: CookieQuery | undefined; headers: FastifyRequest['headers'] }): boolean {
  const query = request.query
  const asked = query?.cookies === 'true' || query?.cookies === '1'
  if (!asked) return false
  if (!app.tokenwarden.settings.locations.includes('cookies')) throw new AuthError('COOKIE_LOGIN_DISABLED')
  const type = request.headers['content-type']
  if (type !== undefined && /^\s*application\/x-www-form-urlencoded\b/i.test(type)) {
    throw new AuthError('UNSUPPORTED_MEDIA_TYPE', 'A cookie login takes a JSON body (or HTTP Basic), not a form: another site could post a form')
  }
  return true
}

/** Sends the pair as the body, or sets cookies and sends the receipt. */
export function deliverTokens(app: FastifyInstance, reply: FastifyReply, pair: TokenPair, asCookies: boolean) {
  if (!asCookies) {
    return { access_token: pair.accessToken, refresh_token: pair.refreshToken, token_type: 'Bearer' as const, expires_in: pair.expiresIn }
  }
  const tw = app.tokenwarden
  tw.setAccessCookies(reply, pair.accessToken)
  tw.setRefreshCookies(reply, pair.refreshToken)
  const csrfOf = (token: string, type: 'access' | 'refresh') => {
    const csrf = tw.verifier.verify(token, type).csrf
    return tw.settings.cookies.csrfProtect && typeof csrf === 'string' ? csrf : undefined
  }
  const csrfAccess = csrfOf(pair.accessToken, 'access')
  const csrfRefresh = csrfOf(pair.refreshToken, 'refresh')
  return {
    token_type: 'cookie' as const,
    expires_in: pair.expiresIn,
    ...(csrfAccess === undefined ? {} : { csrf_access_token: csrfAccess }),
    ...(csrfRefresh === undefined ? {} : { csrf_refresh_token: csrfRefresh }),
  }
}
