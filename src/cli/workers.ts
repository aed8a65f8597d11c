// `tokenwarden serve --workers N` (or WORKERS=N): N processes share the port through
// node:cluster. Each worker is a full instance, as on separate hosts: its own app, key ring
// and database pool, learning the others' revocations from the auth-event feed. The primary
// opens no database and serves nothing. It checks what it can before forking (so a
// configuration error is reported once, exit code 2), forks, restarts a worker that dies
// (backing off, so a crash loop does not spin), gives up with the worker's exit code when
// workers cannot start, forwards SIGHUP (key ring reload) and stops the workers on
// SIGTERM/SIGINT. Without WORKERS nothing here runs, and node:cluster is never loaded.

import type { Address, Worker } from 'node:cluster'
import { pino, type Logger } from 'pino'
import { ConfigError, type ServerConfig } from '../core/config.js'
import { WAKE_MESSAGE } from '../http/invalidation.js'
import { loggerOptions } from '../http/logger.js'
import { dialectFor } from '../store/kysely/dialects/index.js'
import { sqlitePath } from '../store/kysely/dialects/sqlite.js'
import { loadKeyring } from './ring.js'
import { startFacts, type StartFacts } from './start-line.js'

export interface SuperviseOptions {
  /** Where the primary's log lines go. default: stdout, as the workers' */
  log?: Logger
  /** Milliseconds the workers get to close after SIGTERM/SIGINT before SIGKILL. default: 10000 */
  stopTimeoutMs?: number
}

/** The first restart waits this long; each quick death doubles it, up to MAX_RESTART_DELAY_MS. */
const FIRST_RESTART_DELAY_MS = 100
const MAX_RESTART_DELAY_MS = 5_000
/** A worker that lived this long died of something new: its replacement starts at the first delay. */
const HEALTHY_AFTER_MS = 10_000
/** Workers that exit before listening this many times in a row (none coming up in between) end the primary. */
const MAX_STARTUP_FAILURES = 5

/** True in a process that cluster.fork() started; such a process serves as one instance. */
export async function isClusterWorker(): Promise<boolean> {
  const { default: cluster } = await import('node:cluster')
  return cluster.isWorker
}

/**
 * Runs the primary until it is stopped (0) or gives up on workers that cannot start (their
 * exit code: 2 for a configuration error, 1 otherwise).
 *
 * @example
 * if (config.workers > 1 && !(await isClusterWorker())) return supervise(config, config.workers)
 */
export async function supervise(config: ServerConfig, count: number, options: SuperviseOptions = {}): Promise<number> {
  checkBeforeFork(config)
  const log = options.log ?? pino(loggerOptions(config.logLevel))
  // Generates the development secret or key pair once, here, rather than N workers racing to
  // write it; a bad key file is reported once. Workers load the same ring when they start.
  const ring = loadKeyring(config, Date.now())
  for (const note of ring.notes) log.warn({ keys: ring.source }, note)
  const { default: cluster } = await import('node:cluster')
  return new Pool(cluster.fork.bind(cluster), count, log, options.stopTimeoutMs ?? 10_000, (url) => startFacts(url, config)).run()
}

/** What would make every worker fail the same way, found without opening the database. */
function checkBeforeFork(config: ServerConfig): void {
  const dialect = dialectFor(config.databaseUrl) // an unsupported scheme is a ConfigError naming DATABASE_URL
  if (dialect.name === 'sqlite' && sqlitePath(config.databaseUrl) === ':memory:') {
    throw new ConfigError('WORKERS', 'needs a database the workers share; DATABASE_URL=sqlite::memory: would give each worker its own')
  }
}

interface Slot {
  /** 1..N, stable across restarts, for the log. */
  readonly n: number
  worker: Worker | undefined
  startedAt: number
  listening: boolean
  delay: number
  restart: NodeJS.Timeout | undefined
}

class Pool {
  readonly #slots: Slot[]
  #announced = false
  /** Workers that exited before listening, in a row. */
  #startupFailures = 0
  #stopping = false
  #exitCode = 0
  #kill: NodeJS.Timeout | undefined
  #done: (code: number) => void = () => {}

  constructor(
    readonly fork: () => Worker,
    readonly count: number,
    readonly log: Logger,
    readonly stopTimeoutMs: number,
    /** What the start line says beside the address (start-line.ts). */
    readonly facts: (url: string) => StartFacts,
  ) {
    this.#slots = Array.from({ length: count }, (_, i) => ({ n: i + 1, worker: undefined, startedAt: 0, listening: false, delay: FIRST_RESTART_DELAY_MS, restart: undefined }))
  }

  run(): Promise<number> {
    const onStop = (signal: NodeJS.Signals): void => {
      if (this.#stopping) return
      this.log.info({ signal }, 'shutting down workers')
      this.#stop(0)
    }
    // Workers still starting have no SIGHUP handler yet (the default action ends them); they load the ring fresh anyway.
    const onReload = (): void => {
      for (const slot of this.#slots) if (slot.listening) slot.worker?.process.kill('SIGHUP')
    }
    process.on('SIGTERM', onStop)
    process.on('SIGINT', onStop)
    process.on('SIGHUP', onReload)
    const done = new Promise<number>((resolve) => (this.#done = resolve))
    for (const slot of this.#slots) this.#start(slot)
    return done.finally(() => {
      process.off('SIGTERM', onStop)
      process.off('SIGINT', onStop)
      process.off('SIGHUP', onReload)
    })
  }

  #start(slot: Slot): void {
    const worker = this.fork()
    Object.assign(slot, { worker, startedAt: Date.now(), listening: false, restart: undefined })
    this.log.info({ worker: slot.n, workerPid: worker.process.pid }, 'worker started')
    // An IPC failure is logged; the exit that follows is handled below.
    worker.on('error', (err) => this.log.warn({ worker: slot.n, workerPid: worker.process.pid, reason: err.message }, 'worker channel error'))
    worker.once('listening', (address: Address) => this.#listening(slot, address))
    // A worker recorded an auth event: wake the others' feeds now rather than at their next poll.
    worker.on('message', (message: unknown) => {
      if (!isWake(message)) return
      for (const other of this.#slots) if (other !== slot && other.listening) other.worker?.send(WAKE_MESSAGE)
    })
    worker.once('exit', (code: number | null, signal: NodeJS.Signals | null) => this.#exited(slot, worker, code, signal))
  }

  #listening(slot: Slot, address: Address): void {
    slot.listening = true
    this.#startupFailures = 0
    if (this.#announced) {
      this.log.info({ worker: slot.n, workerPid: slot.worker?.process.pid }, 'worker listening')
    } else if (this.#slots.every((s) => s.listening)) {
      this.#announced = true
      // The start line, said once for all of them: the database, docs and console go as fields.
      const url = urlOf(address)
      this.log.info({ workers: this.count, ...this.facts(url) }, `${this.count} workers listening at ${url}`)
    }
  }

  #exited(slot: Slot, worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    slot.worker = undefined
    if (this.#stopping) {
      if (this.#slots.every((s) => s.worker === undefined)) this.#finish()
      return
    }
    const facts = { worker: slot.n, workerPid: worker.process.pid, code, signal }
    if (!slot.listening) {
      // It never served: a configuration or database problem the next worker will likely share.
      // Before all have come up, that is the whole server failing to start, as with one process.
      this.#startupFailures += 1
      if (!this.#announced || this.#startupFailures >= MAX_STARTUP_FAILURES) {
        const exitCode = code === 2 ? 2 : 1
        this.log.error({ ...facts, failures: this.#startupFailures }, `worker failed to start; stopping (exit code ${exitCode})`)
        this.#stop(exitCode)
        return
      }
    }
    const delay = Date.now() - slot.startedAt >= HEALTHY_AFTER_MS ? FIRST_RESTART_DELAY_MS : slot.delay
    slot.delay = Math.min(delay * 2, MAX_RESTART_DELAY_MS)
    this.log.error({ ...facts, restartInMs: delay }, 'worker exited unexpectedly; restarting')
    slot.restart = setTimeout(() => this.#start(slot), delay)
  }

  #stop(exitCode: number): void {
    this.#stopping = true
    this.#exitCode = exitCode
    for (const slot of this.#slots) clearTimeout(slot.restart)
    const live = this.#slots.filter((s) => s.worker !== undefined)
    if (live.length === 0) return this.#finish()
    // SIGTERM, not worker.disconnect(): the worker's handler closes the app (in-flight requests,
    // the pool, the feed) and exits; a worker whose IPC channel closes first exits without that.
    for (const slot of live) slot.worker!.process.kill('SIGTERM')
    this.#kill = setTimeout(() => {
      for (const slot of this.#slots) {
        if (slot.worker === undefined) continue
        this.log.warn({ worker: slot.n, workerPid: slot.worker.process.pid, timeoutMs: this.stopTimeoutMs }, 'worker did not stop in time; killing it')
        slot.worker.process.kill('SIGKILL')
      }
    }, this.stopTimeoutMs)
  }

  #finish(): void {
    clearTimeout(this.#kill)
    if (this.#exitCode === 0) this.log.info('workers stopped')
    this.#done(this.#exitCode)
  }
}

function urlOf(address: Address): string {
  const host = address.address.includes(':') ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}

function isWake(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === WAKE_MESSAGE.type
}
