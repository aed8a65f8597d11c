#!/usr/bin/env node
// The `tokenwarden` command: serve, migrate. Configuration errors print one line naming the
// variable and exit with code 2, before anything listens.

import { parseArgs } from 'node:util'
import { ConfigError, parseConfig, parseWorkers, type ServerConfig } from '../core/config.js'
import { checkMetricsWorkers } from '../core/config-metrics.js'
import { buildApp } from '../http/app.js'
import { createStore } from '../store/create.js'
import { isUnavailable } from '../store/unavailable.js'
import { loadEnv } from './env.js'
import { keysMain } from './keys.js'
import { usersMain } from './users.js'
import { loadKeyring } from './ring.js'
import { redactSecrets } from './redact.js'
import { logRing, ringReloader } from './reload.js'
import { isClusterWorker, supervise } from './workers.js'

const USAGE = `Usage: tokenwarden <command>

Commands:
  serve      run the auth API server (default)
             --workers N|auto  N processes sharing the port (default: WORKERS, else 1)
  migrate    apply database migrations and exit
  keys       generate | rotate | list the signing keys (tokenwarden keys --help)
  users      create | list | import accounts (tokenwarden users --help)

Configuration comes from environment variables and ./.env; see README.md.`

export const EXIT_CONFIG = 2

async function main(argv: string[]): Promise<number> {
  // `keys` has options of its own (--alg, --force, --json).
  if (argv[0] === 'keys') return keysMain(argv.slice(1))
  // `users` too (--email, --admin, --password-stdin).
  if (argv[0] === 'users') return usersMain(argv.slice(1))
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' }, workers: { type: 'string' } },
  })
  const command = positionals[0] ?? 'serve'
  if (values.help === true || command === 'help') {
    console.log(USAGE)
    return 0
  }
  if (values.workers !== undefined && command !== 'serve') {
    console.error(`tokenwarden: --workers applies to serve only\n\n${USAGE}`)
    return EXIT_CONFIG
  }
  // A ConfigError thrown from here on is reported once, below main(), with exit code 2.
  const config = parseConfig(loadEnv())
  switch (command) {
    case 'serve': {
      const workers = values.workers === undefined ? config.workers : parseWorkers(values.workers, '--workers')
      checkMetricsWorkers(config, workers, '--workers')
      // Several workers: this process is their primary, or one of the workers it forked (which
      // runs with the same arguments and serves as one instance below).
      if (workers > 1 && !(await isClusterWorker())) return supervise(config, workers)
      return serve(config)
    }
    case 'migrate': {
      const store = await createStore({ databaseUrl: config.databaseUrl, poolMax: config.databasePoolMax })
      let applied: string[]
      try {
        applied = await reachDatabase(config, () => store.migrate())
      } finally {
        await store.close()
      }
      console.log(applied.length === 0 ? 'Database is up to date.' : `Applied: ${applied.join(', ')}`)
      return 0
    }
    default:
      console.error(`tokenwarden: unknown command "${command}"\n\n${USAGE}`)
      return EXIT_CONFIG
  }
}

async function serve(config: ServerConfig): Promise<number> {
  // The configured key (or a development one generated into DATA_DIR), or the ring file.
  const ring = loadKeyring(config, Date.now())
  // SIGHUP (`kill -HUP <pid>`) reloads the ring; a ring that fails to load leaves the current one.
  const reloader = ringReloader(config, ring)
  const { app } = await reachDatabase(config, () => buildApp(config, { keyring: reloader.current }))
  logRing(app.log, ring, 'signing key')
  const stopReload = reloader.listen(app.log)
  app.addHook('onClose', async () => stopReload())
  let closing = false
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      // A worker may hear both: Ctrl-C reaches the whole process group, and its primary sends SIGTERM.
      if (closing) return
      closing = true
      app.log.info({ signal }, 'shutting down')
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    })
  }
  await app.listen({ port: config.port, host: config.host })
  return -1 // keep running
}

/** The database could not be reached at start (after DATABASE_WAIT, if set). */
class DatabaseUnreachable extends Error {
  constructor(readonly url: string, readonly reason: string) {
    super('database unreachable')
  }
}

/**
 * Start attempts when SQLite answers busy: several processes opening one fresh file together
 * (workers, instances started at once) have each been told SQLITE_BUSY past the store's own
 * retries now and then (seen in CI, rarely). The file is there and reachable; trying again settles it.
 */
const SQLITE_BUSY_TRIES = 5

async function reachDatabase<T>(config: ServerConfig, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (err) {
      if (!isUnavailable(err)) throw err
      const e = err as { code?: unknown; message?: unknown }
      const code = typeof e.code === 'string' ? e.code : undefined
      if (code?.startsWith('SQLITE_BUSY') === true && attempt < SQLITE_BUSY_TRIES) {
        await new Promise((r) => setTimeout(r, 100 * attempt))
        continue
      }
      throw new DatabaseUnreachable(config.databaseUrl, code ?? String(e.message ?? 'unreachable'))
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code
  },
  async (err: unknown) => {
    process.exitCode = report(err)
    // A cluster worker's IPC channel would keep it running: it exits, so its primary sees the code.
    if (await isClusterWorker()) process.exit()
  },
)

/** One line on stderr for an error that ends the command; returns the exit code. */
function report(err: unknown): number {
  // Every configuration error, found at parse time or only when used (e.g. DATABASE_URL's scheme).
  if (err instanceof ConfigError) {
    console.error(`tokenwarden: configuration error: ${redactSecrets(err.message)}`)
    return EXIT_CONFIG
  }
  if (err instanceof DatabaseUnreachable) {
    console.error(`tokenwarden: cannot reach the database at DATABASE_URL=${redactSecrets(err.url)} (${err.reason}); set DATABASE_WAIT to keep trying at start`)
    return 1
  }
  console.error('tokenwarden: fatal:', redactSecrets(err instanceof Error ? err.message : String(err)))
  return 1
}
