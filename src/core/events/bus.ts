// The in-process side of events: subscribers each get every event once, in order. Two buses are
// built on it: AuthEventBus here (the replicated invalidation events: the session gate, the user
// cache, legacy token state, metrics and the audit log subscribe, whether an event happened here
// or arrived from another instance through the feed) and ActivityChannel (events/activity.ts:
// this instance's logins, refreshes, refused tokens and hash timings, never replicated).

import type { AuthEvent } from './types.js'

/** `local`: made by this instance (and recorded by its store); `feed`: read from the log. */
export type EventOrigin = 'local' | 'feed'

export type AuthEventHandler = (event: AuthEvent, origin: EventOrigin) => void

/**
 * Handlers run synchronously, in subscription order: an event published has reached every
 * subscriber before publish() returns. A handler that throws does not stop the others.
 */
export class EventChannel<E, O = undefined> {
  readonly #handlers: ((event: E, origin: O) => void)[] = []
  readonly #onError: (err: unknown, event: E) => void

  constructor(onError: (err: unknown, event: E) => void = () => {}) {
    this.#onError = onError
  }

  /** True while anyone listens: a publisher on the request path may skip building an event nobody reads. */
  get active(): boolean {
    return this.#handlers.length > 0
  }

  subscribe(handler: (event: E, origin: O) => void): () => void {
    this.#handlers.push(handler)
    return () => {
      const i = this.#handlers.indexOf(handler)
      if (i >= 0) this.#handlers.splice(i, 1)
    }
  }

  protected emit(event: E, origin: O): void {
    for (const handler of this.#handlers) {
      try {
        handler(event, origin)
      } catch (err) {
        this.#onError(err, event)
      }
    }
  }
}

/**
 * @example
 * const bus = new AuthEventBus()
 * const off = bus.subscribe((e) => { if (e.type === 'user_updated') users.invalidate(e.userId) })
 * bus.publish({ type: 'user_updated', userId: 'u1' })
 */
export class AuthEventBus extends EventChannel<AuthEvent, EventOrigin> {
  publish(event: AuthEvent, origin: EventOrigin = 'local'): void {
    this.emit(event, origin)
  }
}
