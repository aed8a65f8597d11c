// The audit service: reading the log (an administrator's view with filters, a user's own
// activity) and pruning it past its retention. Writing happens in the flows, through the store's
// change methods (record.ts). Filters are checked here, so a bad one is VALIDATION_FAILED
// naming the field, from every caller alike (the API, the CLI, a host app).

import type { AuthContext } from '../context.js'
import { AuthError } from '../errors.js'
import { AUDIT_EVENTS, isAuditEvent, type AuditPage } from './types.js'

/** A filter over the log as callers give it: times as ISO-8601 strings or Dates. */
export interface AuditLogQuery {
  /** Rows where this user acted or was acted on. default: every user */
  userId?: string | undefined
  /** One of AUDIT_EVENTS. default: every event */
  event?: string | undefined
  /** Rows at or after this time. default: no bound */
  from?: string | Date | undefined
  /** Rows before this time. default: no bound */
  to?: string | Date | undefined
  /** 1 to MAX_AUDIT_PAGE. default: DEFAULT_AUDIT_PAGE */
  limit?: number | undefined
  /** default: 0 */
  offset?: number | undefined
}

/** The page size of the log's listings when none is asked for. */
export const DEFAULT_AUDIT_PAGE = 50
/** The largest page a caller may ask for. */
export const MAX_AUDIT_PAGE = 200

export interface AuditLog {
  /** Rows matching the filter, newest first, and how many match. VALIDATION_FAILED (event, from, to, limit, offset). */
  list(query?: AuditLogQuery): Promise<AuditPage>
  /** The events about one user (they are the subject), newest first: their own activity. VALIDATION_FAILED (limit, offset). */
  activity(userId: string, page?: { limit?: number | undefined; offset?: number | undefined }): Promise<AuditPage>
  /** Deletes rows older than the retention (AuthOptions.auditRetention; none when it is 0); returns how many. */
  prune(): Promise<number>
}

function invalid(field: string, message: string): AuthError {
  return new AuthError('VALIDATION_FAILED', message, { details: { field } })
}

/**
 * A date (UTC midnight) or a date-time with its offset: Date.parse alone would take `1` as the
 * year 2001 and a time without offset as the server's local time.
 */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/

/** An ISO-8601 string for a bound, or VALIDATION_FAILED naming the field. */
function timeOf(field: string, value: string | Date | undefined): string | undefined {
  if (value === undefined) return undefined
  const ms = value instanceof Date ? value.getTime() : ISO_TIME.test(value) ? Date.parse(value) : NaN
  if (!Number.isFinite(ms)) throw invalid(field, `${field} must be an ISO-8601 time such as 2026-01-31 or 2026-01-31T12:00:00Z`)
  return new Date(ms).toISOString()
}

function pageOf(limit = DEFAULT_AUDIT_PAGE, offset = 0): { limit: number; offset: number } {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) throw invalid('limit', `limit must be a whole number from 1 to ${MAX_AUDIT_PAGE}`)
  if (!Number.isInteger(offset) || offset < 0) throw invalid('offset', 'offset must be a whole number, 0 or more')
  return { limit, offset }
}

export function createAuditLog(ctx: AuthContext): AuditLog {
  return Object.freeze({
    async list({ userId, event, from, to, limit, offset } = {}) {
      if (event !== undefined && !isAuditEvent(event)) throw invalid('event', `event must be one of ${AUDIT_EVENTS.join(', ')}`)
      return ctx.store.listAudit({ userId, event, from: timeOf('from', from), to: timeOf('to', to), ...pageOf(limit, offset) })
    },
    async activity(userId, { limit, offset } = {}) {
      return ctx.store.listAudit({ subjectId: userId, ...pageOf(limit, offset) })
    },
    async prune() {
      const retention = ctx.settings.auditRetention
      if (retention === 0) return 0
      return ctx.store.pruneAudit(new Date(ctx.clock.now() - retention * 1000).toISOString())
    },
  } satisfies AuditLog)
}
