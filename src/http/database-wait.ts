// DATABASE_WAIT: at start, an unreachable database is retried with backoff for that many
// seconds (a database container still starting, replicas booting together) before giving up.
// Errors that are not about reaching the database (bad credentials, a failed migration) fail
// at once.

import type { FastifyBaseLogger } from 'fastify'
import { isUnavailable } from '../store/unavailable.js'

const BACKOFF_MS = [250, 500, 1000, 2000, 4000]

/**
 * @example
 * await waitForDatabase(() => store.migrate(), config.databaseWait, app.log)
 */
export async function waitForDatabase<T>(attempt: () => Promise<T>, waitSeconds: number, log: FastifyBaseLogger): Promise<T> {
  const deadline = Date.now() + waitSeconds * 1000
  for (let n = 0; ; n++) {
    try {
      return await attempt()
    } catch (err) {
      const delay = BACKOFF_MS[Math.min(n, BACKOFF_MS.length - 1)]!
      if (!isUnavailable(err) || Date.now() + delay > deadline) throw err
      log.warn({ attempt: n + 1, retryInMs: delay }, 'database unreachable; waiting (DATABASE_WAIT)')
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}
