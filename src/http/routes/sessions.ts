// /auth/sessions: a user's own live sessions, and revoking one of them (a device they no
// longer trust). Someone else's session answers exactly like a missing one: 404.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Auth } from '../../core/auth.js'
import { isoAt } from '../../core/context.js'
import { AuthError } from '../../core/errors.js'
import { IdParams, SessionList, sessionView } from '../account-schemas.js'

export interface SessionRoutesOptions {
  auth: Auth
}

export async function sessionRoutes(app: FastifyInstance, { auth }: SessionRoutesOptions): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const { store, clock } = auth.context
  const guard = app.tokenwarden.guard()

  r.get('/sessions', { onRequest: guard, schema: { response: { 200: SessionList } } }, async (request) => {
    const claims = request.jwt!
    const sessions = await store.listLiveSessions(claims.sub, isoAt(clock.now()))
    return { sessions: sessions.map((s) => sessionView(s, claims.sid)) }
  })

  r.delete('/sessions/:id', { onRequest: guard, schema: { params: IdParams } }, async (request, reply) => {
    const session = await store.findSession(request.params.id)
    const live = session !== undefined && session.revokedAt === null && Date.parse(session.expiresAt) > clock.now()
    if (!live || session.userId !== request.identity) throw new AuthError('SESSION_NOT_FOUND')
    await auth.revokeSession(session.id, 'user_revoked')
    return reply.code(204).send()
  })
}
