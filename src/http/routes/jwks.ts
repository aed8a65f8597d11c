// GET /.well-known/jwks.json (the ring's public keys, RFC 7517) and
// GET /.well-known/openid-configuration (discovery metadata in the RFC 8414 / OpenID Discovery
// shape), so any service in any language can verify our tokens on its own. The metadata claims
// only what this server does: it is no OAuth authorization server and no OpenID provider (no
// grant types, no id_token, no token endpoint), so it names its own endpoints under its own keys;
// test/http/jwks.test.ts keeps every claim true.

import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { Clock } from '../../core/clock.js'
import { systemClock } from '../../core/clock.js'
import { RESERVED_CLAIMS } from '../../core/tokens/claims.js'
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

/** The claims our tokens may carry: the ones the issuer sets (core/tokens/claims.ts). */
const CLAIMS = [...RESERVED_CLAIMS]

const JwkSetView = Type.Object({
  // A JWK's members depend on its kty (RFC 7518 §6): the known ones are listed, any other passes.
  keys: Type.Array(
    Type.Object(
      {
        kty: Type.String(),
        kid: Type.String(),
        alg: Type.String(),
        use: Type.Literal('sig'),
        crv: Type.Optional(Type.String()),
        x: Type.Optional(Type.String()),
        y: Type.Optional(Type.String()),
        n: Type.Optional(Type.String()),
        e: Type.Optional(Type.String()),
      },
      { additionalProperties: true },
    ),
  ),
})

const DiscoveryView = Type.Object(
  {
    issuer: Type.String(),
    jwks_uri: Type.String(),
    login_endpoint: Type.String(),
    refresh_endpoint: Type.String(),
    logout_endpoint: Type.String(),
    register_endpoint: Type.String(),
    me_endpoint: Type.String(),
    token_signing_alg_values_supported: Type.Array(Type.String()),
    claims_supported: Type.Array(Type.String()),
  },
  { additionalProperties: false },
)

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

  app.get(
    '/.well-known/jwks.json',
    { config: { errors: [] }, schema: { summary: 'The public keys that verify our tokens (RFC 7517)', operationId: 'jwks', tags: ['keys'], response: { 200: JwkSetView } } },
    async (_request, reply) => {
      reply.header('cache-control', CACHE_CONTROL)
      return publicJwks(ring(), clock.now())
    },
  )

  app.get(
    '/.well-known/openid-configuration',
    { config: { errors: [] }, schema: { summary: 'Discovery metadata: issuer, JWKS location, endpoints, algorithms', operationId: 'discovery', tags: ['keys'], response: { 200: DiscoveryView } } },
    async (request, reply) => {
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
        // tokenwarden's own names, not OAuth or OpenID ones: login is no OAuth token endpoint (no
        // grant_type, no client) and GET /auth/me is no OpenID UserInfo endpoint.
        login_endpoint: `${b}${authPrefix}/login`,
        refresh_endpoint: `${b}${authPrefix}/refresh`,
        logout_endpoint: `${b}${authPrefix}/logout`,
        register_endpoint: `${b}${authPrefix}/register`,
        me_endpoint: `${b}${authPrefix}/me`,
        token_signing_alg_values_supported: algs,
        claims_supported: CLAIMS,
      }
    },
  )
}
