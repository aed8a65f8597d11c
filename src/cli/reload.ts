// `tokenwarden serve` reloads its key ring on SIGHUP, without a restart (as nginx does).
// The server reads the ring through a function, so a reload is one swap of the current ring:
// the verifier's cache only hits for the same ring object, so every token is checked against the
// new ring once and a key the new ring dropped stops verifying at once. A reload that fails
// (unreadable or corrupt file, weak key, wrong algorithm) keeps the previous ring and logs why,
// naming the file, never key material.

import type { FastifyBaseLogger } from 'fastify'
import type { ServerConfig } from '../core/config.js'
import type { Keyring } from '../core/tokens/keyring.js'
import { loadKeyring, type LoadedRing } from './ring.js'

export interface RingReloader {
  /** The ring in use now; hand this function to buildApp. */
  current: () => Keyring
  /** Loads the ring again; true when it was swapped, false when the previous one was kept. */
  reload: (log: FastifyBaseLogger) => boolean
  /** Reloads on `signal` until the returned function is called. */
  listen: (log: FastifyBaseLogger, signal?: NodeJS.Signals) => () => void
}

/** Logs where a ring came from, its signing key and the loader's notes. */
export function logRing(log: FastifyBaseLogger, ring: LoadedRing, message: string): void {
  for (const note of ring.notes) log.warn({ keys: ring.source }, note)
  log.info({ kid: ring.keyring.signing.kid, alg: ring.keyring.signing.alg, keys: ring.source }, message)
}

/**
 * Holds the server's key ring and reloads it with `load` (default: loadKeyring, as at start).
 *
 * @example
 * const reloader = ringReloader(config, loadKeyring(config, Date.now()))
 * const { app } = await buildApp(config, { keyring: reloader.current })
 * const stop = reloader.listen(app.log) // `kill -HUP <pid>` now reloads
 * app.addHook('onClose', async () => stop())
 */
export function ringReloader(config: ServerConfig, initial: LoadedRing, load: (config: ServerConfig, now: number) => LoadedRing = loadKeyring): RingReloader {
  let ring = initial.keyring
  const reload = (log: FastifyBaseLogger): boolean => {
    let next: LoadedRing
    try {
      next = load(config, Date.now())
    } catch (err) {
      // ConfigError and TypeError messages name the file and the check that failed, never the key.
      const reason = err instanceof Error ? err.message : 'unknown error'
      log.error({ keys: config.keysFile, reason }, 'key ring reload failed; keeping the previous ring')
      return false
    }
    ring = next.keyring
    logRing(log, next, 'key ring reloaded')
    return true
  }
  return {
    current: () => ring,
    reload,
    listen(log, signal = 'SIGHUP') {
      const onSignal = (): void => void reload(log)
      process.on(signal, onSignal)
      return () => void process.off(signal, onSignal)
    },
  }
}
