// Starts this instance's part in multi-instance invalidation: the auth-event feed, woken by
// PostgreSQL LISTEN or Redis pub/sub when available and polling in any case, with its failures
// logged once per outage rather than once per poll.

import cluster from 'node:cluster'
import type { FastifyBaseLogger } from 'fastify'
import type { Auth } from '../core/auth.js'
import { listenForEvents } from '../store/create.js'
import { redisWakeSignal } from '../store/redis/signal.js'

export interface Invalidation {
  /** Which wake-up signal is in use, for the log and /health/ready. */
  readonly signal: 'postgres' | 'redis' | 'poll'
  close(): Promise<void>
}

/**
 * Between the workers of `serve --workers N` (any dialect): a worker that records an auth event
 * tells the primary over the cluster IPC channel, which passes it to the others. A hint only,
 * like every wake-up signal.
 */
export const WAKE_MESSAGE = Object.freeze({ type: 'tokenwarden:wake' })

/** In a cluster worker: ring the siblings after local events, and wake on theirs. */
function relayBetweenWorkers(auth: Auth, wake: () => void): () => void {
  if (!cluster.isWorker || process.send === undefined) return () => {}
  const send = process.send.bind(process)
  const off = auth.events.subscribe((_event, origin) => {
    if (origin === 'local' && process.connected) send(WAKE_MESSAGE)
  })
  const onMessage = (message: unknown) => {
    if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === WAKE_MESSAGE.type) wake()
  }
  process.on('message', onMessage)
  return () => {
    off()
    process.off('message', onMessage)
  }
}

/** Logs a failing part once when it starts failing and once when it recovers. */
export function outageLog(log: FastifyBaseLogger, what: string): { fail(err: unknown): void; ok(): void } {
  let down = false
  return {
    fail(err) {
      if (down) return
      down = true
      const e = err as { code?: unknown; message?: unknown }
      log.warn({ part: what, reason: typeof e.code === 'string' ? e.code : String(e.message ?? err).slice(0, 200) }, `${what} unavailable; retrying`)
    },
    ok() {
      if (!down) return
      down = false
      log.info({ part: what }, `${what} recovered`)
    },
  }
}

/** Where the wake-up signals come from. */
export interface WakeSources {
  /** DATABASE_URL: a postgres:// one is listened to (NOTIFY); unknown for a store handed over as an object. */
  databaseUrl?: string | undefined
  /** REDIS_URL: pub/sub between instances. */
  redisUrl?: string | undefined
}

/**
 * @example
 * const invalidation = await startInvalidation(auth, config, app.log)
 * app.addHook('onClose', () => invalidation.close())
 */
export async function startInvalidation(auth: Auth, config: WakeSources, log: FastifyBaseLogger): Promise<Invalidation> {
  const feed = auth.feed
  if (feed === undefined) return { signal: 'poll', close: async () => {} }
  await auth.start()
  const wake = () => feed.wake()
  const unrelay = relayBetweenWorkers(auth, wake)
  const stop = async () => (unrelay(), await auth.stop())
  if (config.redisUrl !== undefined) {
    const redis = outageLog(log, 'redis wake-up signal')
    const signal = await redisWakeSignal(config.redisUrl, () => (redis.ok(), wake()), redis.fail)
    const off = auth.events.subscribe((_event, origin) => {
      if (origin === 'local') signal.ring()
    })
    return { signal: 'redis', close: async () => (off(), await signal.close(), await stop()) }
  }
  const pg = outageLog(log, 'postgres wake-up signal')
  const listener = config.databaseUrl === undefined ? undefined : await listenForEvents(config.databaseUrl, () => (pg.ok(), wake()), pg.fail)
  if (listener !== undefined) return { signal: 'postgres', close: async () => (await listener.close(), await stop()) }
  return { signal: 'poll', close: stop }
}
