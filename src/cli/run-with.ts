// What most commands run inside: the configuration (a ConfigError is one line and exit code 2)
// and the database, migrated first, as `serve` does, and closed whatever happens.

import { ConfigError, parseConfig, type ServerConfig } from '../core/config.js'
import type { Store } from '../core/store.js'
import { createStore } from '../store/create.js'
import { EXIT_USAGE, type CliIo } from './program.js'

/** Runs `run` with the configuration parsed from `env`, or reports a configuration error (exit 2). */
export async function withConfig(env: Record<string, string | undefined>, io: CliIo, run: (config: ServerConfig) => Promise<number>): Promise<number> {
  let config
  try {
    config = parseConfig(env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    io.err(`tokenwarden: configuration error: ${err.message}`)
    return EXIT_USAGE
  }
  return run(config)
}

/** Runs `run` with the configured database, migrated; closes it after. */
export async function withStore(config: Pick<ServerConfig, 'databaseUrl' | 'databasePoolMax'>, run: (store: Store) => Promise<number>): Promise<number> {
  const store = await createStore({ databaseUrl: config.databaseUrl, poolMax: config.databasePoolMax })
  try {
    await store.migrate()
    return await run(store)
  } finally {
    await store.close()
  }
}
