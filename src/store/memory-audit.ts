// The memory store's audit log: rows in an array, filtered and ordered as the SQL store's are
// (newest first by time, then id). The MemoryStore appends in the same synchronous step as the
// change a row records, so a row exists exactly when its change does.

import type { AuditPage, AuditQuery, AuditRecord } from '../core/audit/types.js'

export class MemoryAuditLog {
  readonly #rows: AuditRecord[] = []

  /** Appends `record` when there is one (the change methods pass their optional row). */
  append(record: AuditRecord | undefined): void {
    if (record !== undefined) this.#rows.push(structuredClone(record))
  }

  list({ userId, subjectId, event, from, to, limit, offset }: AuditQuery): AuditPage {
    const matching = this.#rows
      .filter(
        (r) =>
          (userId === undefined || r.subjectId === userId || r.actorId === userId) &&
          (subjectId === undefined || r.subjectId === subjectId) &&
          (event === undefined || r.event === event) &&
          (from === undefined || r.at >= from) &&
          (to === undefined || r.at < to),
      )
      .sort((a, b) => (a.at === b.at ? cmp(b.id, a.id) : cmp(b.at, a.at)))
    return { records: matching.slice(offset, offset + limit).map((r) => structuredClone(r)), total: matching.length }
  }

  prune(before: string): number {
    const keep = this.#rows.filter((r) => r.at >= before)
    const n = this.#rows.length - keep.length
    this.#rows.splice(0, this.#rows.length, ...keep)
    return n
  }
}

/** Code-unit order, as SQL's binary collations compare. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
