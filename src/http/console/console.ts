// The web console at /console; CONSOLE=false turns it off.

import type { FastifyInstance } from 'fastify'
import type { ServerConfig } from '../../core/config.js'

export async function registerConsole(_app: FastifyInstance, config: Pick<ServerConfig, 'webConsole'>): Promise<void> {
  if (!config.webConsole) return
}
