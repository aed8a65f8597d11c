// The auth service: the account and session flows wired to a store, a key ring, a clock and
// a password hasher. The HTTP server and the CLI both drive tokenwarden through this.

import { register, type RegisterInput } from './accounts/register.js'
import { login, type Credentials } from './accounts/login.js'
import { MemoryLoginThrottle, type LoginThrottle } from './accounts/throttle.js'
import { withUserCache } from './accounts/cached-store.js'
import { PASSWORD_MIN, PASSWORD_MIN_CEILING } from './accounts/rules.js'
import { UserCache } from './accounts/user-cache.js'
import { systemClock, type Clock } from './clock.js'
import type { AuthContext, AuthSettings, ClientInfo, TokenPair } from './context.js'
import { createPasswordHasher, type Argon2Params } from './passwords/hash.js'
import { checkSession } from './sessions/check.js'
import { SessionGate } from './sessions/gate.js'
import { LegacyTokens, type LegacyTokenMode } from './sessions/legacy.js'
import { refresh } from './sessions/refresh.js'
import { revokeSession, revokeUserSessions } from './sessions/revoke.js'
import type { Store, UserRecord } from './store.js'
import type { TokenClaims, TokenType } from './tokens/claims.js'
import { createIssuer, type TokenIssuer } from './tokens/issue.js'
import type { Keyring } from './tokens/keyring.js'
import { createVerifier, type TokenVerifier } from './tokens/verify.js'
import { isoAt } from './context.js'
import { applyTo, forgetLive } from './events/apply.js'
import { AuthEventBus } from './events/bus.js'
import { EventFeed, type EventFeedOptions } from './events/feed.js'
import type { RevocationReason } from './events/types.js'

/** How long the event log keeps an event: an instance away longer than this drops its caches on return. */
export const EVENT_RETENTION_MS = 24 * 3600 * 1000

export interface AuthOptions {
  store: Store
  keyring: Keyring | (() => Keyring)
  /** default: the system clock */
  clock?: Clock
  /** Access token lifetime, seconds. default: 900 */
  accessTtl?: number
  /** Refresh token (and idle session) lifetime, seconds. default: 2592000 (30 days) */
  refreshTtl?: number
  /** Seconds of clock tolerance for exp/nbf/iat. default: 0 */
  leeway?: number
  /** default: unset */
  issuer?: string
  /** default: unset */
  audience?: string
  /** default: OWASP minimum, m=19456 KiB, t=2, p=1 */
  argon2?: Partial<Argon2Params>
  /** Password hashes/verifies running at once; more wait in line (FIFO). default: os.availableParallelism() */
  hashMaxConcurrent?: number
  /** Verified-token cache size. default: 10000 */
  verifyCacheSize?: number
  /** Seconds a spent refresh token is tolerated again. default: 10 */
  refreshReuseInterval?: number
  /** Characters a new password needs (NIST SP 800-63B §3.1.1.2), 8 to 128. default: 8 (PASSWORD_MIN) */
  passwordMinLength?: number
  /** Stamp a random `csrf` claim on tokens, for cookie delivery (double submit). default: false */
  csrf?: boolean
  /**
   * Extra claims for the tokens of a user (Flask-JWT-Extended's additional_claims_loader).
   * Reserved claims (sub, type, exp, sid, roles, ...) in the result are dropped. default: none
   */
  additionalClaims?: (user: UserRecord, type: TokenType) => Record<string, unknown> | undefined
  /** Failed logins per identifier before waits begin; 0 disables the throttle. default: 5 */
  loginMaxFailures?: number
  /** The login throttle. default: a MemoryLoginThrottle on `clock` with `loginMaxFailures` */
  throttle?: LoginThrottle
  /**
   * `accept`: tokens with no sid that verify against the ring (a Flask + PyJWT app's, signed with
   * the same secret) are accepted while their user is live, and a legacy refresh token is
   * exchanged once for a session (see sessions/legacy.ts). default: 'off'
   */
  legacyTokens?: LegacyTokenMode
  /**
   * Seconds a user row read for GET /auth/me or a legacy token is reused. Writes through this
   * Auth drop it at once; another instance's or a direct database edit shows within it. 0: off.
   * default: 30
   */
  userCacheTtl?: number
  /**
   * The feed that brings other instances' auth events (used when the store keeps an event log;
   * started by `auth.start()`). pollMs: INVALIDATION_POLL_MS, default 250. maxLagMs:
   * INVALIDATION_MAX_LAG_MS, default 1000: past it, memory is not trusted (fail closed).
   */
  feed?: Pick<EventFeedOptions, 'pollMs' | 'maxLagMs' | 'onError' | 'onRecover' | 'now'>
}

export type LogoutScope = 'local' | 'global' | 'others'

export interface Auth {
  readonly context: AuthContext
  readonly issuer: TokenIssuer
  readonly verifier: TokenVerifier
  /** Every auth event this instance applies; subscribe to observe them (metrics, audit). */
  readonly events: AuthEventBus
  /** The feed from the store's event log; undefined when the store keeps none. */
  readonly feed: EventFeed | undefined
  /**
   * Starts following other instances' auth events (a no-op without an event log). Until it is
   * called this Auth trusts its memory as a single instance does.
   */
  start(): Promise<void>
  /** Stops the feed. */
  stop(): Promise<void>
  register(input: RegisterInput): Promise<UserRecord>
  login(credentials: Credentials, client?: ClientInfo): Promise<TokenPair & { user: UserRecord }>
  /** `client` is recorded on a session a legacy refresh token opens. */
  refresh(refreshToken: string, client?: ClientInfo): Promise<TokenPair>
  /** Verifies a token and checks its session is live. Throws AuthError. */
  authenticate(token: string, type?: TokenType): Promise<TokenClaims>
  /** The liveness check alone, for an already verified token (sync when answered from memory). */
  checkSession(claims: TokenClaims): void | Promise<void>
  logout(claims: TokenClaims, scope?: LogoutScope): Promise<number>
  revokeSession(sid: string, reason: RevocationReason): Promise<boolean>
  revokeUserSessions(userId: string, reason: RevocationReason, exceptSid?: string): Promise<number>
  /** Drops expired and revoked sessions, dead gate entries and stale throttle streaks; returns how many session rows were deleted. */
  prune(): Promise<number>
}

/**
 * @example
 * const auth = createAuth({ store, keyring: Keyring.of([{ alg: 'HS256', secret }]) })
 * await auth.register({ email: 'ada@example.com', password: 'correct horse' })
 * const { accessToken } = await auth.login({ identifier: { email: 'ada@example.com' }, password: 'correct horse' })
 */
export function createAuth(options: AuthOptions): Auth {
  const clock = options.clock ?? systemClock
  const tokenOptions = { keyring: options.keyring, clock, issuer: options.issuer, audience: options.audience }
  const issuer = createIssuer({ ...tokenOptions, accessTtl: options.accessTtl, refreshTtl: options.refreshTtl, csrf: options.csrf })
  const verifier = createVerifier({ ...tokenOptions, leeway: options.leeway, cacheSize: options.verifyCacheSize })
  const settings: AuthSettings = Object.freeze({
    refreshReuseInterval: options.refreshReuseInterval ?? 10,
    legacyTokens: options.legacyTokens ?? 'off',
    passwordMinLength: options.passwordMinLength ?? PASSWORD_MIN,
  })
  if (!(settings.refreshReuseInterval >= 0)) throw new TypeError('refreshReuseInterval must be >= 0 seconds')
  if (settings.legacyTokens !== 'off' && settings.legacyTokens !== 'accept') throw new TypeError("legacyTokens must be 'off' or 'accept'")
  if (!Number.isInteger(settings.passwordMinLength) || settings.passwordMinLength < PASSWORD_MIN || settings.passwordMinLength > PASSWORD_MIN_CEILING) {
    throw new TypeError(`passwordMinLength must be a whole number from ${PASSWORD_MIN} to ${PASSWORD_MIN_CEILING}`)
  }
  const throttle = options.throttle ?? new MemoryLoginThrottle({ clock, maxFailures: options.loginMaxFailures ?? 5 })
  const events = new AuthEventBus()
  const log = options.store.events
  const feed = log === undefined ? undefined : new EventFeed({ log, bus: events, ...options.feed, onGap: () => forgetLive({ gate, users }) })
  let started = false
  const trustMemory = (): boolean => !started || feed === undefined || feed.isCurrent()
  const users = new UserCache((id) => options.store.findUserById(id), { clock, ttlMs: (options.userCacheTtl ?? 30) * 1000, trusted: trustMemory })
  const gate = new SessionGate()
  const ctx: AuthContext = Object.freeze({
    // Every user write in core goes through this wrapper, which keeps `users` current.
    store: withUserCache(options.store, users, events),
    users,
    clock,
    hasher: createPasswordHasher(options.argon2, { maxConcurrent: options.hashMaxConcurrent }),
    issuer,
    verifier,
    gate,
    settings,
    events,
    trustMemory,
    throttle,
    additionalClaims: options.additionalClaims,
    legacy: settings.legacyTokens === 'accept' ? new LegacyTokens(options.leeway ?? 0) : undefined,
  })

  events.subscribe(applyTo({ gate, users, legacy: ctx.legacy, clock, refreshTtl: issuer.refreshTtl }))

  return {
    context: ctx,
    issuer,
    verifier,
    events,
    feed,
    async start() {
      if (feed === undefined || started) return
      await feed.start()
      started = true
    },
    async stop() {
      await feed?.stop()
    },
    register: (input) => register(ctx, input),
    login: (credentials, client = {}) => login(ctx, credentials, client),
    refresh: (token, client) => refresh(ctx, token, client),
    async authenticate(token, type) {
      const claims = verifier.verify(token, type)
      await checkSession(ctx, claims)
      return claims
    },
    checkSession: (claims) => checkSession(ctx, claims),
    async logout(claims, scope = 'local') {
      const sid = claims.sid
      if (scope === 'local') {
        if (sid !== undefined) return Number(await revokeSession(ctx, sid, 'logout'))
        // A legacy token has no session: only the token itself can be retired.
        if (ctx.legacy === undefined) return 0
        const event = { type: 'legacy_token_revoked', jti: claims.jti, forgetAt: ctx.legacy.forgetAt(claims) } as const
        // Applied here at once, like every event, then recorded for the other instances.
        ctx.events.publish(event)
        await options.store.events?.append(event)
        return 1
      }
      return revokeUserSessions(ctx, claims.sub, scope === 'global' ? 'logout_global' : 'logout_others', scope === 'others' ? sid : undefined)
    },
    revokeSession: (sid, reason) => revokeSession(ctx, sid, reason),
    revokeUserSessions: (userId, reason, exceptSid) => revokeUserSessions(ctx, userId, reason, exceptSid),
    async prune() {
      const now = clock.now()
      ctx.gate.prune(now)
      ctx.legacy?.prune(now)
      ctx.users.prune(now)
      await throttle.prune()
      // A missing row reads as dead (checkSession, refresh), so deleting an expired or revoked
      // session never brings a token back: revocation records can go once written. The leeway
      // keeps a just-expired row for tokens still accepted under clock-skew tolerance.
      const leewayMs = (options.leeway ?? 0) * 1000
      await options.store.events?.prune(isoAt(now - EVENT_RETENTION_MS))
      return options.store.pruneSessions(isoAt(now - leewayMs))
    },
  }
}
