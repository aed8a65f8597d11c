// A Fastify route guarded by tokenwarden's public plugin (keys option, no session check).
// PORT from the environment; TW_CACHE_SIZE sets the verified-token cache (default: the plugin's).

import Fastify from 'fastify'
import { tokenwarden } from '../../src/http/plugin/index.js'
import { BENCH_SECRET } from '../lib/fixtures.js'

const cacheSize = process.env.TW_CACHE_SIZE === undefined ? undefined : Number(process.env.TW_CACHE_SIZE)
const app = Fastify({ logger: false })
await app.register(tokenwarden, {
  keys: [{ alg: 'HS256', secret: BENCH_SECRET }],
  ...(cacheSize === undefined ? {} : { verify: { cacheSize } }),
})
app.get('/me', { onRequest: app.tokenwarden.guard() }, async (request) => ({ sub: request.identity }))
await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' })
