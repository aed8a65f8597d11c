// /admin: user administration for holders of the `admin` role. Every route sits behind one
// guard: no token -> 401, a token without the role -> 403 ROLE_REQUIRED. The rules (what
// revokes sessions) live in core/accounts/admin.ts; this file only maps HTTP onto them.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { endUserSessions, listAccounts, updateAccount, userSessions } from '../../core/accounts/admin.js'
import { ADMIN_ROLE } from '../../core/accounts/last-admin.js'
import { deleteUser, requireUser } from '../../core/accounts/self.js'
import type { Auth } from '../../core/auth.js'
import { AuthError } from '../../core/errors.js'
import {
  AdminPatchBody,
  AdminUserView,
  DEFAULT_PAGE_SIZE,
  IdParams,
  RevokedCount,
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
  const ctx = auth.context
  app.addHook('onRequest', app.tokenwarden.guard({ roles }))

  r.get('/users', { schema: { querystring: UserListQuery, response: { 200: UserList } } }, async (request) => {
    const { limit, offset } = pageOf(request.query)
    const { users, total } = await listAccounts(ctx, { q: request.query.q, limit, offset })
    return { users: users.map(adminUserView), total, limit, offset, page: Math.floor(offset / limit) + 1, per_page: limit }
  })

  r.get('/users/:id', { schema: { params: IdParams, response: { 200: AdminUserView } } }, async (request) => {
    return adminUserView(await requireUser(ctx, request.params.id))
  })

  r.patch('/users/:id', { schema: { params: IdParams, body: AdminPatchBody, response: { 200: AdminUserView } } }, async (request) => {
    const { user } = await updateAccount(ctx, request.params.id, request.body)
    return adminUserView(user)
  })

  r.delete('/users/:id', { schema: { params: IdParams } }, async (request, reply) => {
    if (!(await deleteUser(ctx, request.params.id, 'user_deleted'))) throw new AuthError('USER_NOT_FOUND')
    return reply.code(204).send()
  })

  r.get('/users/:id/sessions', { schema: { params: IdParams, response: { 200: SessionList } } }, async (request) => {
    const sessions = await userSessions(ctx, request.params.id)
    return { sessions: sessions.map((s) => sessionView(s, request.jwt?.sid)) }
  })

  r.delete('/users/:id/sessions', { schema: { params: IdParams, response: { 200: RevokedCount } } }, async (request) => {
    return { revoked: await endUserSessions(ctx, request.params.id) }
  })
}
