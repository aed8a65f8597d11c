// What the account and session flows are handed: the ports and settings they work with.
// Internal: the public API is the services createAuth returns (auth.ts), never this object.

import type { LoginThrottle } from './accounts/throttle.js'
import type { UserCache } from './accounts/user-cache.js'
import type { Clock } from './clock.js'
import type { AuthSettings, MailLinkPage } from './auth-options.js'
import type { ActivityChannel } from './events/activity.js'
import type { MailSender } from './mail/send.js'
import type { AuthEventBus } from './events/bus.js'
import type { PasswordHasher } from './passwords/hash.js'
import type { SessionGate } from './sessions/gate.js'
import type { LegacyTokens } from './sessions/legacy.js'
import type { Store, UserRecord } from './store.js'
import type { TokenType } from './tokens/claims.js'
import type { TokenIssuer } from './tokens/issue.js'
import type { TokenVerifier } from './tokens/verify.js'

export interface AuthContext {
  readonly store: Store
  readonly clock: Clock
  readonly hasher: PasswordHasher
  readonly issuer: TokenIssuer
  readonly verifier: TokenVerifier
  readonly gate: SessionGate
  /** User rows by id for reads that may lag other instances by its TTL (GET /auth/me, legacy tokens). */
  readonly users: UserCache
  readonly settings: AuthSettings
  /** Every auth event, this instance's and (through the feed) the others': the caches above subscribe. */
  readonly events: AuthEventBus
  /** This instance's logins, refreshes, refused tokens and hash timings, for its own subscribers (never replicated). */
  readonly activity: ActivityChannel
  /**
   * Whether memory (the gate's "live", the user cache) may be trusted now: false while this
   * instance is behind the event feed by more than its bound (events/feed.ts); always true for
   * an Auth without a feed or not started.
   */
  readonly trustMemory: () => boolean
  /** Brute-force protection for password checks; none when absent. */
  readonly throttle?: LoginThrottle
  /** The state behind legacy tokens; present only when settings.legacyTokens is 'accept'. */
  readonly legacy?: LegacyTokens | undefined
  /** Sending mail, when the Auth has a mailer. */
  readonly mail?: {
    readonly sender: MailSender
    readonly appName: string
    readonly link: (page: MailLinkPage, token: string) => string
    /** When each account was last sent a link, by `${purpose}:${userId}` (epoch ms): this instance's resend cooldown. */
    readonly lastSent: Map<string, number>
  } | undefined
  /** Extra claims for a user's tokens (reserved names are dropped by the issuer). */
  readonly additionalClaims?: ((user: UserRecord, type: TokenType) => Record<string, unknown> | undefined) | undefined
}

/** Where a request came from; stored on the session for the user's session list. */
export interface ClientInfo {
  userAgent?: string | undefined
  ip?: string | undefined
}

/** An issued access/refresh pair. */
export interface TokenPair {
  accessToken: string
  refreshToken: string
  /** Seconds until the access token expires. */
  expiresIn: number
  /** The session both tokens belong to (their `sid` claim). */
  sessionId: string
}

export function isoAt(ms: number): string {
  return new Date(ms).toISOString()
}
