// The Redis wake-up signal between instances (for MySQL, or any dialect, when REDIS_URL is
// set): after this instance records an auth event it publishes on a channel, and every
// subscriber reads the event log at once instead of at its next poll. Only a hint: the log is
// the truth, so a lost message or a Redis outage delays an invalidation to the poll, never
// loses it.

import { openRedis } from './client.js'

export const CHANNEL = 'tokenwarden:events'

export interface WakeSignal {
  /** Tells the other instances something was written (fire and forget). */
  ring(): void
  close(): Promise<void>
}

/**
 * @example
 * const signal = await redisWakeSignal(config.redisUrl, () => feed.wake(), (err) => log.warn({ err }))
 * bus.subscribe((_event, origin) => { if (origin === 'local') signal.ring() })
 */
export async function redisWakeSignal(url: string, onWake: () => void, onError: (err: unknown) => void): Promise<WakeSignal> {
  // No offline queue: a ring while Redis is down is dropped (the poll covers it), not replayed late.
  const pub = await openRedis(url, onError)
  // The subscription is queued until the first connection, and renewed by ioredis after each reconnect.
  const sub = await openRedis(url, onError, { enableOfflineQueue: true, maxRetriesPerRequest: null })
  sub.on('message', () => onWake())
  // Anything written while the subscription was down is read now.
  sub.on('ready', () => onWake())
  sub.subscribe(CHANNEL).catch(onError)
  return {
    ring() {
      if (pub.status === 'ready') pub.publish(CHANNEL, '').catch(onError)
    },
    async close() {
      pub.disconnect()
      sub.disconnect()
    },
  }
}
