// The public API of tokenwarden: an explicit list, no `export *`.

export { endUserSessions, listAccounts, updateAccount, userSessions, type AccountPatch } from './core/accounts/admin.js'
export { ensureAdmin, type AdminSeed } from './core/accounts/bootstrap.js'
export { changePassword, deleteOwnAccount, deleteUser, renameUser } from './core/accounts/self.js'
export { MemoryLoginThrottle, throttleKey, type AttemptOutcome, type LoginThrottle, type ThrottleOptions } from './core/accounts/throttle.js'
export { createAuth, type Auth, type AuthOptions, type LogoutScope } from './core/auth.js'
export { ManualClock, systemClock, type Clock } from './core/clock.js'
export { ConfigError, parseConfig, parseDuration, type ServerConfig } from './core/config.js'
export type { TokenConfig } from './core/config-tokens.js'
export type { ClientInfo, TokenPair } from './core/context.js'
export { AuthError, ERRORS, isAuthError, type ErrorCode, type TokenErrorCode } from './core/errors.js'
export { createPasswordHasher, DEFAULT_ARGON2, type Argon2Params, type HasherOptions, type PasswordHasher } from './core/passwords/hash.js'
export type { NewSession, NewUser, SessionRecord, Store, UserRecord } from './core/store.js'
export type { ClaimsInput, TokenClaims, TokenType } from './core/tokens/claims.js'
export { createIssuer, type IssueOptions, type TokenIssuer } from './core/tokens/issue.js'
export { ALGORITHMS, createRingKey, Keyring, thumbprint, type Algorithm, type KeyInput, type RingKey } from './core/tokens/keyring.js'
export { publicJwks, type JwkSet, type PublicJwk } from './core/tokens/jwks.js'
export { DEFAULT_COOKIE_SETTINGS, TOKEN_LOCATIONS, type CookieSettings, type JsonKeys, type SameSite, type TokenLocation } from './core/tokens/locations.js'
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
export { createVerifier, type TokenVerifier, type VerifyOptions } from './core/tokens/verify.js'
export { buildApp, type App, type AppDeps } from './http/app.js'
export {
  tokenwarden,
  type CreateTokenOptions,
  type GuardOptions,
  type TokenwardenDecorator,
  type TokenwardenPluginOptions,
} from './http/plugin/index.js'
export { MemoryStore } from './store/memory.js'
export { KyselyStore } from './store/kysely/store.js'
export { SqlLoginThrottle } from './store/kysely/throttle.js'
