// A reference point for the "cold" route: Fastify verifying HS256 per request with raw
// node:crypto (bench/lib/raw-jwt.ts), no cache, no library. PORT from the environment.

import { createSecretKey } from 'node:crypto'
import Fastify from 'fastify'
import { BENCH_SECRET } from '../lib/fixtures.js'
import { rawVerify, type RawKeys } from '../lib/raw-jwt.js'

const key = createSecretKey(Buffer.from(BENCH_SECRET))
const keys: RawKeys = { alg: 'HS256', verifyKey: key, signKey: key }
const app = Fastify({ logger: false })
app.decorateRequest('sub', '')
app.get('/me', {
  onRequest: (request, reply, done) => {
    const h = request.headers.authorization
    try {
      if (h === undefined || !h.startsWith('Bearer ')) throw new Error('missing')
      ;(request as unknown as { sub: unknown }).sub = rawVerify(keys, h.slice(7), Date.now()).sub
      done()
    } catch {
      reply.code(401).send({ error: 'invalid_token' })
    }
  },
}, async (request) => ({ sub: (request as unknown as { sub: unknown }).sub }))
await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' })
