// The OpenAPI security schemes for the configured token locations (components.securitySchemes),
// under the names route-docs.ts uses in each guarded route's `security` (and adds to a host's own
// @fastify/swagger document when it lacks them).

import type { LocationSettings } from '../plugin/options.js'

type Scheme = Record<string, string>

/** The names the schemes go by, in components.securitySchemes and in each route's `security`. */
export const SCHEMES = { bearer: 'bearerAuth', cookie: 'cookieAuth', refreshCookie: 'refreshCookieAuth', csrf: 'csrfHeader', query: 'queryToken', basic: 'basicAuth' } as const

/** Every scheme a tokenwarden route may name, for these settings. */
export function securitySchemes(settings: LocationSettings): Record<string, Scheme> {
  const { headerName, headerType, cookies, queryStringName } = settings
  const standardHeader = headerName.toLowerCase() === 'authorization' && headerType.toLowerCase() === 'bearer'
  return {
    [SCHEMES.bearer]: standardHeader
      ? { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token: `Authorization: Bearer <token>` (the refresh route takes the refresh token the same way).' }
      : { type: 'apiKey', in: 'header', name: headerName, description: `An access token: \`${headerName}: ${headerType === '' ? '' : `${headerType} `}<token>\`.` },
    [SCHEMES.cookie]: { type: 'apiKey', in: 'cookie', name: cookies.accessName, description: 'The HttpOnly access cookie set by a cookie login (`?cookies=true`).' },
    [SCHEMES.refreshCookie]: { type: 'apiKey', in: 'cookie', name: cookies.refreshName, description: 'The HttpOnly refresh cookie set by a cookie login.' },
    [SCHEMES.csrf]: {
      type: 'apiKey',
      in: 'header',
      name: cookies.csrfHeaderName,
      description: `With a token cookie, on ${cookies.csrfMethods.join(', ')}: the value of the readable ${cookies.csrfAccessName} (or ${cookies.csrfRefreshName} for refresh) cookie, echoed (double submit).`,
    },
    [SCHEMES.query]: { type: 'apiKey', in: 'query', name: queryStringName, description: 'An access token in the query string (only when JWT_TOKEN_LOCATION lists query_string).' },
    [SCHEMES.basic]: { type: 'http', scheme: 'basic', description: 'Login credentials: the user (email, or username) and password (RFC 7617).' },
  }
}
