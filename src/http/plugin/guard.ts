// The guard: one Fastify hook per protected route. Order of checks per request: find the
// token (locations in order) -> verify (signature, claims, type; cached) -> CSRF when it came
// from a cookie -> isRevoked (every request, cache or not) -> fresh -> mfa -> roles (and the
// second factor those roles need) -> loadUser.
// It stays callback-style and synchronous when the hooks answer synchronously, so a cached
// token costs no promise.

import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'
import { AuthError } from '../../core/errors.js'
import type { TokenClaims, TokenType } from '../../core/tokens/claims.js'
import type { TokenLocation } from '../../core/tokens/locations.js'
import type { TokenVerifier } from '../../core/tokens/verify.js'
import { checkCsrf } from './csrf.js'
import { locateToken, missingTokenError, type CookieReader } from './extract.js'
import { checkLocations, type GuardOptions, type LocationSettings, type TokenwardenPluginOptions } from './options.js'

type Done = (err?: Error) => void

/**
 * A guard that ran in onRequest, found no token, and may find one in the JSON body once it is
 * parsed parks itself here; the preHandler the plugin adds to that route runs it again then.
 * This keeps one `onRequest: guard(...)` working for every location.
 */
export const DEFERRED = Symbol('tokenwarden.deferredGuard')

/**
 * On a guard whose locations include `json`: its variant that may wait for the parsed body.
 * The plugin's onRoute hook swaps it in, and adds the preHandler that resumes it, only on routes
 * holding the guard in their own `onRequest`. The guard itself never waits: used anywhere else
 * (an app-level hook, a preHandler) nothing would resume it, so it decides at once.
 */
export const RESUMABLE = Symbol('tokenwarden.resumableGuard')

/** Marks every guard createGuard makes, so the server can tell the routes that need a token (its rate limits are keyed by that). */
export const GUARD = Symbol('tokenwarden.guard')

/** A guard as createGuard returns it. */
export type Guard = onRequestHookHandler & { [RESUMABLE]?: onRequestHookHandler; [GUARD]?: true }

/** The misuse message when a cookie feature is asked of an app without cookie support. */
export const NO_COOKIES = (what: string): string =>
  `tokenwarden: ${what} needs cookie support: list 'cookies' in the plugin's locations, pass its \`cookies\` option, or register @fastify/cookie before the plugin`

type Deferrable = FastifyRequest & { [DEFERRED]?: onRequestHookHandler | null }

function bodyPending(request: FastifyRequest): boolean {
  if (request.body !== undefined) return false
  const length = request.headers['content-length']
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined
}

export interface GuardContext {
  readonly verifier: TokenVerifier
  readonly settings: LocationSettings
  readonly readCookies: CookieReader
  /** Whether @fastify/cookie is there to read cookies (see `cookieSupport` in index.ts). */
  readonly cookieSupport: () => boolean
  readonly isRevoked: TokenwardenPluginOptions['isRevoked']
  readonly loadUser: TokenwardenPluginOptions['loadUser']
  /** Roles whose tokens need a second factor on role-guarded routes (MFA_REQUIRED_ROLES). */
  readonly mfaRequiredRoles: readonly string[]
  /** Answers a failed request: sets the challenge, then sends or hands the error on. */
  readonly reject: (request: FastifyRequest, reply: FastifyReply, err: unknown, done: Done) => void
}

/** Whether the token's login used a second factor: `amr` (RFC 8176 §2) lists `mfa`. */
function secondFactor(claims: TokenClaims): boolean {
  return Array.isArray(claims.amr) && claims.amr.includes('mfa')
}

export function createGuard(ctx: GuardContext, options: GuardOptions = {}): Guard {
  const type: TokenType = options.refresh === true ? 'refresh' : 'access'
  const roles = options.roles ?? []
  const optional = options.optional === true
  const fresh = options.fresh === true
  const mfa = options.mfa === true
  const mfaRoles = ctx.mfaRequiredRoles
  const locations = checkLocations(options.locations, 'guard') ?? ctx.settings.locations
  if (fresh && type === 'refresh') throw new TypeError('tokenwarden guard: fresh applies to access tokens, not with refresh')
  if (locations.includes('cookies') && !ctx.cookieSupport()) throw new TypeError(NO_COOKIES("guard({ locations: ['cookies'] })"))
  const { verifier, isRevoked, loadUser, reject } = ctx

  function finish(request: FastifyRequest, reply: FastifyReply, claims: TokenClaims, location: TokenLocation, done: Done): void {
    try {
      if (fresh && claims.fresh !== true) throw new AuthError('TOKEN_NOT_FRESH')
      if (mfa && !secondFactor(claims)) throw new AuthError('MFA_REQUIRED')
      if (roles.length > 0) {
        const held = claims.roles ?? []
        if (!roles.every((r) => held.includes(r))) throw new AuthError('ROLE_REQUIRED')
        // Until the holder of such a role logs in with a second factor (enrolling first if need
        // be), what their roles open stays shut; routes needing no role (enrollment) stay open.
        if (mfaRoles.length > 0 && held.some((r) => mfaRoles.includes(r)) && !secondFactor(claims)) throw new AuthError('MFA_REQUIRED')
      }
      request.jwt = claims
      request.identity = claims.sub
      request.tokenLocation = location
      if (loadUser === undefined) return done()
      const user = loadUser(claims, request)
      if (user instanceof Promise) {
        user.then((u) => setUser(request, reply, u, done), (err) => reject(request, reply, err, done))
      } else {
        setUser(request, reply, user, done)
      }
    } catch (err) {
      reject(request, reply, err, done)
    }
  }

  function setUser(request: FastifyRequest, reply: FastifyReply, user: unknown, done: Done): void {
    if (user === undefined || user === null) return reject(request, reply, new AuthError('TOKEN_USER_NOT_FOUND'), done)
    request.currentUser = user
    done()
  }

  function run(request: FastifyRequest, reply: FastifyReply, done: Done, mayDefer: boolean): void {
    try {
      const found = locateToken(request, type, locations, ctx.settings, ctx.readCookies)
      if (found === undefined) {
        // Deferred once only, and only by the resumable variant (its route resumes it).
        if (mayDefer && (request as Deferrable)[DEFERRED] === undefined && bodyPending(request)) {
          ;(request as Deferrable)[DEFERRED] = tokenwardenGuard
          return done()
        }
        if (optional) return done()
        throw missingTokenError(request, locations, ctx.settings)
      }
      const claims = verifier.verify(found.token, type)
      if (found.location === 'cookies') checkCsrf(request, claims, ctx.settings.cookies)
      const revoked = isRevoked?.(claims, request)
      if (revoked instanceof Promise) {
        revoked.then(
          (r) => (r === true ? reject(request, reply, new AuthError('TOKEN_REVOKED'), done) : finish(request, reply, claims, found.location, done)),
          (err) => reject(request, reply, err, done),
        )
        return
      }
      if (revoked === true) throw new AuthError('TOKEN_REVOKED')
      finish(request, reply, claims, found.location, done)
    } catch (err) {
      reject(request, reply, err, done)
    }
  }

  const tokenwardenGuard: Guard = function tokenwardenGuard(request, reply, done) {
    run(request, reply, done, false)
  }
  tokenwardenGuard[GUARD] = true
  if (locations.includes('json')) {
    const resumable: Guard = function tokenwardenGuardResumable(request, reply, done) {
      run(request, reply, done, true)
    }
    resumable[GUARD] = true
    resumable[RESUMABLE] = resumable // swapping twice (a GET's HEAD twin) changes nothing
    tokenwardenGuard[RESUMABLE] = resumable
  }
  return tokenwardenGuard
}
