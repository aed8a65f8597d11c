// POST /auth/token/inspect: what a pasted token says and whether this server accepts it now,
// for the console's token inspector and for anyone debugging a client. The token travels in the
// body only (never a URL, so never an access log) and is never part of the answer or a log line:
// the answer carries its decoded header and claims, which the holder can read anyway. It takes
// no access token, so it draws on the per-IP limit like login; it reveals nothing that sending
// the token to GET /auth/me would not.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type, type Static } from 'typebox'
import type { Auth } from '../../core/auth.js'
import { ERRORS } from '../../core/errors.js'

/** Generous beyond the verifier's 8 KiB limit, so an oversized token is answered TOKEN_TOO_LARGE rather than a schema error. */
const INSPECT_MAX = 16_384

export const InspectBody = Type.Object({ token: Type.String({ maxLength: INSPECT_MAX }) })

export const TokenInspectionView = Type.Object({
  /** The header and claims as the token states them, unverified; null when it is not a JWT. */
  header: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  claims: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  accepted: Type.Boolean(),
  /** Why not: the error code a request carrying this token would get. */
  code: Type.Union([Type.String(), Type.Null()]),
  message: Type.Union([Type.String(), Type.Null()]),
  /** Whether its session is live; null when the token failed before its session was looked at, or has none. */
  session_live: Type.Union([Type.Boolean(), Type.Null()]),
})
export type TokenInspectionView = Static<typeof TokenInspectionView>

export interface TokenRoutesOptions {
  auth: Auth
}

export async function tokenRoutes(app: FastifyInstance, { auth }: TokenRoutesOptions): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.post(
    '/token/inspect',
    {
      config: { errors: ['SERVICE_UNAVAILABLE'] },
      schema: {
        summary: 'Decode a token and say whether this server accepts it now',
        description: 'The token travels in the body only and is never echoed; the answer carries its decoded header and claims (unverified) and, when refused, the code a request carrying it would get.',
        operationId: 'inspectToken',
        tags: ['auth'],
        body: InspectBody,
        response: { 200: TokenInspectionView },
      },
    },
    async (request, reply) => {
    const found = await auth.sessions.inspect(request.body.token.trim())
    reply.header('cache-control', 'no-store')
    return {
      header: found.decoded?.header ?? null,
      claims: found.decoded?.claims ?? null,
      accepted: found.accepted,
      code: found.code ?? null,
      message: found.code === undefined ? null : ERRORS[found.code].message,
      session_live: found.sessionLive ?? null,
    } satisfies TokenInspectionView
    },
  )
}
