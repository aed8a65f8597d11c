// How tokenwarden opens Redis: every use of it (the wake-up signal, the shared rate limit) is a
// hint or a limiter that must not hold requests while Redis is away. Commands fail at once then
// (no offline queue, no retries), the connection comes back by itself with backoff, and ioredis
// is imported only by a server that has REDIS_URL.

import type { Redis as RedisClient, RedisOptions } from 'ioredis'
import { importOptional } from '../../core/optional-module.js'

/**
 * @example
 * const client = await openRedis(config.redisUrl, (err) => log.warn({ err }), { connectTimeout: 1000 })
 */
export async function openRedis(url: string, onError: (err: unknown) => void, options: RedisOptions = {}): Promise<RedisClient> {
  const { Redis } = await importOptional('ioredis', 'REDIS_URL', () => import('ioredis'))
  const client: RedisClient = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (n: number) => Math.min(100 * n, 2000),
    ...options,
  })
  client.on('error', onError)
  return client
}
