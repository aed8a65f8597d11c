// TypeBox schemas and views for the audit log: an administrator's rows (every field) and a
// user's own activity, which names no other account: who acted is said as a kind (self, admin,
// operator, nobody), and another user's session id is left out.

import { Type, type Static } from 'typebox'
import { DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE } from '../core/audit/service.js'
import { AUDIT_EVENTS, type AuditRecord } from '../core/audit/types.js'

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const AuditEventName = Type.Union(AUDIT_EVENTS.map((e) => Type.Literal(e)), { description: 'One of the audit events' })

/** A time bound: a date (UTC midnight) or a date-time with its offset. */
const TimeBound = Type.String({ maxLength: 40, description: 'ISO-8601: 2026-01-31 or 2026-01-31T12:00:00Z' })

const PageFields = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_AUDIT_PAGE, description: `default: ${DEFAULT_AUDIT_PAGE}` })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
}

export const AuditListQuery = Type.Object({
  user: Type.Optional(Type.String({ minLength: 1, maxLength: 254, description: 'A user id, or an email address (rows where that account acted or was acted on)' })),
  event: Type.Optional(AuditEventName),
  from: Type.Optional(TimeBound),
  to: Type.Optional(TimeBound),
  ...PageFields,
})
export type AuditListQuery = Static<typeof AuditListQuery>

export const ActivityQuery = Type.Object(PageFields)

const Detail = Nullable(
  Type.Object({
    via: Type.Optional(Type.Literal('cli')),
    roles: Type.Optional(Type.Array(Type.String())),
    previous_roles: Type.Optional(Type.Array(Type.String())),
    disabled: Type.Optional(Type.Boolean()),
  }),
)

const Common = {
  id: Type.String(),
  at: Type.String(),
  event: Type.String({ description: 'One of the audit events' }),
  outcome: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
  reason: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  user_agent: Nullable(Type.String()),
  detail: Detail,
}

export const AuditRecordView = Type.Object({
  ...Common,
  actor_id: Nullable(Type.String()),
  subject_id: Nullable(Type.String()),
  session_id: Nullable(Type.String()),
})
export type AuditRecordView = Static<typeof AuditRecordView>

export const AuditList = Type.Object({ records: Type.Array(AuditRecordView), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() })

export const ActivityView = Type.Object({
  ...Common,
  actor: Type.Union([Type.Literal('self'), Type.Literal('admin'), Type.Literal('operator'), Type.Literal('nobody')], {
    description: 'Who did it: the user, an administrator, an operator on the command line, or nobody signed in (a refused login, a reused refresh token)',
  }),
  /** The user's own session, when they acted. */
  session_id: Nullable(Type.String()),
})
export type ActivityView = Static<typeof ActivityView>

export const ActivityList = Type.Object({ events: Type.Array(ActivityView), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() })

function detailView(d: AuditRecord['detail']): Static<typeof Detail> {
  if (d === null) return null
  return {
    ...(d.via === undefined ? {} : { via: d.via }),
    ...(d.roles === undefined ? {} : { roles: [...d.roles] }),
    ...(d.previousRoles === undefined ? {} : { previous_roles: [...d.previousRoles] }),
    ...(d.disabled === undefined ? {} : { disabled: d.disabled }),
  }
}

function common(r: AuditRecord) {
  return { id: r.id, at: r.at, event: r.event, outcome: r.outcome, reason: r.reason, ip: r.ip, user_agent: r.userAgent, detail: detailView(r.detail) }
}

export function auditRecordView(r: AuditRecord): AuditRecordView {
  return { ...common(r), actor_id: r.actorId, subject_id: r.subjectId, session_id: r.sessionId }
}

/** A row about `userId` as that user sees it: no other account's id, nor another's session. */
export function activityView(r: AuditRecord, userId: string): ActivityView {
  const actor = r.actorId === userId ? 'self' : r.actorId !== null ? 'admin' : r.detail?.via === 'cli' ? 'operator' : 'nobody'
  // A refused login or a reused refresh token is about the user's own session, if any; an admin's is not theirs.
  return { ...common(r), actor, session_id: actor === 'admin' || actor === 'operator' ? null : r.sessionId }
}
