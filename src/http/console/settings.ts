// What the console's script needs to know about this server before signing anyone in: whether
// cookies are accepted (else the page names the variable to set) and the CSRF names to echo.
// Public: none of it is secret, all of it is visible in any cookie response.

import type { ServerConfig } from '../../core/config.js'

export interface ConsoleSettings {
  /** Whether JWT_TOKEN_LOCATION lists cookies, which the console signs in with. */
  cookies: boolean
  token_location: string[]
  /** JWT_COOKIE_CSRF_PROTECT: whether a refresh cookie comes with a readable CSRF cookie. */
  csrf_protect: boolean
  /** JWT_CSRF_HEADER_NAME */
  csrf_header: string
  /** JWT_ACCESS_CSRF_COOKIE_NAME, JWT_REFRESH_CSRF_COOKIE_NAME */
  csrf_access_cookie: string
  csrf_refresh_cookie: string
}

export function consoleSettings(config: Pick<ServerConfig, 'tokenLocation' | 'cookies'>): ConsoleSettings {
  return {
    cookies: config.tokenLocation.includes('cookies'),
    token_location: [...config.tokenLocation],
    csrf_protect: config.cookies.csrfProtect,
    csrf_header: config.cookies.csrfHeaderName,
    csrf_access_cookie: config.cookies.csrfAccessName,
    csrf_refresh_cookie: config.cookies.csrfRefreshName,
  }
}
