// Making audit rows. `auditEntry` builds one for a store change to write in the same transaction
// as the change (Store's `audit` options); `recordAudit` appends one on its own, for events that
// change nothing (a failed or throttled login). The caller decides the event; this file fills in
// the id, the time and where the request came from.

import { randomBytes } from 'node:crypto'
import type { AuthContext } from '../context.js'
import type { AuditDetail, AuditEvent, AuditOutcome, AuditRecord, AuditSource } from './types.js'

/** What a flow says about an event; the rest comes from the clock and the source. */
export interface AuditDraft {
  event: AuditEvent
  /** default: 'success' */
  outcome?: AuditOutcome
  /** default: null */
  reason?: string | null
  /** The account the event is about. */
  subjectId: string | null
  /** default: source.sessionId */
  sessionId?: string | null
  /** default: the source's actor, else the subject itself (none from the CLI); null for a refused login */
  actorId?: string | null
  /** default: none, or `{ via: 'cli' }` from the source */
  detail?: AuditDetail
}

const MAX_USER_AGENT = 512
const MAX_IP = 64

let counter = 0

/** A row id that sorts by time: epoch ms (12 hex digits), a per-process counter (8), random (8). */
export function auditId(ms: number): string {
  counter = (counter + 1) % 0x1_0000_0000
  return ms.toString(16).padStart(12, '0') + counter.toString(16).padStart(8, '0') + randomBytes(4).toString('hex')
}

/**
 * The row for `draft`, made by `source`. The actor is the source's user, else the subject
 * itself, except from the command line (an operator: none).
 *
 * @example
 * await ctx.store.updateUser(id, patch, { audit: auditEntry(ctx, { event: 'password_changed', subjectId: id }, source) })
 */
export function auditEntry(ctx: AuthContext, draft: AuditDraft, source: AuditSource = {}): AuditRecord {
  const now = ctx.clock.now()
  const via = source.via
  const detail = via === undefined ? draft.detail : { ...draft.detail, via }
  return {
    id: auditId(now),
    at: new Date(now).toISOString(),
    event: draft.event,
    outcome: draft.outcome ?? 'success',
    reason: draft.reason ?? null,
    actorId: draft.actorId !== undefined ? draft.actorId : (source.actorId ?? (via === undefined ? draft.subjectId : null)),
    subjectId: draft.subjectId,
    sessionId: draft.sessionId === undefined ? (source.sessionId ?? null) : draft.sessionId,
    ip: source.ip?.slice(0, MAX_IP) ?? null,
    userAgent: source.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
    detail: detail === undefined || Object.keys(detail).length === 0 ? null : detail,
  }
}

/** Appends a row for an event that changes nothing in the store (a refused login). */
export async function recordAudit(ctx: AuthContext, draft: AuditDraft, source: AuditSource = {}): Promise<void> {
  await ctx.store.appendAudit(auditEntry(ctx, draft, source))
}
