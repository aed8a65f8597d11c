// The options of createAuth, typed once. Fields that configure a lower layer (the issuer, the
// verifier, the hasher, the throttle, the user cache, the feed) take that layer's default, named
// on the field; the defaults this layer owns are AUTH_DEFAULTS. Checked and frozen at
// construction: a wrong option is a TypeError, once.

import { PASSWORD_MIN, PASSWORD_MIN_CEILING } from './accounts/rules.js'
import type { LoginThrottle } from './accounts/throttle.js'
import type { Clock } from './clock.js'
import type { EventFeedOptions } from './events/feed.js'
import type { Argon2Params } from './passwords/hash.js'
import type { Mailer } from './mail/mailer.js'
import type { MailTemplates } from './mail/templates.js'
import type { LegacyTokenMode } from './sessions/legacy.js'
import type { Store, UserRecord } from './store.js'
import type { TokenType } from './tokens/claims.js'
import type { IssueOptions } from './tokens/issue.js'
import type { Keyring } from './tokens/keyring.js'
import { VERIFY_DEFAULTS, type VerifyOptions } from './tokens/verify.js'

/** LEGACY_TOKENS' values. */
export const LEGACY_TOKEN_MODES = Object.freeze(['off', 'accept'] as const) satisfies readonly LegacyTokenMode[]

/** The defaults of the settings this layer owns, written once (the server's configuration refers to them). */
export const AUTH_DEFAULTS = Object.freeze({
  refreshReuseInterval: 10,
  legacyTokens: 'off' as LegacyTokenMode,
  passwordMinLength: PASSWORD_MIN,
  /** Seconds a verification link works (EMAIL_VERIFY_TTL). */
  emailVerifyTtl: 24 * 3600,
  /** Seconds between two verification or reset messages to one account (a request sooner is answered alike and sends nothing). */
  emailResendInterval: 60,
  /** Seconds a password reset link works (PASSWORD_RESET_TTL). */
  passwordResetTtl: 30 * 60,
  requireEmailVerification: false,
  /** Roles whose holders must turn on two-factor login (MFA_REQUIRED_ROLES): none. */
  mfaRequiredRoles: Object.freeze([]) as readonly string[],
  /** How authenticator apps name the service (the otpauth URI's issuer). */
  totpIssuer: 'tokenwarden',
  /** Seconds the audit log keeps a row (AUDIT_RETENTION); 0 keeps every row. */
  auditRetention: 90 * 86400,
})

/** How an Auth sends mail: the transport, the wording, and where links in messages point. */
export interface MailOptions {
  mailer: Mailer
  /** default: DEFAULT_MAIL_TEMPLATES */
  templates?: MailTemplates
  /** How messages name the service. default: 'tokenwarden' */
  appName?: string
  /**
   * The page a message's link opens, given the single-use token (e.g. the console's
   * `https://auth.example.com/console/verify-email#token=...`). Keep the token out of the query
   * string: a fragment never reaches a server log or a Referer header.
   */
  link: (page: MailLinkPage, token: string) => string
}

/** The pages a link opens: verifying an address (also a new one, for an email change) and choosing a new password. */
export type MailLinkPage = 'verify_email' | 'password_reset'

/** The messages that carry a link (one stored token per user and purpose). */
export type MailLinkPurpose = 'verify_email' | 'password_reset' | 'email_change'

export interface AuthOptions extends Pick<IssueOptions, 'accessTtl' | 'refreshTtl' | 'csrf'>, Pick<VerifyOptions, 'leeway'> {
  store: Store
  /** The ring to sign and verify with, or a function returning the current one (reloaded on rotation). */
  keyring: Keyring | (() => Keyring)
  /** default: the system clock */
  clock?: Clock
  /** Stamped as `iss` on every token and required on verify (RFC 7519 §4.1.1). default: unset */
  issuer?: string
  /** Stamped as `aud` on every token and required on verify (RFC 7519 §4.1.3). default: unset */
  audience?: string
  /** argon2id cost. default: DEFAULT_ARGON2 (OWASP's minimum) */
  argon2?: Partial<Argon2Params>
  /** Password hashes/verifies running at once; more wait in line (FIFO). default: HasherOptions.maxConcurrent */
  hashMaxConcurrent?: number
  /** Verified-token cache size. default: VerifyOptions.cacheSize */
  verifyCacheSize?: number
  /** Seconds a spent refresh token is tolerated again (a client retry, a second tab). default: 10 (AUTH_DEFAULTS) */
  refreshReuseInterval?: number
  /** Characters a new password needs (NIST SP 800-63B §3.1.1.2), PASSWORD_MIN to PASSWORD_MIN_CEILING. default: 8 (AUTH_DEFAULTS, PASSWORD_MIN) */
  passwordMinLength?: number
  /**
   * Extra claims for the tokens of a user (Flask-JWT-Extended's additional_claims_loader).
   * Reserved claims (sub, type, exp, sid, roles, ...) in the result are dropped. default: none
   */
  additionalClaims?: (user: UserRecord, type: TokenType) => Record<string, unknown> | undefined
  /** Failed logins per identifier before waits begin; 0 disables the throttle. default: ThrottleOptions.maxFailures */
  loginMaxFailures?: number
  /** The login throttle. default: a MemoryLoginThrottle on `clock` with `loginMaxFailures` */
  throttle?: LoginThrottle
  /**
   * `accept`: tokens with no sid that verify against the ring (a Flask + PyJWT app's, signed with
   * the same secret) are accepted while their user is live, and a legacy refresh token is
   * exchanged once for a session (see sessions/legacy.ts). default: 'off' (AUTH_DEFAULTS)
   */
  legacyTokens?: LegacyTokenMode
  /**
   * Seconds a user row read for `accounts.findUser` (GET /auth/me) or a legacy token is reused.
   * Writes through this Auth drop it at once; another instance's or a direct database edit shows
   * within it. 0: off. default: UserCacheOptions.ttlMs, in seconds (30)
   */
  userCacheTtl?: number
  /**
   * The feed that brings other instances' auth events (used when the store keeps an event log;
   * started by `auth.start()`): pollMs and maxLagMs (INVALIDATION_POLL_MS, INVALIDATION_MAX_LAG_MS;
   * defaults: FEED_DEFAULTS); past maxLagMs memory is not trusted (fail closed).
   */
  feed?: Pick<EventFeedOptions, 'pollMs' | 'maxLagMs' | 'onError' | 'onRecover' | 'now'>
  /** Sending mail: with it, registering mails a verification link. default: none, no mail is sent */
  mail?: MailOptions
  /** Seconds a verification link works. default: 86400 (AUTH_DEFAULTS) */
  emailVerifyTtl?: number
  /** Seconds a password reset link works. default: 1800 (AUTH_DEFAULTS) */
  passwordResetTtl?: number
  /** Refuse logins of accounts whose address is not verified (EMAIL_NOT_VERIFIED, after the password check); needs `mail`. default: false (AUTH_DEFAULTS) */
  requireEmailVerification?: boolean
  /**
   * Roles whose holders must use two-factor login: until they turn it on, routes that require a
   * role refuse their tokens with MFA_REQUIRED, and the login answer says `mfaEnrollmentRequired`.
   * default: none (AUTH_DEFAULTS)
   */
  mfaRequiredRoles?: readonly string[]
  /** The service's name in authenticator apps (the otpauth URI's issuer). default: 'tokenwarden' (AUTH_DEFAULTS) */
  totpIssuer?: string
  /** Seconds the audit log keeps a row before `auth.prune` deletes it; 0 keeps every row. default: 7776000, 90 days (AUTH_DEFAULTS) */
  auditRetention?: number
}

/** The settings the account and session flows read, resolved from AuthOptions. */
export interface AuthSettings {
  /** AuthOptions.refreshReuseInterval */
  readonly refreshReuseInterval: number
  /** AuthOptions.legacyTokens */
  readonly legacyTokens: LegacyTokenMode
  /** AuthOptions.passwordMinLength */
  readonly passwordMinLength: number
  /** AuthOptions.leeway */
  readonly leeway: number
  /** AuthOptions.emailVerifyTtl */
  readonly emailVerifyTtl: number
  /** AuthOptions.passwordResetTtl */
  readonly passwordResetTtl: number
  /** AuthOptions.requireEmailVerification */
  readonly requireEmailVerification: boolean
  /** AuthOptions.mfaRequiredRoles */
  readonly mfaRequiredRoles: readonly string[]
  /** AuthOptions.totpIssuer */
  readonly totpIssuer: string
  /** AuthOptions.auditRetention */
  readonly auditRetention: number
}

/** Resolves the defaults and refuses nonsense with a TypeError, once. */
export function resolveSettings(options: AuthOptions): AuthSettings {
  const settings: AuthSettings = Object.freeze({
    refreshReuseInterval: options.refreshReuseInterval ?? AUTH_DEFAULTS.refreshReuseInterval,
    legacyTokens: options.legacyTokens ?? AUTH_DEFAULTS.legacyTokens,
    passwordMinLength: options.passwordMinLength ?? AUTH_DEFAULTS.passwordMinLength,
    leeway: options.leeway ?? VERIFY_DEFAULTS.leeway,
    emailVerifyTtl: options.emailVerifyTtl ?? AUTH_DEFAULTS.emailVerifyTtl,
    passwordResetTtl: options.passwordResetTtl ?? AUTH_DEFAULTS.passwordResetTtl,
    requireEmailVerification: options.requireEmailVerification ?? AUTH_DEFAULTS.requireEmailVerification,
    mfaRequiredRoles: Object.freeze([...(options.mfaRequiredRoles ?? AUTH_DEFAULTS.mfaRequiredRoles)]),
    totpIssuer: options.totpIssuer ?? AUTH_DEFAULTS.totpIssuer,
    auditRetention: options.auditRetention ?? AUTH_DEFAULTS.auditRetention,
  })
  for (const name of ['emailVerifyTtl', 'passwordResetTtl'] as const) {
    if (!Number.isInteger(settings[name]) || settings[name] < 60) throw new TypeError(`${name} must be a whole number of seconds, at least 60`)
  }
  // Nobody could ever log in: the link that verifies an address comes by mail.
  if (settings.requireEmailVerification && options.mail === undefined) throw new TypeError('requireEmailVerification needs mail (the verification link is mailed)')
  if (!Number.isInteger(settings.auditRetention) || settings.auditRetention < 0) throw new TypeError('auditRetention must be a whole number of seconds, 0 or more (0 keeps every row)')
  if (!Array.isArray(settings.mfaRequiredRoles) || !settings.mfaRequiredRoles.every((r) => typeof r === 'string' && r !== '')) throw new TypeError('mfaRequiredRoles must be a list of role names')
  if (typeof settings.totpIssuer !== 'string' || settings.totpIssuer.trim() === '' || settings.totpIssuer.includes(':')) throw new TypeError('totpIssuer must be a non-empty name without a colon')
  if (!(settings.refreshReuseInterval >= 0)) throw new TypeError('refreshReuseInterval must be >= 0 seconds')
  if (!(LEGACY_TOKEN_MODES as readonly string[]).includes(settings.legacyTokens)) throw new TypeError("legacyTokens must be 'off' or 'accept'")
  if (!Number.isInteger(settings.passwordMinLength) || settings.passwordMinLength < PASSWORD_MIN || settings.passwordMinLength > PASSWORD_MIN_CEILING) {
    throw new TypeError(`passwordMinLength must be a whole number from ${PASSWORD_MIN} to ${PASSWORD_MIN_CEILING}`)
  }
  return settings
}
