// GET /.well-known/jwks.json (the ring's public keys, RFC 7517) and
// GET /.well-known/openid-configuration (discovery metadata in the RFC 8414 / OpenID
// Discovery shape), so any service in any language can verify our tokens on its own.

import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Clock } from '../../core/clock.js'
import { systemClock } from '../../core/clock.js'
import { publicJwks } from '../../core/tokens/jwks.js'
import type { Keyring } from '../../core/tokens/keyring.js'

export interface JwksRoutesOptions {
  keyring: Keyring | (() => Keyring)
  /** JWT_ISSUER; when it is an http(s) URL it is also the base of the advertised endpoints. */
  issuer?: string | undefined
  /** The auth routes' prefix. default: /auth */
  authPrefix?: string
  /** default: the system clock */
  clock?: Clock
}

/** Keys change only on restart or rotation; caches may hold them briefly. */
const CACHE_CONTROL = 'public, max-age=300'

export async function jwksRoutes(app: FastifyInstance, options: JwksRoutesOptions): Promise<void> {
  const ring = typeof options.keyring === 'function' ? options.keyring : () => options.keyring as Keyring
  const clock = options.clock ?? systemClock
  const authPrefix = options.authPrefix ?? '/auth'
  const issuerUrl = options.issuer !== undefined && /^https?:\/\//i.test(options.issuer) ? options.issuer.replace(/\/+$/, '') : undefined

  function base(request: FastifyRequest): string {
    return issuerUrl ?? `${request.protocol}://${request.host}`
  }

  app.get('/.well-known/jwks.json', async (_request, reply) => {
    reply.header('cache-control', CACHE_CONTROL)
    return publicJwks(ring(), clock.now())
  })

  app.get('/.well-known/openid-configuration', async (request, reply) => {
    const b = base(request)
    const r = ring()
    const now = clock.now()
    const algs = [...new Set(r.keys().filter((k) => k.notAfter === undefined || now < k.notAfter).map((k) => k.alg))]
    // Built from Host / X-Forwarded-*: a shared cache must not keep one origin's answer for all.
    if (issuerUrl === undefined) reply.header('cache-control', 'private, max-age=300').header('vary', 'Host, X-Forwarded-Host, X-Forwarded-Proto')
    else reply.header('cache-control', CACHE_CONTROL)
    return {
      issuer: options.issuer ?? b,
      jwks_uri: `${b}/.well-known/jwks.json`,
      token_endpoint: `${b}${authPrefix}/login`,
      userinfo_endpoint: `${b}${authPrefix}/me`,
      // Not OpenID names: tokenwarden's own endpoints, listed so clients need not hard-code them.
      refresh_endpoint: `${b}${authPrefix}/refresh`,
      logout_endpoint: `${b}${authPrefix}/logout`,
      register_endpoint: `${b}${authPrefix}/register`,
      grant_types_supported: ['password', 'refresh_token'],
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      token_endpoint_auth_methods_supported: ['none'],
      id_token_signing_alg_values_supported: algs,
      token_signing_alg_values_supported: algs,
      claims_supported: ['sub', 'type', 'fresh', 'jti', 'iat', 'nbf', 'exp', 'sid', 'roles', 'iss', 'aud'],
    }
  })
}
