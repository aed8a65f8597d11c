// GET /health: liveness for load balancers and `npm start` smoke checks.

import type { FastifyInstance } from 'fastify'

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/health', async () => ({ status: 'ok' }))
}
