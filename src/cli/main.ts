#!/usr/bin/env node
// The `tokenwarden` command: serve (the default), migrate, keys, users, audit, token, doctor, declared
// with commander (program.ts): `--help` on every command, usage errors exit 2 with the usage
// line. Configuration errors print one line naming the variable and exit with code 2, before
// anything listens.

import { Command, Option } from 'commander'
import { pino } from 'pino'
import { ConfigError, parseConfig, parseWorkers, type ServerConfig } from '../core/config.js'
import { checkMetricsWorkers } from '../core/config-metrics.js'
import { buildApp } from '../http/app.js'
import { loggerOptions, terminalLogStream } from '../http/logger.js'
import { createStore } from '../store/create.js'
import { isUnavailable } from '../store/unavailable.js'
import { doctorCommand } from './doctor.js'
import { loadEnv } from './env.js'
import { keysCommand } from './keys.js'
import { consoleIo, EXIT_USAGE, exits, runProgram } from './program.js'
import { consoleUsersIo, usersCommand } from './users.js'
import { auditCommand } from './audit.js'
import { loadKeyring } from './ring.js'
import { redactSecrets } from './redact.js'
import { logRing, ringReloader } from './reload.js'
import { startLineResolver } from './start-line.js'
import { consoleTokenIo, tokenCommand } from './token.js'
import { isClusterWorker, supervise } from './workers.js'

/** `serve` keeps running: its action answers this instead of an exit code. */
const KEEP_RUNNING = -1

function program(env: Record<string, string | undefined>): Command {
  const io = consoleIo
  const root = new Command('tokenwarden')
    .description('JWT authentication server: accounts, sessions and signing keys')
    .addHelpText('after', '\nWith no command, tokenwarden serves. Configuration comes from environment variables and ./.env; see README.md.')
  root
    .command('serve')
    .description('run the auth API server (the default command)')
    .option('--workers <n>', 'N processes sharing the port, or auto (one per CPU) (default: WORKERS, else 1)')
    .action(exits(async (o: { workers?: string }) => {
      const config = parseConfig(env)
      const workers = o.workers === undefined ? config.workers : parseWorkers(o.workers, '--workers')
      checkMetricsWorkers(config, workers, '--workers')
      // Several workers: this process is their primary, or one of the workers it forked (which
      // runs with the same arguments and serves as one instance below).
      if (workers > 1 && !(await isClusterWorker())) {
        const stream = await terminalLogStream(config.env)
        const log = stream === undefined ? pino(loggerOptions(config.logLevel)) : pino(loggerOptions(config.logLevel), stream)
        return supervise(config, workers, { log })
      }
      return serve(config)
    }))
  root
    .command('migrate')
    .description('apply database migrations and exit')
    // Refused with the reason, rather than as an unknown option.
    .addOption(new Option('--workers <n>').hideHelp())
    .action(exits(async (o: { workers?: string }) => {
      if (o.workers !== undefined) {
        io.err('tokenwarden: --workers applies to serve only')
        return EXIT_USAGE
      }
      const config = parseConfig(env)
      const store = await createStore({ databaseUrl: config.databaseUrl, poolMax: config.databasePoolMax })
      let applied: string[]
      try {
        applied = await reachDatabase(config, () => store.migrate())
      } finally {
        await store.close()
      }
      io.out(applied.length === 0 ? 'Database is up to date.' : `Applied: ${applied.join(', ')}`)
      return 0
    }))
  root.addCommand(keysCommand(env, { ...io, now: () => Date.now() }))
  root.addCommand(usersCommand(env, consoleUsersIo()))
  root.addCommand(auditCommand(env, io))
  root.addCommand(tokenCommand(env, consoleTokenIo))
  root.addCommand(doctorCommand(env, io))
  return root
}

async function main(argv: string[]): Promise<number> {
  const root = program(loadEnv())
  // `tokenwarden` and `tokenwarden --workers 2` serve, as before commands existed.
  const first = argv[0]
  const serveByDefault = first === undefined || (first.startsWith('-') && first !== '-h' && first !== '--help')
  return runProgram(root, serveByDefault ? ['serve', ...argv] : argv, consoleIo)
}

async function serve(config: ServerConfig): Promise<number> {
  // The configured key (or a development one generated into DATA_DIR), or the ring file.
  const ring = loadKeyring(config, Date.now())
  // SIGHUP (`kill -HUP <pid>`) reloads the ring; a ring that fails to load leaves the current one.
  const reloader = ringReloader(config, ring)
  const logStream = await terminalLogStream(config.env)
  const { app } = await reachDatabase(config, () => buildApp(config, { keyring: reloader.current, logStream }))
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
  // A cluster worker keeps Fastify's line; its primary says the start line once for all (workers.ts).
  const listenTextResolver = (await isClusterWorker()) ? undefined : startLineResolver(config)
  await app.listen({ port: config.port, host: config.host, ...(listenTextResolver === undefined ? {} : { listenTextResolver }) })
  return KEEP_RUNNING
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
    return EXIT_USAGE
  }
  if (err instanceof DatabaseUnreachable) {
    console.error(`tokenwarden: cannot reach the database at DATABASE_URL=${redactSecrets(err.url)} (${err.reason}); set DATABASE_WAIT to keep trying at start`)
    return 1
  }
  console.error('tokenwarden: fatal:', redactSecrets(err instanceof Error ? err.message : String(err)))
  return 1
}
