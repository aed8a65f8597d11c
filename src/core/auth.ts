// createAuth: tokenwarden's accounts and sessions wired to a store, a key ring, a clock and a
// password hasher, handed out as three small services (accounts, sessions, admin) with plain
// methods. The server's routes, the CLI, the Fastify plugins and a host app's own handlers all
// drive tokenwarden through these; the wide context the flows share stays inside.

import { createAdmin, type Admin } from './accounts/admin-service.js'
import { createAuditLog, type AuditLog } from './audit/service.js'
import { withUserCache } from './accounts/cached-store.js'
import { createAccounts, type Accounts } from './accounts/service.js'
import { MemoryLoginThrottle } from './accounts/throttle.js'
import { UserCache } from './accounts/user-cache.js'
import { resolveSettings, type AuthOptions } from './auth-options.js'
import { systemClock, type Clock } from './clock.js'
import { isoAt, type AuthContext } from './context.js'
import { ActivityChannel } from './events/activity.js'
import { createMailSender } from './mail/send.js'
import { DEFAULT_MAIL_TEMPLATES } from './mail/templates.js'
import { pruneSendTimes } from './accounts/mailed-links.js'
import { applyTo, forgetLive } from './events/apply.js'
import { AuthEventBus } from './events/bus.js'
import { EventFeed } from './events/feed.js'
import { createPasswordHasher } from './passwords/hash.js'
import { SessionGate } from './sessions/gate.js'
import { LegacyTokens } from './sessions/legacy.js'
import { createSessions, type Sessions } from './sessions/service.js'
import { createIssuer, type TokenIssuer } from './tokens/issue.js'
import { createVerifier, type TokenVerifier } from './tokens/verify.js'

export type { AuthOptions } from './auth-options.js'

/** How long the event log keeps an event: an instance away longer than this drops its caches on return. */
export const EVENT_RETENTION_MS = 24 * 3600 * 1000

export interface Auth {
  /** Register, log in, look up and change one's own account. */
  readonly accounts: Accounts
  /** Authenticate tokens against their sessions, refresh, log out, list and revoke sessions. */
  readonly sessions: Sessions
  /** Any account: list, read, change roles or disabled, delete, end its sessions. */
  readonly admin: Admin
  /** The audit log: security events with who, on whom, from where; a user's own activity. */
  readonly audit: AuditLog
  /** Signs tokens with the ring's signing key (what `accounts.login` and `sessions.refresh` use). */
  readonly issuer: TokenIssuer
  /** Verifies tokens (signature and claims; not the session: see `sessions.check`). */
  readonly verifier: TokenVerifier
  /** The time source every flow reads. */
  readonly clock: Clock
  /** AuthOptions.mfaRequiredRoles: the guards of role-protected routes refuse these roles' tokens without a second factor. */
  readonly mfaRequiredRoles: readonly string[]
  /** Every auth event this instance applies; subscribe to observe them (metrics, audit). */
  readonly events: AuthEventBus
  /**
   * This instance's activity: logins, refreshes, refused tokens and password hash timings, each
   * with its outcome. Local only (never written to the event log); subscribe to observe (metrics, audit).
   */
  readonly activity: ActivityChannel
  /** What this instance holds in memory now (session gate, user cache, hashes in flight), for metrics. */
  stats(): AuthStats
  /** The feed from the store's event log; undefined when the store keeps none. */
  readonly feed: EventFeed | undefined
  /**
   * Resolves once the optional packages this Auth needs load (the argon2id hasher's
   * @node-rs/argon2); rejects with a MissingPackageError (a ConfigError naming the package and
   * how to install it) otherwise. tokenwardenAuth awaits it at registration, so a missing
   * package stops an app before it listens rather than failing its first login.
   */
  ready(): Promise<void>
  /**
   * Starts following other instances' auth events (a no-op without an event log). Until it is
   * called this Auth trusts its memory as a single instance does.
   */
  start(): Promise<void>
  /** Stops the feed. */
  stop(): Promise<void>
  /**
   * Drops expired and revoked sessions, dead gate entries, stale throttle streaks and audit rows
   * past AuthOptions.auditRetention; returns how many session rows were deleted.
   */
  prune(): Promise<number>
}

/** What one instance holds in memory at the moment of asking; cheap to read (a scrape reads it). */
export interface AuthStats {
  /** Sessions the gate holds as live, and revoked ones it remembers until their tokens expire. */
  readonly sessions: { readonly live: number; readonly dead: number }
  /** User rows cached, and reads answered from memory (hits) or by the store (misses) since start. */
  readonly userCache: { readonly size: number; readonly hits: number; readonly misses: number }
  /** Password hashes and verifies running now, waiting for a slot, and the limit on running. */
  readonly hashes: { readonly running: number; readonly queued: number; readonly max: number }
}

/** Each Auth's context, for the tests in this repository (contextOf); not part of the public API. */
const contexts = new WeakMap<Auth, AuthContext>()

/**
 * @example
 * const auth = createAuth({ store, keyring: Keyring.of([{ alg: 'HS256', secret }]) })
 * await auth.accounts.register({ email: 'ada@example.com', password: 'correct horse battery' })
 * const { accessToken } = await auth.accounts.login({ email: 'ada@example.com', password: 'correct horse battery' })
 * const claims = await auth.sessions.authenticate(accessToken)
 */
export function createAuth(options: AuthOptions): Auth {
  const clock = options.clock ?? systemClock
  const settings = resolveSettings(options)
  const tokenOptions = { keyring: options.keyring, clock, issuer: options.issuer, audience: options.audience }
  const issuer = createIssuer({ ...tokenOptions, accessTtl: options.accessTtl, refreshTtl: options.refreshTtl, csrf: options.csrf })
  const verifier = createVerifier({ ...tokenOptions, leeway: settings.leeway, cacheSize: options.verifyCacheSize })
  const throttle = options.throttle ?? new MemoryLoginThrottle({ clock, maxFailures: options.loginMaxFailures })
  const events = new AuthEventBus()
  const activity = new ActivityChannel()
  const log = options.store.events
  const feed = log === undefined ? undefined : new EventFeed({ log, bus: events, ...options.feed, onGap: () => forgetLive({ gate, users }) })
  let started = false
  const trustMemory = (): boolean => !started || feed === undefined || feed.isCurrent()
  const ttlMs = options.userCacheTtl === undefined ? undefined : options.userCacheTtl * 1000
  const users = new UserCache((id) => options.store.findUserById(id), { clock, ttlMs, trusted: trustMemory })
  const gate = new SessionGate()
  const ctx: AuthContext = Object.freeze({
    // Every user write in core goes through this wrapper, which keeps `users` current.
    store: withUserCache(options.store, users, events),
    users,
    clock,
    hasher: createPasswordHasher(options.argon2, { maxConcurrent: options.hashMaxConcurrent, activity }),
    issuer,
    verifier,
    gate,
    settings,
    events,
    activity,
    trustMemory,
    throttle,
    additionalClaims: options.additionalClaims,
    mail:
      options.mail === undefined
        ? undefined
        : {
            sender: createMailSender(options.mail.mailer, options.mail.templates ?? DEFAULT_MAIL_TEMPLATES, activity),
            appName: options.mail.appName ?? 'tokenwarden',
            link: options.mail.link,
            lastSent: new Map(),
          },
    legacy: settings.legacyTokens === 'accept' ? new LegacyTokens(settings.leeway) : undefined,
  })

  events.subscribe(applyTo({ gate, users, legacy: ctx.legacy, clock, refreshTtl: issuer.refreshTtl }))

  const audit = createAuditLog(ctx)
  const auth: Auth = Object.freeze({
    accounts: createAccounts(ctx),
    sessions: createSessions(ctx),
    admin: createAdmin(ctx),
    audit,
    issuer,
    verifier,
    clock,
    mfaRequiredRoles: settings.mfaRequiredRoles,
    events,
    activity,
    feed,
    ready: () => ctx.hasher.ready(),
    stats: () => ({
      sessions: gate.size,
      userCache: users.stats,
      hashes: { running: ctx.hasher.load.running, queued: ctx.hasher.load.queued, max: ctx.hasher.load.max },
    }),
    async start() {
      if (feed === undefined || started) return
      await feed.start()
      started = true
    },
    async stop() {
      await feed?.stop()
    },
    async prune() {
      const now = clock.now()
      gate.prune(now)
      ctx.legacy?.prune(now)
      users.prune(now)
      pruneSendTimes(ctx, now)
      await throttle.prune()
      // A missing row reads as dead (checkSession, refresh), so deleting an expired or revoked
      // session never brings a token back: revocation records can go once written. The leeway
      // keeps a just-expired row for tokens still accepted under clock-skew tolerance.
      await options.store.events?.prune(isoAt(now - EVENT_RETENTION_MS))
      await audit.prune()
      return options.store.pruneSessions(isoAt(now - settings.leeway * 1000))
    },
  })
  contexts.set(auth, ctx)
  return auth
}

/**
 * The internal context of an Auth. For tests and tools inside this repository that must reach
 * the store or the gate behind the services; src/index.ts does not export it.
 */
export function contextOf(auth: Auth): AuthContext {
  const ctx = contexts.get(auth)
  if (ctx === undefined) throw new TypeError('contextOf: not an Auth made by createAuth')
  return ctx
}
