// /admin: user administration for holders of the `admin` role. Every route sits behind one
// guard: no token -> 401, a token without the role -> 403 ROLE_REQUIRED. The rules (what
// revokes sessions) live in the admin service (core/accounts/admin-service.ts); this file only
// maps HTTP onto it.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { DEFAULT_PAGE_SIZE } from '../../core/accounts/admin-service.js'
import { ADMIN_ROLE } from '../../core/accounts/last-admin.js'
import type { Auth } from '../../core/auth.js'
import { AuthError, type ErrorCode } from '../../core/errors.js'
import { auditSource } from '../audit-source.js'
import { NoContent } from '../schemas.js'
import {
  AdminPatchBody,
  AdminUserView,
  IdParams,
  RevokedCount,
  SessionParams,
  SessionList,
  UserList,
  UserListQuery,
  adminUserView,
  sessionView,
} from '../account-schemas.js'

export interface AdminRoutesOptions {
  auth: Auth
  /** Roles a caller must hold. default: [ADMIN_ROLE] ('admin', the role the last-admin rule protects) */
  roles?: readonly string[]
}

/** limit/offset win when given; otherwise page/per_page (1-based). */
function pageOf(query: UserListQuery): { limit: number; offset: number } {
  if (query.limit !== undefined || query.offset !== undefined || (query.page === undefined && query.per_page === undefined)) {
    return { limit: query.limit ?? query.per_page ?? DEFAULT_PAGE_SIZE, offset: query.offset ?? 0 }
  }
  const limit = query.per_page ?? DEFAULT_PAGE_SIZE
  return { limit, offset: ((query.page ?? 1) - 1) * limit }
}

export async function adminRoutes(app: FastifyInstance, { auth, roles = [ADMIN_ROLE] }: AdminRoutesOptions): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const { admin } = auth
  // Every route: the same guard, declared per route so each one documents it.
  const guarded = (errors: readonly ErrorCode[] = []) => ({ auth: { roles }, errors })
  const tags = ['admin']

  r.get('/users', { config: guarded(), schema: { summary: 'List users', operationId: 'adminListUsers', tags, querystring: UserListQuery, response: { 200: UserList } } }, async (request) => {
    const { limit, offset } = pageOf(request.query)
    const { users, total } = await admin.listUsers({ q: request.query.q, limit, offset })
    return { users: users.map(adminUserView), total, limit, offset, page: Math.floor(offset / limit) + 1, per_page: limit }
  })

  r.get('/users/:id', { config: guarded(['USER_NOT_FOUND']), schema: { summary: 'One user', operationId: 'adminGetUser', tags, params: IdParams, response: { 200: AdminUserView } } }, async (request) => {
    const user = await admin.getUser(request.params.id)
    return { ...adminUserView(user), mfa_enabled: (await admin.mfaStatus(user.id)).enabled }
  })

  r.patch(
    '/users/:id',
    {
      config: guarded(['USER_NOT_FOUND', 'LAST_ADMIN']),
      schema: { summary: "Change a user's roles or disable them (revokes their sessions)", operationId: 'adminPatchUser', tags, params: IdParams, body: AdminPatchBody, response: { 200: AdminUserView } },
    },
    async (request) => {
    const { user } = await admin.updateUser(request.params.id, request.body, auditSource(request))
    return adminUserView(user)
    },
  )

  r.delete(
    '/users/:id',
    { config: guarded(['USER_NOT_FOUND', 'LAST_ADMIN']), schema: { summary: 'Delete a user', operationId: 'adminDeleteUser', tags, params: IdParams, response: { 204: NoContent } } },
    async (request, reply) => {
    await admin.deleteUser(request.params.id, auditSource(request))
    return reply.code(204).send()
    },
  )

  r.get(
    '/users/:id/sessions',
    { config: guarded(['USER_NOT_FOUND']), schema: { summary: "A user's live sessions", operationId: 'adminListSessions', tags, params: IdParams, response: { 200: SessionList } } },
    async (request) => {
    const sessions = await admin.listSessions(request.params.id)
    return { sessions: sessions.map((s) => sessionView(s, request.jwt?.sid)) }
    },
  )

  r.delete(
    '/users/:id/sessions',
    { config: guarded(['USER_NOT_FOUND']), schema: { summary: "End all of a user's sessions", operationId: 'adminEndSessions', tags, params: IdParams, response: { 200: RevokedCount } } },
    async (request) => {
      return { revoked: await admin.endUserSessions(request.params.id, auditSource(request)) }
    },
  )

  // A session that is not live, or not this user's, answers like a missing one.
  r.delete(
    '/users/:id/sessions/:sid',
    {
      config: guarded(['SESSION_NOT_FOUND']),
      schema: { summary: "End one of a user's sessions", operationId: 'adminEndSession', tags, params: SessionParams, response: { 204: NoContent } },
    },
    async (request, reply) => {
      const ended = await auth.sessions.revoke(request.params.sid, { userId: request.params.id, reason: 'admin_revoked', source: auditSource(request) })
      if (!ended) throw new AuthError('SESSION_NOT_FOUND')
      return reply.code(204).send()
    },
  )
}
