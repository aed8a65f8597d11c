// The auth service: the account and session flows wired to a store, a key ring, a clock and
// a password hasher. The HTTP server and the CLI both drive tokenwarden through this.

import { register, type RegisterInput } from './accounts/register.js'
import { login, type Credentials } from './accounts/login.js'
import { MemoryLoginThrottle } from './accounts/throttle.js'
import { withUserCache } from './accounts/cached-store.js'
import { UserCache } from './accounts/user-cache.js'
import { resolveSettings, type AuthOptions } from './auth-options.js'
import { systemClock } from './clock.js'
import type { AuthContext, ClientInfo, TokenPair } from './context.js'
import { createPasswordHasher } from './passwords/hash.js'
import { checkSession } from './sessions/check.js'
import { SessionGate } from './sessions/gate.js'
import { LegacyTokens } from './sessions/legacy.js'
import { refresh } from './sessions/refresh.js'
import { revokeSession, revokeUserSessions } from './sessions/revoke.js'
import type { UserRecord } from './store.js'
import type { TokenClaims, TokenType } from './tokens/claims.js'
import { createIssuer, type TokenIssuer } from './tokens/issue.js'
import { createVerifier, type TokenVerifier } from './tokens/verify.js'
import { isoAt } from './context.js'
import { applyTo, forgetLive } from './events/apply.js'
import { AuthEventBus } from './events/bus.js'
import { EventFeed } from './events/feed.js'
import type { RevocationReason } from './events/types.js'

/** How long the event log keeps an event: an instance away longer than this drops its caches on return. */
export const EVENT_RETENTION_MS = 24 * 3600 * 1000

export type { AuthOptions } from './auth-options.js'

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
  const settings = resolveSettings(options)
  const tokenOptions = { keyring: options.keyring, clock, issuer: options.issuer, audience: options.audience }
  const issuer = createIssuer({ ...tokenOptions, accessTtl: options.accessTtl, refreshTtl: options.refreshTtl, csrf: options.csrf })
  const verifier = createVerifier({ ...tokenOptions, leeway: settings.leeway, cacheSize: options.verifyCacheSize })
  const throttle = options.throttle ?? new MemoryLoginThrottle({ clock, maxFailures: options.loginMaxFailures })
  const events = new AuthEventBus()
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
    hasher: createPasswordHasher(options.argon2, { maxConcurrent: options.hashMaxConcurrent }),
    issuer,
    verifier,
    gate,
    settings,
    events,
    trustMemory,
    throttle,
    additionalClaims: options.additionalClaims,
    legacy: settings.legacyTokens === 'accept' ? new LegacyTokens(settings.leeway) : undefined,
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
      const leewayMs = settings.leeway * 1000
      await options.store.events?.prune(isoAt(now - EVENT_RETENTION_MS))
      return options.store.pruneSessions(isoAt(now - leewayMs))
    },
  }
}
