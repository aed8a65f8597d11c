import Fastify from 'fastify'
import cookie from '@fastify/cookie'
import { tokenwarden } from '../../src/http/plugin/index.js'
import { BENCH_SECRET } from '../lib/fixtures.js'
const v = process.env.VARIANT!
const app = Fastify({ logger: false })
if (v === 'cookie') await app.register(cookie)
if (v === 'prehandler') app.addHook('preHandler', (_req, _rep, done) => done())
if (v === 'onrequest-noop') { app.get('/me', { onRequest: (_q, _r, done) => done() }, async () => ({ sub: 'user-1' })) }
else if (v === 'tw') {
  await app.register(tokenwarden, { keys: [{ alg: 'HS256', secret: BENCH_SECRET }] })
  app.get('/me', { onRequest: app.tokenwarden.guard() }, async (request) => ({ sub: request.identity }))
} else app.get('/me', async () => ({ sub: 'user-1' }))
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
