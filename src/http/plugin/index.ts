// The public Fastify plugin: register it once, then guard routes with
// `app.tokenwarden.guard({ optional, fresh, refresh, roles, locations })`. The tokenwarden
// server itself is built on this plugin; there is no second code path.
//
// What it adds: `app.tokenwarden` (guard, token creation, cookie helpers, and with `auth` the
// accounts, sessions and admin services), and on every request `jwt` (the verified claims),
// `identity` (their `sub`), `currentUser` (from `loadUser`) and `tokenLocation`. Failures are
// AuthErrors (401/403 with a code); the RFC 6750 challenge header is set here so it is right
// even under the host app's own error handler.

import cookie from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler, preHandlerHookHandler, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import type { Auth } from '../../core/auth.js'
import { systemClock } from '../../core/clock.js'
import { DEFAULT_MESSAGE_KEY, isAuthError, type AuthError, type ErrorCode } from '../../core/errors.js'
import type { TokenClaims, TokenType } from '../../core/tokens/claims.js'
import { createIssuer, type TokenIssuer } from '../../core/tokens/issue.js'
import { Keyring } from '../../core/tokens/keyring.js'
import type { TokenLocation } from '../../core/tokens/locations.js'
import { createVerifier, type TokenVerifier } from '../../core/tokens/verify.js'
import { applyChallenge, sendError } from '../challenge.js'
import { declaredAuth, describeRoute } from '../openapi/route-docs.js'
import { clearTokenCookies, cookieReader, setTokenCookies } from './cookies.js'
import { checkCsrf } from './csrf.js'
import { locateToken, type LocatedToken } from './extract.js'
import { createGuard, DEFERRED, NO_COOKIES, RESUMABLE, type Guard } from './guard.js'
import { checkLocations, resolveLocationSettings, type GuardOptions, type LocationSettings, type TokenwardenPluginOptions } from './options.js'

export type { GuardOptions, TokenwardenPluginOptions } from './options.js'

/** Options of createAccessToken / createRefreshToken. */
export interface CreateTokenOptions {
  /** Access tokens: issued straight from a password check. default: false */
  fresh?: boolean
  /** Stamped as the `roles` claim, checked by `guard({ roles })`. default: none */
  roles?: readonly string[]
  /** Extra claims (reserved names are dropped); merged over `additionalClaims`. default: none */
  claims?: Record<string, unknown>
  /** Lifetime in seconds. default: the issuer's accessTtl / refreshTtl */
  expiresIn?: number
}

export interface TokenwardenDecorator {
  /**
   * tokenwarden's services (`accounts`, `sessions`, `admin`) for the host's own handlers: the
   * Auth the tokenwardenAuth plugin opened, or the one passed as `auth`. Reading it on a plugin
   * registered without one is a TypeError.
   */
  readonly auth: Auth
  readonly verifier: TokenVerifier
  /** The issuer, when the plugin was given one or a key that can sign. */
  readonly issuer: TokenIssuer | undefined
  readonly settings: LocationSettings
  /**
   * A hook enforcing the options: use as the route's `onRequest` (or `preHandler`). With `json`
   * among its locations it waits for the parsed body only as a route's own `onRequest`; as an
   * app-level hook it decides from the other locations at once. Asking for `cookies` on an app
   * without cookie support is a TypeError.
   */
  guard(options?: GuardOptions): onRequestHookHandler
  /** The first token found in the request's locations (no verification). */
  locate(request: FastifyRequest, options?: { refresh?: boolean; locations?: readonly TokenLocation[] }): LocatedToken | undefined
  /** Throws CSRF_FAILED unless an unsafe request echoes the token's csrf claim. */
  checkCsrf(request: FastifyRequest, claims: TokenClaims): void
  /** create_access_token: a signed access token for `identity`. */
  createAccessToken(identity: string, options?: CreateTokenOptions): string
  /** create_refresh_token. */
  createRefreshToken(identity: string, options?: Omit<CreateTokenOptions, 'fresh' | 'roles'>): string
  /** set_access_cookies / set_refresh_cookies: the token (and its CSRF value) as cookies. */
  setAccessCookies(reply: FastifyReply, token: string): FastifyReply
  setRefreshCookies(reply: FastifyReply, token: string): FastifyReply
  /** unset_jwt_cookies / unset_access_cookies / unset_refresh_cookies. */
  unsetJwtCookies(reply: FastifyReply): FastifyReply
  unsetAccessCookies(reply: FastifyReply): FastifyReply
  unsetRefreshCookies(reply: FastifyReply): FastifyReply
}

declare module 'fastify' {
  interface FastifyInstance {
    tokenwarden: TokenwardenDecorator
  }
  interface FastifyContextConfig {
    /**
     * Guard this route: the plugin puts `guard(auth)` first among its onRequest hooks and documents
     * it (OpenAPI `security`, the codes the guard can answer). `true` is `guard()`. default: none
     */
    auth?: GuardOptions | true
    /**
     * The error codes this route answers beyond those its guard, its input and its body imply; the
     * route's error responses are then documented in its schema (src/http/openapi/route-docs.ts). default: none
     */
    errors?: readonly ErrorCode[]
  }
  interface FastifyRequest {
    /** The verified claims (get_jwt), or null on an unguarded route / optional guard without a token. */
    jwt: TokenClaims | null
    /** The token's `sub` (get_jwt_identity), or null. */
    identity: string | null
    /** What `loadUser` returned (current_user), or null. */
    currentUser: unknown
    /** Where the token was found, or null. */
    tokenLocation: TokenLocation | null
  }
}

function ringOf(keys: TokenwardenPluginOptions['keys']): Keyring | undefined {
  if (keys === undefined) return undefined
  if (keys instanceof Keyring) return keys
  if (keys.length === 0) return undefined
  return Keyring.of(keys)
}

/** What `auth` replaces: giving both would leave one of them silently unused. */
const FROM_AUTH = ['keys', 'verifier', 'issuer', 'verify', 'issue', 'additionalClaims'] as const

/**
 * The session check of `auth` as an isRevoked hook, then the host's own `also`: no promise when
 * the gate answers from memory (the guard's fast path).
 */
function sessionCheck(auth: Auth, also: TokenwardenPluginOptions['isRevoked']): NonNullable<TokenwardenPluginOptions['isRevoked']> {
  return (claims, request) => {
    const pending = auth.sessions.check(claims)
    if (pending === undefined) return also === undefined ? false : also(claims, request)
    return pending.then(() => (also === undefined ? false : also(claims, request)))
  }
}

async function tokenwardenPlugin(app: FastifyInstance, opts: TokenwardenPluginOptions): Promise<void> {
  const { auth } = opts
  const given = auth === undefined ? undefined : FROM_AUTH.find((name) => opts[name] !== undefined)
  if (given !== undefined) throw new TypeError(`tokenwarden plugin: \`${given}\` comes from \`auth\`; pass one or the other`)
  const ring = ringOf(opts.keys)
  if (auth === undefined && opts.verifier === undefined && ring === undefined) {
    throw new TypeError('tokenwarden plugin: pass `auth`, `verifier` or at least one key in `keys`')
  }
  if (opts.issuer !== undefined && opts.additionalClaims !== undefined) {
    throw new TypeError('tokenwarden plugin: additionalClaims applies to the issuer built from `keys`; configure your own issuer instead')
  }
  const settings = resolveLocationSettings(opts)
  const clock = opts.clock ?? auth?.clock ?? opts.verify?.clock ?? systemClock
  const verifier = auth?.verifier ?? opts.verifier ?? createVerifier({ ...opts.verify, keyring: ring! })
  const isRevoked = auth === undefined ? opts.isRevoked : sessionCheck(auth, opts.isRevoked)
  const hook = opts.additionalClaims
  const issuer =
    auth?.issuer ??
    opts.issuer ??
    (ring !== undefined && ring.signing.canSign
      ? createIssuer({
          keyring: ring,
          clock,
          issuer: opts.verify?.issuer,
          audience: opts.verify?.audience,
          ...opts.issue,
          // Flask-JWT-Extended stamps csrf on every token when cookies carry them.
          csrf: settings.locations.includes('cookies') && settings.cookies.csrfProtect,
          additionalClaims: hook === undefined ? undefined : (input, type) => hook(input.sub, type),
        })
      : undefined)
  const { onError, messageKey } = opts

  // @fastify/cookie (an onRequest parse and an onSend hook on every route) only when asked for:
  // `cookies` among the locations, or the `cookies` option given. A host that registered it
  // already keeps its own.
  const wantsCookies = settings.locations.includes('cookies') || opts.cookies !== undefined
  if (wantsCookies && !app.hasDecorator('parseCookie')) await app.register(cookie)
  const cookieSupport = (): boolean => app.hasDecorator('parseCookie')
  const readCookies = cookieReader((header) => app.parseCookie(header))

  app.decorateRequest('jwt', null)
  app.decorateRequest('identity', null)
  app.decorateRequest('currentUser', null)
  app.decorateRequest('tokenLocation', null)
  // Guards waiting for the JSON body (see DEFERRED in guard.ts) finish here, once it is parsed.
  // Only routes holding such a guard in their own onRequest get this hook (and the guard's
  // resumable variant); every other route pays nothing for the json location.
  const fromConfig = new WeakSet<Guard>()
  const resumeDeferredGuard: preHandlerHookHandler = function resumeDeferredGuard(request, reply, done) {
    const pending = (request as unknown as Record<symbol, onRequestHookHandler | null | undefined>)[DEFERRED]
    if (pending === undefined || pending === null) return done()
    ;(request as unknown as Record<symbol, null>)[DEFERRED] = null
    pending.call(this, request, reply, done)
  }
  // A route's `config.auth` installs its guard here, and with `config.errors` describes the route
  // (its error responses and OpenAPI security): one declaration for both. Before the resumable
  // swap below, which then treats the installed guard like one passed by hand.
  const mfaRequiredRoles = Object.freeze([...(opts.mfaRequiredRoles ?? auth?.mfaRequiredRoles ?? [])])
  const docs = { settings, messageKey: messageKey ?? DEFAULT_MESSAGE_KEY, loadsUser: opts.loadUser !== undefined, mfaRequiredRoles }
  app.addHook('onRoute', (route: RouteOptions) => {
    const declared = declaredAuth(route)
    if (declared !== undefined) {
      const list = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]
      if (!list.some((h) => fromConfig.has(h as Guard))) {
        const installed = decorator.guard(declared) as Guard
        fromConfig.add(installed)
        route.onRequest = [installed, ...list]
      }
    }
    describeRoute(route, docs)
  })
  app.addHook('onRoute', (route: RouteOptions) => {
    const hooks = route.onRequest as Guard | Guard[] | undefined
    if (hooks === undefined) return
    const list = Array.isArray(hooks) ? hooks : [hooks]
    if (!list.some((h) => h?.[RESUMABLE] !== undefined)) return
    route.onRequest = list.map((h) => h[RESUMABLE] ?? h)
    const pre = route.preHandler as preHandlerHookHandler | preHandlerHookHandler[] | undefined
    const preList = pre === undefined ? [] : Array.isArray(pre) ? pre : [pre]
    if (!preList.includes(resumeDeferredGuard)) route.preHandler = [resumeDeferredGuard, ...preList]
  })

  function reject(request: FastifyRequest, reply: FastifyReply, err: unknown, done: (err?: Error) => void): void {
    if (!isAuthError(err)) return done(err as Error)
    // Where a guard's refusal is decided: counted on the Auth's activity channel (metrics, audit).
    if (auth?.activity.active === true) auth.activity.publish({ type: 'token_rejected', code: err.code })
    applyChallenge(reply, err.code)
    // The route's documented error schemas describe tokenwarden's body; whatever answers this
    // refusal (onError, the host's error handler) may send its own, which they must not reshape.
    reply.serializer(JSON.stringify)
    if (onError === undefined && messageKey === undefined) return done(err)
    Promise.resolve()
      .then(() => onError?.(err, request, reply))
      .then((body) => {
        if (reply.sent) return
        if (body !== undefined) {
          if (err.retryAfter !== undefined) reply.header('retry-after', String(Math.ceil(err.retryAfter)))
          return void reply.code(err.statusCode).send(body)
        }
        // As the server's error handler answers and logs it: same body, headers and log line.
        request.log.info({ code: err.code, statusCode: err.statusCode }, 'request rejected')
        sendError(reply, err, messageKey)
      })
      .catch((e: unknown) => done(e as Error))
  }

  function sign(type: TokenType, identity: string, options: CreateTokenOptions = {}): string {
    if (issuer === undefined) throw new TypeError('tokenwarden: no key that can sign (pass a secret or private key in `keys`, or `issuer`)')
    if (typeof identity !== 'string' || identity === '') throw new TypeError('tokenwarden: the identity must be a non-empty string (RFC 7519 §4.1.2)')
    const { expiresIn } = options
    if (expiresIn !== undefined && !(Number.isInteger(expiresIn) && expiresIn > 0)) throw new TypeError('expiresIn must be a positive whole number of seconds')
    const input = { sub: identity, fresh: options.fresh, roles: options.roles, extra: options.claims }
    const exp = expiresIn === undefined ? undefined : Math.floor(clock.now() / 1000) + expiresIn
    return issuer.issue(type, input, exp === undefined ? undefined : { exp }).token
  }

  function needCookies(reply: FastifyReply, what: string): void {
    if (typeof (reply as { setCookie?: unknown }).setCookie !== 'function') throw new TypeError(NO_COOKIES(what))
  }

  function setCookies(type: TokenType, reply: FastifyReply, token: string): FastifyReply {
    needCookies(reply, type === 'access' ? 'setAccessCookies' : 'setRefreshCookies')
    setTokenCookies(reply, settings.cookies, type, token, verifier.verify(token, type), clock.now())
    return reply
  }

  const decorator: TokenwardenDecorator = {
    get auth(): Auth {
      if (auth === undefined) throw new TypeError('tokenwarden: app.tokenwarden.auth needs an Auth: register tokenwardenAuth, or pass `auth` (createAuth) to the tokenwarden plugin')
      return auth
    },
    verifier,
    issuer,
    settings,
    guard: (options) => createGuard({ verifier, settings, readCookies, cookieSupport, isRevoked, loadUser: opts.loadUser, mfaRequiredRoles, reject }, options),
    locate(request, options = {}) {
      const locations = checkLocations(options.locations, 'locate') ?? settings.locations
      if (locations.includes('cookies') && !cookieSupport()) throw new TypeError(NO_COOKIES("locate({ locations: ['cookies'] })"))
      return locateToken(request, options.refresh === true ? 'refresh' : 'access', locations, settings, readCookies)
    },
    checkCsrf: (request, claims) => checkCsrf(request, claims, settings.cookies),
    createAccessToken: (identity, options) => sign('access', identity, options),
    createRefreshToken: (identity, options) => sign('refresh', identity, options),
    setAccessCookies: (reply, token) => setCookies('access', reply, token),
    setRefreshCookies: (reply, token) => setCookies('refresh', reply, token),
    unsetJwtCookies(reply) {
      needCookies(reply, 'unsetJwtCookies')
      clearTokenCookies(reply, settings.cookies, 'access')
      clearTokenCookies(reply, settings.cookies, 'refresh')
      return reply
    },
    unsetAccessCookies: (reply) => (needCookies(reply, 'unsetAccessCookies'), clearTokenCookies(reply, settings.cookies, 'access'), reply),
    unsetRefreshCookies: (reply) => (needCookies(reply, 'unsetRefreshCookies'), clearTokenCookies(reply, settings.cookies, 'refresh'), reply),
  }
  app.decorate('tokenwarden', Object.freeze(decorator))
}

/** An AuthError raised by the plugin, as handed to `onError`. */
export type TokenwardenError = AuthError

/**
 * The Fastify plugin.
 *
 * @example
 * await app.register(tokenwarden, { keys: [{ alg: 'HS256', secret: process.env.JWT_SECRET! }] })
 * app.get('/private', { onRequest: app.tokenwarden.guard() }, (req) => ({ hello: req.identity }))
 */
export const tokenwarden = fp(tokenwardenPlugin, { fastify: '5.x', name: 'tokenwarden' })
export default tokenwarden
