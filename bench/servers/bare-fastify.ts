// The limit for the HTTP section: bare Fastify answering the protected route's JSON with no
// authentication at all. PORT from the environment.

import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/me', async () => ({ sub: 'user-1' }))
await app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' })
