// /auth/sessions: a user's own live sessions, and revoking one of them (a device they no
// longer trust). Someone else's session answers exactly like a missing one: 404.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Auth } from '../../core/auth.js'
import { AuthError } from '../../core/errors.js'
import { IdParams, SessionList, sessionView } from '../account-schemas.js'
import { auditSource } from '../audit-source.js'
import { NoContent } from '../schemas.js'

export interface SessionRoutesOptions {
  auth: Auth
}

export async function sessionRoutes(app: FastifyInstance, { auth }: SessionRoutesOptions): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const { sessions } = auth

  r.get('/sessions', { config: { auth: true }, schema: { summary: 'My live sessions', operationId: 'listSessions', tags: ['sessions'], response: { 200: SessionList } } }, async (request) => {
    const claims = request.jwt!
    return { sessions: (await sessions.list(claims.sub)).map((s) => sessionView(s, claims.sid)) }
  })

  r.delete(
    '/sessions/:id',
    {
      config: { auth: true, errors: ['SESSION_NOT_FOUND'] },
      schema: { summary: 'Revoke one of my sessions', operationId: 'revokeSession', tags: ['sessions'], params: IdParams, response: { 204: NoContent } },
    },
    async (request, reply) => {
    if (!(await sessions.revoke(request.params.id, { userId: request.identity!, reason: 'user_revoked', source: auditSource(request) }))) throw new AuthError('SESSION_NOT_FOUND')
      return reply.code(204).send()
    },
  )
}
