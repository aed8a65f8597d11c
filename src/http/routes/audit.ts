// The audit log over HTTP: GET /admin/audit (every row, filtered and paged, for holders of the
// admin roles) and GET /auth/me/activity (the caller's own recent security events). Filters are
// checked by the schema and the audit service: a bad one is 400 VALIDATION_FAILED, never a 500.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { DEFAULT_AUDIT_PAGE } from '../../core/audit/service.js'
import { ADMIN_ROLE } from '../../core/accounts/last-admin.js'
import type { Auth } from '../../core/auth.js'
import { ActivityList, ActivityQuery, AuditList, AuditListQuery, activityView, auditRecordView } from '../audit-schemas.js'

export interface AuditRoutesOptions {
  auth: Auth
  /** Roles a caller of GET /admin/audit must hold. default: [ADMIN_ROLE] */
  roles?: readonly string[]
}

/** GET /audit, registered under the admin prefix. */
export async function auditAdminRoutes(app: FastifyInstance, { auth, roles = [ADMIN_ROLE] }: AuditRoutesOptions): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.get(
    '/audit',
    {
      config: { auth: { roles }, errors: [] },
      schema: {
        summary: 'The audit log: security events, newest first (filter by user, event, time range)',
        operationId: 'adminListAudit',
        tags: ['admin'],
        querystring: AuditListQuery,
        response: { 200: AuditList },
      },
    },
    async (request) => {
      const { user, event, from, to, limit = DEFAULT_AUDIT_PAGE, offset = 0 } = request.query
      // An address is looked up to its account's id; one naming no account matches nothing (a
      // deleted account's rows are found by its id, which they keep).
      let userId = user
      if (user?.includes('@') === true) userId = (await auth.accounts.findByEmail(user))?.id
      if (user !== undefined && userId === undefined) return { records: [], total: 0, limit, offset }
      const page = await auth.audit.list({ userId, event, from, to, limit, offset })
      return { records: page.records.map(auditRecordView), total: page.total, limit, offset }
    },
  )
}

/** GET /me/activity, registered under the auth prefix. */
export async function activityRoutes(app: FastifyInstance, { auth }: AuditRoutesOptions): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.get(
    '/me/activity',
    {
      config: { auth: true, errors: [] },
      schema: {
        summary: 'My recent security events (logins, password and email changes, sessions ended, admin changes to my account)',
        operationId: 'listMyActivity',
        tags: ['account'],
        querystring: ActivityQuery,
        response: { 200: ActivityList },
      },
    },
    async (request) => {
      const userId = request.identity!
      const { limit = DEFAULT_AUDIT_PAGE, offset = 0 } = request.query
      const page = await auth.audit.activity(userId, { limit, offset })
      return { events: page.records.map((rec) => activityView(rec, userId)), total: page.total, limit, offset }
    },
  )
}
