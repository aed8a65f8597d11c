// The per-IP rate limit with REDIS_URL: two servers count one budget per client IP in Redis
// (429 RATE_LIMITED past it on either), without it each counts its own, and an unreachable
// Redis lets requests through rather than failing them.

import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { after, describe, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { RATE_LIMIT_PREFIX } from '../../src/http/rate-limit.js'
import { json, testApp } from '../helpers.js'
import { needService, serviceUrl } from '../support/services.js'

// The Redis server is shared with other test files running at once: each run counts under a
// client address of its own (198.18.0.0/15, reserved for benchmarks) and deletes only its keys.
const IP = `198.18.${randomInt(256)}.${randomInt(1, 255)}`

/** A request on a per-IP route (POST /auth/refresh without a token: 401 TOKEN_MISSING until limited). */
function refresh(app: FastifyInstance, remoteAddress = IP) {
  return app.inject({ method: 'POST', url: '/auth/refresh', remoteAddress })
}

async function servers(env: Record<string, string>): Promise<[FastifyInstance, FastifyInstance]> {
  const a = await testApp({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '1m', ...env })
  const b = await testApp({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW: '1m', ...env })
  return [a.app, b.app]
}

describe('with REDIS_URL', { ...needService('redis') }, () => {
  after(async () => {
    const { Redis } = await import('ioredis')
    const redis = new Redis(serviceUrl('redis')!)
    const keys = await redis.keys(`${RATE_LIMIT_PREFIX}*${IP}`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
  })

  test('two servers share one budget per client IP', async () => {
    const [a, b] = await servers({ REDIS_URL: serviceUrl('redis')! })
    try {
      for (const app of [a, b, a]) assert.equal((await refresh(app)).statusCode, 401)
      for (const app of [b, a]) {
        const res = await refresh(app)
        assert.equal(res.statusCode, 429)
        assert.equal(json(res).code, 'RATE_LIMITED')
        assert.ok(Number(res.headers['retry-after']) > 0 && Number(res.headers['retry-after']) <= 60)
      }
      assert.equal((await refresh(b, '10.0.0.9')).statusCode, 401, 'another client IP has its own budget')
      const { Redis } = await import('ioredis')
      const redis = new Redis(serviceUrl('redis')!)
      const keys = await redis.keys(`${RATE_LIMIT_PREFIX}*${IP}`)
      redis.disconnect()
      assert.equal(keys.length, 1, 'the counter lives under tokenwarden:rl:')
    } finally {
      await a.close()
      await b.close()
    }
  })
})

test('without REDIS_URL each server counts its own requests', async () => {
  const [a, b] = await servers({})
  for (const app of [a, b, a, b, a, b]) assert.equal((await refresh(app)).statusCode, 401)
  assert.equal(json(await refresh(a)).code, 'RATE_LIMITED')
  await a.close()
  await b.close()
})

test('an unreachable Redis lets requests through (no 500s) and is logged once', async () => {
  const lines: string[] = []
  const { app } = await testApp(
    { RATE_LIMIT_MAX: '3', REDIS_URL: 'redis://127.0.0.1:1', LOG_LEVEL: 'warn' },
    { logStream: { write: (line: string) => void lines.push(line) } },
  )
  for (let i = 0; i < 6; i++) assert.equal((await refresh(app)).statusCode, 401)
  await app.close()
  assert.equal(lines.filter((l) => l.includes('redis rate limit unavailable')).length, 1)
})
