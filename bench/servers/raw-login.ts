// A reference point for logins: bare Fastify whose POST /auth/login does nothing but look the
// account up in a Map and run the argon2id verify (one at a time per core, as tokenwarden's
// limiter does), then answers a small JSON. No database, no session, no token. POST
// /auth/register stores an argon2id hash. PORT from the environment; default argon2id parameters
// unless BENCH_ARGON2_TINY=1.

import { availableParallelism } from 'node:os'
import { hash, verify, type Algorithm } from '@node-rs/argon2'
import Fastify from 'fastify'
import { createLimiter } from '../../src/core/passwords/limiter.js'

const params = process.env.BENCH_ARGON2_TINY === '1' ? { memoryCost: 1024, timeCost: 1, parallelism: 1 } : { memoryCost: 19456, timeCost: 2, parallelism: 1 }
const limit = createLimiter(availableParallelism())
const accounts = new Map<string, string>()
const app = Fastify({ logger: false })
type Body = { email?: string; password?: string }
app.get('/health', async () => ({ status: 'ok' }))
app.post('/auth/register', async (request, reply) => {
  const { email, password } = request.body as Body
  accounts.set(String(email), await limit.run(() => hash(String(password), { algorithm: 2 as Algorithm, ...params })))
  return reply.code(201).send({ ok: true })
})
app.post('/auth/login', async (request, reply) => {
  const { email, password } = request.body as Body
  const stored = accounts.get(String(email))
  if (stored === undefined || !(await limit.run(() => verify(stored, String(password))))) return reply.code(401).send({ ok: false })
  return { ok: true }
})
await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' })
