// Peer: Fastify + @fastify/jwt (HS256, default options) guarding the same route. PORT from env.

import fastifyJwt from '@fastify/jwt'
import Fastify from 'fastify'
import { BENCH_SECRET } from '../lib/fixtures.js'

const app = Fastify({ logger: false })
await app.register(fastifyJwt, { secret: BENCH_SECRET })
app.get('/me', {
  onRequest: async (request) => {
    await request.jwtVerify()
  },
}, async (request) => ({ sub: (request.user as { sub: string }).sub }))
await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' })
