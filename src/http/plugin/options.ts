// The plugin's options, typed once with their defaults, and their resolution into the frozen
// settings the guard works from. A wrong option is a TypeError at registration, not a 500 later.

import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Auth } from '../../core/auth.js'
import type { Clock } from '../../core/clock.js'
import type { AuthError } from '../../core/errors.js'
import type { TokenClaims, TokenType } from '../../core/tokens/claims.js'
import type { IssueOptions, TokenIssuer } from '../../core/tokens/issue.js'
import type { KeyInput, Keyring } from '../../core/tokens/keyring.js'
import {
  DEFAULT_COOKIE_SETTINGS,
  DEFAULT_JSON_KEYS,
  LOCATION_DEFAULTS,
  cookieAttributeProblem,
  isTokenLocation,
  type CookieSettings,
  type JsonKeys,
  type TokenLocation,
} from '../../core/tokens/locations.js'
import type { TokenVerifier, VerifyOptions } from '../../core/tokens/verify.js'
import type { HeaderOptions } from './extract.js'

type MaybePromise<T> = T | Promise<T>

export interface TokenwardenPluginOptions {
  /**
   * tokenwarden's accounts and sessions (createAuth): guards refuse a token whose session has
   * ended (a logout or revocation through this Auth, at once; another instance's within its
   * feed's bound), tokens are verified and signed with its verifier and issuer, and
   * `app.tokenwarden.auth` hands out its services. It replaces `keys`, `verifier`, `issuer`,
   * `verify`, `issue` and `additionalClaims`; `isRevoked`, when also given, runs after the
   * session check. With cookies among the locations, create it with `csrf: true` (the
   * tokenwardenAuth plugin does this for you). default: none
   */
  auth?: Auth
  /** A ready verifier (e.g. `auth.verifier`). Or give `keys` (plus `verify` options) instead. */
  verifier?: TokenVerifier
  /** A ready issuer (e.g. `auth.issuer`), for createAccessToken. default: built from `keys` when one can sign */
  issuer?: TokenIssuer
  /** Keys to verify (and sign) with, e.g. `[{ alg: 'HS256', secret: process.env.JWT_SECRET }]`, or a Keyring. */
  keys?: readonly KeyInput[] | Keyring
  /** For the verifier built from `keys`: leeway, issuer, audience, clock, cacheSize. */
  verify?: Omit<VerifyOptions, 'keyring'>
  /** The time source for token creation and cookie lifetimes. default: `auth.clock`, else `verify.clock`, else the system clock */
  clock?: Clock
  /** For the issuer built from `keys`: accessTtl, refreshTtl (defaults: ISSUE_DEFAULTS). */
  issue?: Pick<IssueOptions, 'accessTtl' | 'refreshTtl'>
  /** Where tokens are looked for, in order (JWT_TOKEN_LOCATION). default: LOCATION_DEFAULTS.locations (headers) */
  locations?: readonly TokenLocation[]
  /** The header. default: LOCATION_DEFAULTS.headerName and headerType (`Authorization: Bearer`) */
  header?: HeaderOptions
  /** Cookie names and attributes, and CSRF protection; see CookieSettings. default: DEFAULT_COOKIE_SETTINGS (Flask-JWT-Extended's) */
  cookies?: Partial<CookieSettings>
  /** The query parameter of the `query_string` location. default: LOCATION_DEFAULTS.queryStringName (jwt) */
  queryStringName?: string
  /** Body keys of the `json` location. default: DEFAULT_JSON_KEYS (access_token, refresh_token) */
  jsonKeys?: Partial<JsonKeys>
  /** Flask-JWT-Extended's additional_claims_loader, for tokens made by createAccessToken / createRefreshToken. */
  additionalClaims?: (identity: string, type: TokenType) => Record<string, unknown> | undefined
  /** Flask-JWT-Extended's token_in_blocklist_loader: return true to refuse the token (checked on every request). */
  isRevoked?: (claims: TokenClaims, request: FastifyRequest) => MaybePromise<boolean | void>
  /** Flask-JWT-Extended's user_lookup_loader: becomes `request.currentUser`; null/undefined -> 401 TOKEN_USER_NOT_FOUND. */
  loadUser?: (claims: TokenClaims, request: FastifyRequest) => MaybePromise<unknown>
  /**
   * Custom error responses (Flask-JWT-Extended's expired_token_loader and friends, in one hook).
   * Send on `reply`, or return a body to send with the error's status; return undefined for the default.
   * default: none (errors go to the app's error handler, or are sent under `messageKey` when that is set)
   */
  onError?: (error: AuthError, request: FastifyRequest, reply: FastifyReply) => unknown
  /** The key of the message in error bodies the plugin sends (JWT_ERROR_MESSAGE_KEY). default: DEFAULT_MESSAGE_KEY (message) */
  messageKey?: string
  /**
   * Roles that need a second factor (MFA_REQUIRED_ROLES): a guard requiring any role refuses a
   * token holding one of these with 403 MFA_REQUIRED unless its `amr` (RFC 8176) lists `mfa`.
   * default: `auth.mfaRequiredRoles` with `auth`, else none
   */
  mfaRequiredRoles?: readonly string[]
}

export interface GuardOptions {
  /** Let requests without a token through (an invalid token is still refused). default: false */
  optional?: boolean
  /** Require an access token issued from a password check. default: false */
  fresh?: boolean
  /** Require a refresh token instead of an access token. default: false */
  refresh?: boolean
  /** Require every one of these roles (403 ROLE_REQUIRED otherwise). default: none */
  roles?: readonly string[]
  /** Require a login with a second factor: the token's `amr` (RFC 8176) lists `mfa` (403 MFA_REQUIRED otherwise). default: false */
  mfa?: boolean
  /** Where to look for the token on this route, in order. default: the plugin's `locations` */
  locations?: readonly TokenLocation[]
}

/** Everything the extractors and cookie helpers need, defaults applied. */
export interface LocationSettings {
  readonly locations: readonly TokenLocation[]
  readonly headerName: string
  readonly headerType: string
  readonly cookies: Readonly<CookieSettings>
  readonly queryStringName: string
  readonly jsonKeys: Readonly<JsonKeys>
}

export function checkLocations(value: readonly unknown[] | undefined, where: string): readonly TokenLocation[] | undefined {
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.length === 0 || !value.every(isTokenLocation) || new Set(value).size !== value.length) {
    throw new TypeError(`tokenwarden ${where}: locations must be a non-empty list of distinct headers, cookies, query_string, json`)
  }
  return Object.freeze([...value])
}

export function resolveLocationSettings(opts: Pick<TokenwardenPluginOptions, 'locations' | 'header' | 'cookies' | 'queryStringName' | 'jsonKeys'>): LocationSettings {
  const cookies = Object.freeze({ ...DEFAULT_COOKIE_SETTINGS, ...definedOnly(opts.cookies ?? {}) })
  if (cookies.sameSite === 'none' && !cookies.secure) throw new TypeError('tokenwarden plugin: cookies.sameSite none requires cookies.secure')
  if (cookies.partitioned && !cookies.secure) throw new TypeError('tokenwarden plugin: cookies.partitioned requires cookies.secure')
  const names = (['accessName', 'refreshName', 'csrfAccessName', 'csrfRefreshName'] as const).map((n) => [n, 'name', cookies[n]] as const)
  for (const [name, kind, value] of [...names, ['domain', 'domain', cookies.domain], ['accessPath', 'path', cookies.accessPath], ['refreshPath', 'path', cookies.refreshPath]] as const) {
    const problem = value === undefined ? undefined : cookieAttributeProblem(kind, value)
    if (problem !== undefined) throw new TypeError(`tokenwarden plugin: cookies.${name} ${problem}`)
  }
  return Object.freeze({
    locations: checkLocations(opts.locations, 'plugin') ?? LOCATION_DEFAULTS.locations,
    headerName: (opts.header?.name ?? LOCATION_DEFAULTS.headerName).toLowerCase(),
    headerType: opts.header?.type ?? LOCATION_DEFAULTS.headerType,
    cookies,
    queryStringName: opts.queryStringName ?? LOCATION_DEFAULTS.queryStringName,
    jsonKeys: Object.freeze({ ...DEFAULT_JSON_KEYS, ...definedOnly(opts.jsonKeys ?? {}) }),
  })
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}
