// Starts an example the way `tokenwarden serve` starts the server: configuration first (a bad
// value is one line naming the variable and exit code 2, before anything listens), then the
// app, then `listen` on HOST:PORT, one line saying where, and a clean close on SIGINT/SIGTERM.

import type { FastifyInstance } from 'fastify'
import { ConfigError } from '../../src/index.js'
import { exampleConfig, type ExampleConfig, type ExampleDefaults } from './config.js'

/** The exit code of a configuration error, as the server's. */
export const EXIT_CONFIG = 2

/**
 * @example
 * await runExample({ name: 'smilecook', port: 3104 }, (config) => buildSmilecook(config))
 * // smilecook listening on http://127.0.0.1:3104
 */
export async function runExample(defaults: ExampleDefaults, build: (config: ExampleConfig) => Promise<FastifyInstance>): Promise<void> {
  let config: ExampleConfig
  try {
    config = exampleConfig(defaults)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    console.error(`${defaults.name}: configuration error: ${err.message}`)
    process.exit(EXIT_CONFIG)
  }
  if (config.generatedSecret !== undefined) {
    console.log(`${defaults.name}: JWT_SECRET is not set: generated a development secret at ${config.generatedSecret} (set JWT_SECRET in production)`)
  }
  const app = await build(config)
  let closing = false
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (closing) return
      closing = true
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    })
  }
  const address = await app.listen({ port: config.port, host: config.host })
  console.log(`${defaults.name} listening on ${address}`)
}
