// CORS for browsers on other origins (@fastify/cors), on only when CORS_ORIGINS lists some.
//
// Security model: a listed origin is trusted as the server's own pages are. Its script may send
// credentialed requests (cookies, Authorization) and read the answers, so list only origins you
// control, over https in production. Any other origin gets no CORS headers at all: the browser
// still sends its simple requests (the server treats them as before: cookie-mode CSRF checks,
// form bodies refused on cookie logins) but never lets the page read an answer, and its
// preflights fail (404 ROUTE_NOT_FOUND, no Access-Control-* headers), so a non-simple request
// (JSON body, Authorization, X-CSRF-TOKEN) is never sent. Origins match exactly (Fetch standard
// §3.2.5), and every answer says `Vary: Origin` so a shared cache never hands one origin's
// answer to another (Fetch §3.2.6).

import type { FastifyInstance } from 'fastify'
import type { ServerConfig } from '../core/config.js'

type CorsSettings = Pick<ServerConfig, 'corsOrigins' | 'corsMaxAge' | 'headerName' | 'cookies'> & Partial<Pick<ServerConfig, 'env'>>

/** The methods a listed origin may use; the server's routes use no others. */
export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const

/**
 * The request headers a listed origin's script may send: Authorization, Content-Type, the CSRF
 * echo header (JWT_CSRF_HEADER_NAME) and JWT_HEADER_NAME when it is not Authorization.
 */
export function corsAllowedHeaders(config: Pick<CorsSettings, 'headerName' | 'cookies'>): string[] {
  const headers = ['Authorization', 'Content-Type', config.cookies.csrfHeaderName]
  if (config.headerName.toLowerCase() !== 'authorization') headers.push(config.headerName)
  return headers.filter((h, i) => headers.findIndex((o) => o.toLowerCase() === h.toLowerCase()) === i)
}

/**
 * The response headers a listed origin's script may read beyond the CORS-safelisted ones: the
 * Bearer challenge (RFC 6750 §3) and the 429's wait (RFC 6585 §4, plus @fastify/rate-limit's).
 */
export const CORS_EXPOSED_HEADERS = ['WWW-Authenticate', 'Retry-After', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'] as const

/**
 * Registers @fastify/cors on `app` when `config.corsOrigins` is not empty; registers nothing
 * (no hook, no OPTIONS route, no header) when it is. Register it before the rate limit, so a 429
 * carries the CORS headers and the page can read its Retry-After.
 *
 * @example
 * await registerCors(app, parseConfig({ ...process.env, CORS_ORIGINS: 'https://app.example.com' }))
 */
export async function registerCors(app: FastifyInstance, config: CorsSettings): Promise<void> {
  if (config.corsOrigins.length === 0) return
  const listed = new Set(config.corsOrigins)
  // Allowed (internal networks, a TLS-terminating proxy in front of the page), but in production
  // a page served over plain http, and what its script sends with credentials, can be read or
  // changed on the way.
  const plain = config.corsOrigins.filter((o) => o.startsWith('http://') && !isLoopback(o))
  if (config.env === 'production' && plain.length > 0) {
    app.log.warn({ origins: plain }, 'CORS_ORIGINS lists plain-http origins in production: their pages can be read or changed in transit; list https origins')
  }
  // Loaded only when used: a server without CORS_ORIGINS does not pay for it at startup.
  const { default: cors } = await import('@fastify/cors')
  await app.register(cors, {
    // `false` leaves the request without any CORS header and makes its preflight a 404; `true`
    // reflects the request's own Origin, which is then one of the listed ones, never `*`.
    origin: (origin, callback) => callback(null, origin !== undefined && listed.has(origin)),
    credentials: true,
    methods: [...CORS_METHODS],
    allowedHeaders: corsAllowedHeaders(config),
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    maxAge: config.corsMaxAge,
    // A listed origin's OPTIONS without Access-Control-Request-Method gets the preflight answer
    // (harmless) rather than the plugin's text/plain 400, which has no error code.
    strictPreflight: false,
  })
}

function isLoopback(origin: string): boolean {
  const host = new URL(origin).hostname
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]'
}
