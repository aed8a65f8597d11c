// The request rate limits (@fastify/rate-limit), each keyed to what it protects. Per client IP
// (RATE_LIMIT_MAX, default 1000 a minute) on the /auth/* routes that take credentials or create
// state without an access token: login, register, refresh, and any such route added there. Per
// session (RATE_LIMIT_SESSION_MAX, default 6000 a minute, keyed by the access token's sid, or its
// sub without one) on every route holding a tokenwarden guard, counted after the guard has
// authenticated the request: a gateway calling GET /auth/me for many users from one address, or
// clients behind one NAT, never share a budget. /health, JWKS and discovery are never limited.
// The limits blunt floods; the per-identifier login throttle (core/accounts/throttle.ts) is what
// stops password guessing. Hit -> 429 RATE_LIMITED with Retry-After (RFC 6585 §4), through the
// one error handler. The counters are per instance, or shared by all instances in Redis when
// REDIS_URL is set (ioredis is imported only then).

import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest, preHandlerHookHandler, RouteOptions } from 'fastify'
import type { Redis as RedisClient } from 'ioredis'
import type { ServerConfig } from '../core/config.js'
import type { ErrorCode } from '../core/errors.js'
import { openRedis } from '../store/redis/client.js'
import { outageLog } from './invalidation.js'
import { declaredAuth } from './openapi/route-docs.js'
import { GUARD } from './plugin/guard.js'

/** Where the shared counters live in Redis: every key starts with this (then the plugin's own scope and the client IP or `session:<sid>`). */
export const RATE_LIMIT_PREFIX = 'tokenwarden:rl:'

/** How long startup waits for Redis before serving with it unreachable (requests then pass uncounted), ms. */
const CONNECT_WAIT_MS = 1000

const AUTH_PATH = /^\/auth(?:[/?]|$)/

type RateLimitConfig = Pick<ServerConfig, 'rateLimitMax' | 'rateLimitSessionMax' | 'rateLimitWindow' | 'redisUrl'>

/**
 * Registers the limiter, and decides per route (onRoute, so before the routes are added) which
 * budget it draws on. The per-IP check is an app-level onRequest hook, so it runs before anything
 * else of the route; the per-session check is appended to every route's preHandlers and counts
 * the requests a guard has verified a token for (also a guard that waited for the JSON body).
 * A limit of 0 turns that limit off; both 0 registers nothing.
 */
export async function registerAuthRateLimit(app: FastifyInstance, config: RateLimitConfig): Promise<void> {
  if (config.rateLimitMax <= 0 && config.rateLimitSessionMax <= 0) return
  const redis = config.redisUrl === undefined ? undefined : await connectRedis(app, config.redisUrl)
  await app.register(rateLimit, {
    // A Redis outage lets requests through uncounted (skipOnError) rather than answering 500:
    // the limit only blunts floods, and the login throttle does not depend on Redis.
    ...(redis !== undefined && { redis, nameSpace: RATE_LIMIT_PREFIX, skipOnError: true }),
    global: false,
    // x-ratelimit-* only on the 429 itself: on every other response they cost ~2 µs (10% of GET /auth/me).
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    // Our error carries the wait so the error handler sets Retry-After and the RATE_LIMITED code.
    errorResponseBuilder: (_request, context) => Object.assign(new Error('Rate limit exceeded'), { statusCode: 429, ttl: context.ttl }),
  })
  const timeWindow = config.rateLimitWindow * 1000
  if (config.rateLimitMax > 0) {
    const perIp = app.rateLimit({ max: config.rateLimitMax, timeWindow })
    const ipRoutes = new Set<string>()
    app.addHook('onRoute', (route: RouteOptions) => {
      if (AUTH_PATH.test(route.url) && !holdsGuard(route)) {
        ipRoutes.add(route.url)
        mayAnswer(route, 'RATE_LIMITED')
      }
    })
    app.addHook('onRequest', async (request: FastifyRequest, reply) => {
      // The matched route, not the raw URL: `/%61uth/login` routes to /auth/login too.
      const url = request.routeOptions.url
      if (url !== undefined && ipRoutes.has(url)) await perIp.call(app, request, reply)
    })
  }
  if (config.rateLimitSessionMax > 0) {
    const perSession = app.rateLimit({ max: config.rateLimitSessionMax, timeWindow, keyGenerator: sessionKey })
    const limitSession: preHandlerHookHandler = async function limitSession(request, reply) {
      // No claims: an optional guard let an anonymous request through, which has no session to count.
      if (request.jwt !== null && request.jwt !== undefined) await perSession.call(app, request, reply)
    }
    // On every route, last: by then any guard (the route's own, an encapsulated hook's, or one
    // that waited for the JSON body) has run; routes that verified no token skip at once.
    app.addHook('onRoute', (route: RouteOptions) => {
      const list = asList(route.preHandler)
      // A GET's HEAD twin may share the options: append once.
      if (!list.includes(limitSession)) route.preHandler = [...list, limitSession]
      if (holdsGuard(route)) mayAnswer(route, 'RATE_LIMITED')
    })
  }
}

/** The per-session budget's key: the session id, or the subject for a token without one. */
function sessionKey(request: FastifyRequest): string {
  const claims = request.jwt!
  return claims.sid !== undefined ? `session:${claims.sid}` : `sub:${claims.sub}`
}

/** Whether the route declares a guard (`config.auth`, installed by the plugin's onRoute after this one), or holds one among its own onRequest or preHandler hooks. */
function holdsGuard(route: RouteOptions): boolean {
  if (declaredAuth(route) !== undefined) return true
  for (const hooks of [route.onRequest, route.preHandler]) {
    if (asList<unknown>(hooks).some((h) => typeof h === 'function' && (h as { [GUARD]?: true })[GUARD] === true)) return true
  }
  return false
}

/** Adds `code` to the codes the route declares it can answer (documented by the guard plugin's onRoute, which runs after this one). */
function mayAnswer(route: RouteOptions, code: ErrorCode): void {
  const errors = route.config?.errors ?? []
  if (!errors.includes(code)) route.config = { ...route.config, errors: [...errors, code] }
}

/** A route option that holds one hook or several, as a list. */
function asList<T>(hooks: T | T[] | undefined): T[] {
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks]
}

/** The rate limit's own Redis connection, closed with the app. */
async function connectRedis(app: FastifyInstance, url: string): Promise<RedisClient> {
  const log = outageLog(app.log, 'redis rate limit')
  // While Redis is away a command fails at once (and the request passes) instead of holding the
  // request until a reconnect.
  const client = await openRedis(url, log.fail, { connectTimeout: CONNECT_WAIT_MS })
  client.on('ready', log.ok)
  app.addHook('onClose', async () => client.disconnect())
  // Until the first connection is up every command would fail: wait for it, briefly.
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      client.off('ready', done)
      client.off('error', done)
      resolve()
    }
    const timer = setTimeout(done, CONNECT_WAIT_MS)
    client.once('ready', done)
    client.once('error', done)
  })
  return client
}
