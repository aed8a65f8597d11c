// What the account and session flows are handed: the ports and settings they work with.

import type { LoginThrottle } from './accounts/throttle.js'
import type { UserCache } from './accounts/user-cache.js'
import type { Clock } from './clock.js'
import type { AuthEventBus } from './events/bus.js'
import type { PasswordHasher } from './passwords/hash.js'
import type { SessionGate } from './sessions/gate.js'
import type { LegacyTokenMode, LegacyTokens } from './sessions/legacy.js'
import type { Store, UserRecord } from './store.js'
import type { TokenType } from './tokens/claims.js'
import type { TokenIssuer } from './tokens/issue.js'
import type { TokenVerifier } from './tokens/verify.js'

export interface AuthSettings {
  /** Seconds a spent refresh token may be presented again (client retries). default: 10 */
  refreshReuseInterval: number
  /** LEGACY_TOKENS: whether tokens with no sid (a Flask app's) are accepted. default: 'off' */
  legacyTokens: LegacyTokenMode
  /** PASSWORD_MIN_LENGTH: characters a new password needs, 8 to 128. default: 8 (PASSWORD_MIN in accounts/rules.ts) */
  passwordMinLength: number
}

export interface AuthContext {
  readonly store: Store
  readonly clock: Clock
  readonly hasher: PasswordHasher
  readonly issuer: TokenIssuer
  readonly verifier: TokenVerifier
  readonly gate: SessionGate
  /** User rows by id for reads that may lag other instances by its TTL (GET /auth/me, legacy tokens). */
  readonly users: UserCache
  readonly settings: Readonly<AuthSettings>
  /** Every auth event, this instance's and (through the feed) the others': the caches above subscribe. */
  readonly events: AuthEventBus
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
  sessionId: string
}

export function isoAt(ms: number): string {
  return new Date(ms).toISOString()
}
