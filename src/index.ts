// The public API of tokenwarden: an explicit list, no `export *`.

export type { AccountPatch } from './core/accounts/admin.js'
export { DEFAULT_PAGE_SIZE, type Admin, type UserQuery } from './core/accounts/admin-service.js'
export type { AdminSeed } from './core/accounts/bootstrap.js'
export type { RegisterInput } from './core/accounts/register.js'
export type { Accounts, Credentials, Login, PasswordChange, SignIn } from './core/accounts/service.js'
export { MemoryLoginThrottle, THROTTLE_DEFAULTS, throttleKey, type AttemptOutcome, type LoginThrottle, type ThrottleOptions } from './core/accounts/throttle.js'
export type { User } from './core/accounts/user.js'
export { createAuth, type Auth, type AuthStats } from './core/auth.js'
export { DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE, type AuditLog, type AuditLogQuery } from './core/audit/service.js'
export {
  AUDIT_EVENTS,
  isAuditEvent,
  type AuditDetail,
  type AuditEvent,
  type AuditOutcome,
  type AuditPage,
  type AuditQuery,
  type AuditRecord,
  type AuditSource,
} from './core/audit/types.js'
export { AUTH_DEFAULTS, type AuthOptions, type MailOptions, type MailLinkPage } from './core/auth-options.js'
export type { Mailer, MailMessage } from './core/mail/mailer.js'
export { DEFAULT_MAIL_TEMPLATES, MAIL_KINDS, type MailKind, type MailTemplate, type MailTemplates } from './core/mail/templates.js'
export { smtpMailer } from './mail/smtp.js'
export { outboxMailer } from './mail/outbox.js'
export { ManualClock, systemClock, type Clock } from './core/clock.js'
export { ConfigError, parseConfig, parseDuration, type ServerConfig } from './core/config.js'
export { DATABASE_DEFAULTS } from './core/config-database.js'
export type { TokenConfig } from './core/config-tokens.js'
export type { ClientInfo, TokenPair } from './core/context.js'
export { AuthError, DEFAULT_MESSAGE_KEY, ERRORS, isAuthError, type ErrorCode, type TokenErrorCode } from './core/errors.js'
export type { ActivityEvent, LoginOutcome, RefreshOutcome } from './core/events/activity.js'
export { FEED_DEFAULTS } from './core/events/feed.js'
export type { AuthEvent, RevocationReason } from './core/events/types.js'
export { createPasswordHasher, DEFAULT_ARGON2, type Argon2Params, type HasherOptions, type PasswordHasher } from './core/passwords/hash.js'
export type { LogoutScope, RefreshOptions, Sessions, TokenInspection } from './core/sessions/service.js'
export { decodeToken, type DecodedToken } from './core/tokens/inspect.js'
export type { Session } from './core/sessions/session.js'
export type { ChangeOptions, NewSession, NewUser, SessionRecord, Store, TotpRecord, UpdateOptions, UserRecord } from './core/store.js'
export type { MfaChallenge } from './core/mfa/challenge.js'
export type { TotpEnrollment } from './core/mfa/enroll.js'
export type { SecondFactor } from './core/mfa/second-factor.js'
export type { MfaStatus } from './core/mfa/status.js'
export type { ClaimsInput, TokenClaims, TokenType } from './core/tokens/claims.js'
export { createIssuer, ISSUE_DEFAULTS, type IssueOptions, type TokenIssuer } from './core/tokens/issue.js'
export { ALGORITHMS, createRingKey, Keyring, thumbprint, type Algorithm, type KeyInput, type RingKey } from './core/tokens/keyring.js'
export { publicJwks, type JwkSet, type PublicJwk } from './core/tokens/jwks.js'
export { DEFAULT_COOKIE_SETTINGS, LOCATION_DEFAULTS, TOKEN_LOCATIONS, type CookieSettings, type JsonKeys, type SameSite, type TokenLocation } from './core/tokens/locations.js'
export {
  configuredEntry,
  generateStoredKey,
  keyStatus,
  parseRingFile,
  ringInputs,
  rotateRingFile,
  serializeRingFile,
  stageRingFile,
  type KeyStatus,
  type RingFile,
  type StoredKey,
} from './core/tokens/ring-file.js'
export { createVerifier, VERIFY_DEFAULTS, type TokenVerifier, type VerifyOptions } from './core/tokens/verify.js'
export { buildApp, type App, type AppDeps } from './http/app.js'
export { authOptionsFromConfig } from './http/server-options.js'
export { tokenwardenAuth, type MountedRoutes, type TokenwardenAuthOptions } from './http/mount/plugin.js'
export { MOUNT_DEFAULTS, ROUTE_DEFAULTS } from './http/mount/options.js'
export { basicCredentials } from './http/plugin/basic.js'
export {
  tokenwarden,
  type CreateTokenOptions,
  type GuardOptions,
  type TokenwardenDecorator,
  type TokenwardenPluginOptions,
} from './http/plugin/index.js'
export { createStore, type StoreOptions } from './store/create.js'
export { MemoryStore } from './store/memory.js'
export { KyselyStore } from './store/kysely/store.js'
export { SqlLoginThrottle } from './store/kysely/throttle.js'
