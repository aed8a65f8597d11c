// The in-process side of auth events: subscribers (the session gate, the user cache, legacy
// token state, and later metrics and the audit log) each get every event once, in order,
// whether it happened here or arrived from another instance through the feed.

import type { AuthEvent } from './types.js'

/** `local`: made by this instance (and recorded by its store); `feed`: read from the log. */
export type EventOrigin = 'local' | 'feed'

export type AuthEventHandler = (event: AuthEvent, origin: EventOrigin) => void

/**
 * Handlers run synchronously, in subscription order: an event published here has taken effect
 * on every cache before publish() returns. A handler that throws does not stop the others.
 *
 * @example
 * const bus = new AuthEventBus()
 * const off = bus.subscribe((e) => { if (e.type === 'user_updated') users.invalidate(e.userId) })
 * bus.publish({ type: 'user_updated', userId: 'u1' })
 */
export class AuthEventBus {
  readonly #handlers: AuthEventHandler[] = []
  readonly #onError: (err: unknown, event: AuthEvent) => void

  constructor(onError: (err: unknown, event: AuthEvent) => void = () => {}) {
    this.#onError = onError
  }

  subscribe(handler: AuthEventHandler): () => void {
    this.#handlers.push(handler)
    return () => {
      const i = this.#handlers.indexOf(handler)
      if (i >= 0) this.#handlers.splice(i, 1)
    }
  }

  publish(event: AuthEvent, origin: EventOrigin = 'local'): void {
    for (const handler of this.#handlers) {
      try {
        handler(event, origin)
      } catch (err) {
        this.#onError(err, event)
      }
    }
  }
}
