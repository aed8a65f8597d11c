// tokenwarden's own metrics, from its events rather than counters in core: logins, refreshes,
// refused tokens and hash timings from the activity channel (auth.activity), revocations from
// the auth events this instance made (auth.events, origin `local`: the feed's copies of other
// instances' revocations are theirs to count), and at each scrape what the instance holds in
// memory (auth.stats(), auth.feed). Labels come from closed sets (outcomes, error codes,
// revocation reasons, hash algorithms); the ids some events carry never become labels.

import type * as Prometheus from 'prom-client'
import type { Auth } from '../../core/auth.js'
import { LOGIN_OUTCOMES, REFRESH_OUTCOMES, type ActivityEvent, type HashAlgorithm, type HashOperation } from '../../core/events/activity.js'
import type { EventOrigin } from '../../core/events/bus.js'
import { REVOCATION_REASONS, type AuthEvent, type RevocationReason } from '../../core/events/types.js'

type Prom = typeof Prometheus

/** Hash durations: argon2id at OWASP's cost takes tens of milliseconds; a legacy pbkdf2 at 600,000 rounds, about a second. */
const HASH_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

/** A counter child per value of a closed set, made once (and exported as 0 from the first scrape). */
function children<V extends string>(counter: Prometheus.Counter<string>, values: readonly V[]): Record<V, Prometheus.Counter.Internal> {
  return Object.fromEntries(values.map((v) => [v, counter.labels(v)])) as Record<V, Prometheus.Counter.Internal>
}

/**
 * Registers the metrics of `auth` on `registry` and subscribes to its events; returns what
 * stops the subscriptions.
 */
export function observeAuth(prom: Prom, registry: Prometheus.Registry, auth: Auth): () => void {
  const registers = [registry]
  const counter = (name: string, help: string, label: string) => new prom.Counter({ name, help, labelNames: [label], registers })
  const logins = children(counter('tokenwarden_logins_total', 'Logins by outcome.', 'outcome'), LOGIN_OUTCOMES)
  const refreshes = children(counter('tokenwarden_refresh_total', 'Refresh-token exchanges by outcome.', 'outcome'), REFRESH_OUTCOMES)
  const revocations = children(counter('tokenwarden_revocations_total', 'Sessions revoked by this instance, by reason.', 'reason'), REVOCATION_REASONS)
  for (const c of [...Object.values(logins), ...Object.values(refreshes), ...Object.values(revocations)]) c.inc(0)
  const rejections = counter('tokenwarden_token_rejections_total', 'Tokens refused by a guard or sessions.authenticate, by error code.', 'code')
  const mail = new prom.Counter({ name: 'tokenwarden_mail_total', help: 'Messages handed to the mail transport, by kind and outcome (sent, failed).', labelNames: ['kind', 'outcome'], registers })
  const hashDuration = new prom.Histogram({
    name: 'tokenwarden_password_hash_duration_seconds',
    help: 'Password hashes and verifies by algorithm and operation, in seconds (from the start of the work; time queued is not counted).',
    labelNames: ['algorithm', 'operation'],
    buckets: HASH_BUCKETS,
    registers,
  })
  const hashChildren = new Map<string, Prometheus.Histogram.Internal<string>>()
  const hashChild = (algorithm: HashAlgorithm, operation: HashOperation) => {
    const key = `${algorithm}/${operation}`
    let child = hashChildren.get(key)
    if (child === undefined) hashChildren.set(key, (child = hashDuration.labels(algorithm, operation)))
    return child
  }

  const offActivity = auth.activity.subscribe((e: ActivityEvent) => {
    switch (e.type) {
      case 'login':
        return logins[e.outcome].inc()
      case 'refresh':
        return refreshes[e.outcome].inc()
      case 'token_rejected':
        return rejections.labels(e.code).inc()
      case 'password_hashed':
        return hashChild(e.algorithm, e.operation).observe(e.seconds)
      case 'mail':
        return mail.labels(e.kind, e.outcome).inc()
    }
  })
  const revoked = (reason: RevocationReason, n: number) => n > 0 && revocations[reason].inc(n)
  const offEvents = auth.events.subscribe((e: AuthEvent, origin: EventOrigin) => {
    if (origin !== 'local') return
    if (e.type === 'session_revoked') revoked(e.reason, 1)
    else if (e.type === 'user_sessions_revoked') revoked(e.reason, e.sessionIds.length)
    // A legacy token has no session: its logout is one revocation of that token.
    else if (e.type === 'legacy_token_revoked') revoked('logout', 1)
  })

  registerStats(prom, registry, auth)
  return () => {
    offActivity()
    offEvents()
  }
}

/** What the instance holds now, read at each scrape. */
function registerStats(prom: Prom, registry: Prometheus.Registry, auth: Auth): void {
  const registers = [registry]
  const gauge = (name: string, help: string, read: (g: Prometheus.Gauge<string>) => void, labelNames: string[] = []) =>
    new prom.Gauge({ name, help, labelNames, registers, collect() { read(this) } })
  gauge('tokenwarden_session_gate_sessions', 'Sessions the session gate holds in memory: live, and revoked ones remembered until their tokens expire.', (g) => {
    const { live, dead } = auth.stats().sessions
    g.set({ state: 'live' }, live)
    g.set({ state: 'revoked' }, dead)
  }, ['state'])
  gauge('tokenwarden_user_cache_entries', 'User rows held by the user cache.', (g) => g.set(auth.stats().userCache.size))
  gauge('tokenwarden_password_hashes_in_flight', 'Password hashes and verifies running now.', (g) => g.set(auth.stats().hashes.running))
  gauge('tokenwarden_password_hashes_queued', 'Password hashes and verifies waiting for a slot (the limit is one per CPU by default).', (g) => g.set(auth.stats().hashes.queued))
  // The cache counts in plain integers on its read path; the counters catch up at each scrape.
  const total = (name: string, help: string, read: () => number) => {
    let seen = 0
    new prom.Counter({ name, help, registers, collect() {
      const now = read()
      this.inc(now - seen)
      seen = now
    } })
  }
  total('tokenwarden_user_cache_hits_total', 'User reads answered from the user cache.', () => auth.stats().userCache.hits)
  total('tokenwarden_user_cache_misses_total', 'User reads that went to the store (or joined a read of it in flight).', () => auth.stats().userCache.misses)
  const feed = auth.feed
  if (feed !== undefined) {
    gauge('tokenwarden_invalidation_lag_seconds', 'Time since the last completed read of the auth-event log started: how far behind other instances\' revocations this one may be (past INVALIDATION_MAX_LAG_MS, sessions are checked in the database).', (g) => g.set(feed.status().lagMs / 1000))
  }
}
