// The per-IP rate limit on /auth/* (@fastify/rate-limit). Generous by default (1000 requests
// per minute per client IP) so normal use and test suites never meet it; it exists to blunt
// floods, while the per-identifier login throttle (core/accounts/throttle.ts) is what stops
// password guessing. Hit -> 429 RATE_LIMITED with Retry-After (RFC 6585 §4), through the one
// error handler. The counters are per instance, or shared by all instances in Redis when
// REDIS_URL is set (ioredis is imported only then).

import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Redis as RedisClient } from 'ioredis'
import type { ServerConfig } from '../core/config.js'
import { outageLog } from './invalidation.js'

/** Where the shared counters live in Redis: every key starts with this (then the plugin's own scope and the client IP). */
export const RATE_LIMIT_PREFIX = 'tokenwarden:rl:'

/** How long startup waits for Redis before serving with it unreachable (requests then pass uncounted), ms. */
const CONNECT_WAIT_MS = 1000

const AUTH_PATH = /^\/auth(?:[/?]|$)/

/**
 * Registers the limiter and an app-level onRequest hook for /auth/* URLs. App-level, so it
 * runs before route guards: a flood of bad tokens is limited as well as a flood of logins.
 * `rateLimitMax: 0` registers nothing.
 */
export async function registerAuthRateLimit(app: FastifyInstance, config: Pick<ServerConfig, 'rateLimitMax' | 'rateLimitWindow' | 'redisUrl'>): Promise<void> {
  if (config.rateLimitMax <= 0) return
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
  const limit = app.rateLimit({ max: config.rateLimitMax, timeWindow: config.rateLimitWindow * 1000 })
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    // The matched route, not the raw URL: `/%61uth/login` routes to /auth/login too.
    if (AUTH_PATH.test(request.routeOptions.url ?? request.url)) await limit.call(app, request, reply)
  })
}

/** The rate limit's own Redis connection, closed with the app. */
async function connectRedis(app: FastifyInstance, url: string): Promise<RedisClient> {
  const { Redis } = await import('ioredis')
  const log = outageLog(app.log, 'redis rate limit')
  // No offline queue, no retries per command: while Redis is away a command fails at once (and
  // the request passes) instead of holding the request until a reconnect.
  const client: RedisClient = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: CONNECT_WAIT_MS,
    retryStrategy: (n: number) => Math.min(100 * n, 2000),
  })
  client.on('error', log.fail)
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
