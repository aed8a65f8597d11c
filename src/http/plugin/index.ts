// The public Fastify plugin: register it once, then guard routes with
// `app.tokenwarden.guard({ optional, fresh, refresh, roles })`. The tokenwarden server itself
// is built on this plugin; there is no second code path.
//
// Order of checks per request: find the token -> verify (signature, claims, type) ->
// isRevoked -> fresh -> roles -> loadUser. Failures are AuthErrors (401/403 with a code);
// the RFC 6750 challenge header is set here so it is right even under the host app's own
// error handler.

import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { AuthError } from '../../core/errors.js'
import type { TokenClaims, TokenType } from '../../core/tokens/claims.js'
import { Keyring, type KeyInput } from '../../core/tokens/keyring.js'
import { createVerifier, type TokenVerifier, type VerifyOptions } from '../../core/tokens/verify.js'
import { applyChallenge } from '../challenge.js'
import { headerExtractor, type HeaderOptions } from './extract.js'

type MaybePromise<T> = T | Promise<T>

export interface TokenwardenPluginOptions {
  /** A ready verifier (e.g. `auth.verifier`). Or give `keys` (plus verify options) instead. */
  verifier?: TokenVerifier
  /** Keys to verify with, e.g. `[{ alg: 'HS256', secret: process.env.JWT_SECRET }]`. */
  keys?: readonly KeyInput[]
  /** Passed to the verifier built from `keys`: leeway, issuer, audience, clock, cacheSize. */
  verify?: Omit<VerifyOptions, 'keyring'>
  /** Where the token is read from. default: `{ name: 'authorization', type: 'Bearer' }` */
  header?: HeaderOptions
  /** Flask-JWT-Extended's token_in_blocklist_loader: return true to refuse the token. */
  isRevoked?: (claims: TokenClaims, request: FastifyRequest) => MaybePromise<boolean | void>
  /** Flask-JWT-Extended's user_lookup_loader: the value becomes `request.currentUser`. */
  loadUser?: (claims: TokenClaims, request: FastifyRequest) => MaybePromise<unknown>
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
}

export interface TokenwardenDecorator {
  readonly verifier: TokenVerifier
  /** An onRequest hook enforcing the options. */
  guard(options?: GuardOptions): onRequestHookHandler
}

declare module 'fastify' {
  interface FastifyInstance {
    tokenwarden: TokenwardenDecorator
  }
  interface FastifyRequest {
    /** The verified claims, or null on an unguarded route / optional guard without a token. */
    jwt: TokenClaims | null
    /** The token's `sub` (get_jwt_identity), or null. */
    identity: string | null
    /** What `loadUser` returned (current_user), or null. */
    currentUser: unknown
  }
}

function buildVerifier(opts: TokenwardenPluginOptions): TokenVerifier {
  if (opts.verifier !== undefined) return opts.verifier
  if (opts.keys === undefined || opts.keys.length === 0) {
    throw new TypeError('tokenwarden plugin: pass `verifier` or at least one key in `keys`')
  }
  return createVerifier({ ...opts.verify, keyring: Keyring.of(opts.keys) })
}

function fail(reply: FastifyReply, err: unknown, done: (err?: Error) => void): void {
  if (err instanceof AuthError) applyChallenge(reply, err.code)
  done(err as Error)
}

async function tokenwardenPlugin(app: FastifyInstance, opts: TokenwardenPluginOptions): Promise<void> {
  const verifier = buildVerifier(opts)
  const extract = headerExtractor(opts.header)
  const { isRevoked, loadUser } = opts
  app.decorateRequest('jwt', null)
  app.decorateRequest('identity', null)
  app.decorateRequest('currentUser', null)

  function guard(options: GuardOptions = {}): onRequestHookHandler {
    const type: TokenType = options.refresh === true ? 'refresh' : 'access'
    const roles = options.roles ?? []
    const optional = options.optional === true
    const fresh = options.fresh === true

    function finish(request: FastifyRequest, reply: FastifyReply, claims: TokenClaims, done: (err?: Error) => void): void {
      try {
        if (fresh && claims.fresh !== true) throw new AuthError('TOKEN_NOT_FRESH')
        if (roles.length > 0) {
          const held = claims.roles ?? []
          if (!roles.every((r) => held.includes(r))) throw new AuthError('ROLE_REQUIRED')
        }
        request.jwt = claims
        request.identity = claims.sub
        if (loadUser === undefined) return done()
        const user = loadUser(claims, request)
        if (user instanceof Promise) {
          user.then((u) => { request.currentUser = u ?? null; done() }, (err) => fail(reply, err, done))
        } else {
          request.currentUser = user ?? null
          done()
        }
      } catch (err) {
        fail(reply, err, done)
      }
    }

    return function tokenwardenGuard(request, reply, done) {
      try {
        const token = extract(request)
        if (token === undefined) {
          if (optional) return done()
          throw new AuthError('TOKEN_MISSING')
        }
        const claims = verifier.verify(token, type)
        const revoked = isRevoked?.(claims, request)
        if (revoked instanceof Promise) {
          revoked.then(
            (r) => (r === true ? fail(reply, new AuthError('TOKEN_REVOKED'), done) : finish(request, reply, claims, done)),
            (err) => fail(reply, err, done),
          )
          return
        }
        if (revoked === true) throw new AuthError('TOKEN_REVOKED')
        finish(request, reply, claims, done)
      } catch (err) {
        fail(reply, err, done)
      }
    }
  }

  app.decorate('tokenwarden', Object.freeze({ verifier, guard }))
}

/**
 * The Fastify plugin.
 *
 * @example
 * await app.register(tokenwarden, { keys: [{ alg: 'HS256', secret: process.env.JWT_SECRET! }] })
 * app.get('/private', { onRequest: app.tokenwarden.guard() }, (req) => ({ hello: req.identity }))
 */
export const tokenwarden = fp(tokenwardenPlugin, { fastify: '5.x', name: 'tokenwarden' })
export default tokenwarden
