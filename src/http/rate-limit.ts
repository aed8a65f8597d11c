// The per-IP rate limit on /auth/* (@fastify/rate-limit). Generous by default (1000 requests
// per minute per client IP) so normal use and test suites never meet it; it exists to blunt
// floods, while the per-identifier login throttle (core/accounts/throttle.ts) is what stops
// password guessing. Hit -> 429 RATE_LIMITED with Retry-After (RFC 6585 §4), through the one
// error handler.

import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ServerConfig } from '../core/config.js'

const AUTH_PATH = /^\/auth(?:[/?]|$)/

/**
 * Registers the limiter and an app-level onRequest hook for /auth/* URLs. App-level, so it
 * runs before route guards: a flood of bad tokens is limited as well as a flood of logins.
 * `rateLimitMax: 0` registers nothing.
 */
export async function registerAuthRateLimit(app: FastifyInstance, config: Pick<ServerConfig, 'rateLimitMax' | 'rateLimitWindow'>): Promise<void> {
  if (config.rateLimitMax <= 0) return
  await app.register(rateLimit, {
    global: false,
    // x-ratelimit-* only on the 429 itself: on every other response they cost ~2 µs (10% of GET /auth/me).
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    // Our error carries the wait so the error handler sets Retry-After and the RATE_LIMITED code.
    errorResponseBuilder: (_request, context) => Object.assign(new Error('Rate limit exceeded'), { statusCode: 429, ttl: context.ttl }),
  })
  const limit = app.rateLimit({ max: config.rateLimitMax, timeWindow: config.rateLimitWindow * 1000 })
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    // The matched route, not the raw URL: `/%61uth/login` routes to /auth/login too.
    if (AUTH_PATH.test(request.routeOptions.url ?? request.url)) await limit.call(app, request, reply)
  })
}
