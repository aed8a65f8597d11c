// `tokenwarden/fastify`: the Fastify plugin alone, with the types a host app needs to use it.

export {
  tokenwarden,
  tokenwarden as default,
  type CreateTokenOptions,
  type GuardOptions,
  type TokenwardenDecorator,
  type TokenwardenPluginOptions,
} from './http/plugin/index.js'
export type { HeaderOptions, LocatedToken } from './http/plugin/extract.js'
export { AuthError, isAuthError, type ErrorCode } from './core/errors.js'
export type { TokenClaims, TokenType } from './core/tokens/claims.js'
export { Keyring, type Algorithm, type KeyInput } from './core/tokens/keyring.js'
export type { CookieSettings, JsonKeys, TokenLocation } from './core/tokens/locations.js'
export type { Clock } from './core/clock.js'
