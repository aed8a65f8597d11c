// `tokenwarden/fastify`: the Fastify plugins and the types a host app needs to use them: the
// guard plugin (`tokenwarden`) alone, and the auth API (`tokenwardenAuth`: accounts, sessions and
// the server's routes inside the host app, loaded when registered).

export {
  tokenwarden,
  tokenwarden as default,
  type CreateTokenOptions,
  type GuardOptions,
  type TokenwardenDecorator,
  type TokenwardenPluginOptions,
} from './http/plugin/index.js'
export type { HeaderOptions, LocatedToken } from './http/plugin/extract.js'
export { basicCredentials } from './http/plugin/basic.js'
export { tokenwardenAuth, type MountedRoutes, type TokenwardenAuthOptions } from './http/mount/plugin.js'
export type { Auth } from './core/auth.js'
export type { Accounts, Credentials, Login, PasswordChange } from './core/accounts/service.js'
export type { Admin, UserQuery } from './core/accounts/admin-service.js'
export type { User } from './core/accounts/user.js'
export type { LogoutScope, RefreshOptions, Sessions } from './core/sessions/service.js'
export type { Session } from './core/sessions/session.js'
export type { Store } from './core/store.js'
export { AuthError, isAuthError, type ErrorCode } from './core/errors.js'
export type { TokenClaims, TokenType } from './core/tokens/claims.js'
export { Keyring, type Algorithm, type KeyInput } from './core/tokens/keyring.js'
export type { CookieSettings, JsonKeys, TokenLocation } from './core/tokens/locations.js'
export type { Clock } from './core/clock.js'
