// An in-memory Store for unit tests and embedding: same contract as the SQL store (the
// conformance suite in test/store runs against both), nothing persisted. Its event log lets
// several Auth instances in one process share it as separate instances would share a database.

import { isActiveAdmin } from '../core/accounts/last-admin.js'
import type { AuditPage, AuditQuery, AuditRecord } from '../core/audit/types.js'
import type { AuthEvent, EventLog, LoggedEvent, RevocationReason } from '../core/events/types.js'
import type {
  ChangeOptions,
  CreateUserResult,
  NewSession,
  NewUser,
  Rotation,
  SessionRecord,
  Store,
  UpdateOptions,
  UserPatch,
  UserQuery,
  UserRecord,
  UserUpdateResult,
  AccountTokenPurpose,
  AccountTokenRecord,
  TotpRecord,
} from '../core/store.js'
import { MemoryAuditLog } from './memory-audit.js'

class MemoryEventLog implements EventLog {
  readonly #events: (LoggedEvent & { createdAt: string })[] = []
  #head = 0

  record(event: AuthEvent): void {
    this.#events.push({ seq: ++this.#head, event: structuredClone(event), createdAt: new Date().toISOString() })
  }
  async read(after: number, limit: number): Promise<LoggedEvent[]> {
    return this.#events.filter((e) => e.seq > after).slice(0, limit).map(({ seq, event }) => ({ seq, event: structuredClone(event) }))
  }
  async head(): Promise<number> {
    return this.#head
  }
  async append(event: AuthEvent): Promise<void> {
    this.record(event)
  }
  async prune(before: string): Promise<number> {
    const keep = this.#events.filter((e) => e.createdAt >= before)
    const n = this.#events.length - keep.length
    this.#events.splice(0, this.#events.length, ...keep)
    return n
  }
}

const copy = <T extends object>(v: T): T => structuredClone(v)

export class MemoryStore implements Store {
  readonly #users = new Map<string, UserRecord>()
  readonly #sessions = new Map<string, SessionRecord>()
  /** Keyed by `${userId}/${purpose}`: one per user and purpose, as the SQL table's primary key. */
  readonly #tokens = new Map<string, AccountTokenRecord>()
  readonly events = new MemoryEventLog()
  readonly #audit = new MemoryAuditLog()
  readonly #totp = new Map<string, TotpRecord>()
  /** Unused recovery code hashes by user. */
  readonly #recovery = new Map<string, Set<string>>()

  async migrate(): Promise<string[]> {
    return []
  }
  async close(): Promise<void> {}

  async createUser(user: NewUser, options: ChangeOptions = {}): Promise<CreateUserResult> {
    for (const u of this.#users.values()) {
      if (u.email === user.email) return { ok: false, conflict: 'email' }
      if (user.username !== null && u.username === user.username) return { ok: false, conflict: 'username' }
    }
    const record: UserRecord = { ...copy(user), disabled: false, emailVerifiedAt: user.emailVerifiedAt ?? null, updatedAt: user.createdAt }
    this.#users.set(user.id, record)
    this.#audit.append(options.audit)
    return { ok: true, user: copy(record) }
  }

  async findUserById(id: string): Promise<UserRecord | undefined> {
    const u = this.#users.get(id)
    return u && copy(u)
  }
  async findUserByEmail(email: string): Promise<UserRecord | undefined> {
    return this.#find((u) => u.email === email)
  }
  async findUserByUsername(username: string): Promise<UserRecord | undefined> {
    return this.#find((u) => u.username === username)
  }
  #find(pred: (u: UserRecord) => boolean): UserRecord | undefined {
    for (const u of this.#users.values()) if (pred(u)) return copy(u)
    return undefined
  }

  async updateUser(id: string, patch: UserPatch, options: UpdateOptions = {}): Promise<UserUpdateResult> {
    const u = this.#users.get(id)
    if (u === undefined) return undefined
    if (patch.email !== undefined && [...this.#users.values()].some((o) => o.id !== id && o.email === patch.email)) return { conflict: 'email' }
    if (patch.username != null && [...this.#users.values()].some((o) => o.id !== id && o.username === patch.username)) {
      return { conflict: 'username' }
    }
    if (options.keepAnAdmin === true && !this.#otherAdmin(id)) return { conflict: 'last_admin' }
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) (u as unknown as Record<string, unknown>)[k] = copy({ v }).v
    this.events.record({ type: 'user_updated', userId: id })
    this.#audit.append(options.audit)
    return copy(u)
  }

  async deleteUser(id: string, options: UpdateOptions = {}): Promise<boolean | { conflict: 'last_admin' }> {
    if (!this.#users.has(id)) return false
    if (options.keepAnAdmin === true && !this.#otherAdmin(id)) return { conflict: 'last_admin' }
    for (const [sid, s] of this.#sessions) if (s.userId === id) this.#sessions.delete(sid)
    // No await between the last-admin check above and the delete: a racing deletion must see this one.
    for (const [key, t] of this.#tokens) if (t.userId === id) this.#tokens.delete(key)
    this.#totp.delete(id)
    this.#recovery.delete(id)
    this.#users.delete(id)
    this.events.record({ type: 'user_deleted', userId: id })
    this.#audit.append(options.audit)
    return true
  }

  #otherAdmin(id: string): boolean {
    for (const u of this.#users.values()) if (u.id !== id && isActiveAdmin(u)) return true
    return false
  }

  async listUsers({ q, limit, offset }: UserQuery): Promise<{ users: UserRecord[]; total: number }> {
    const needle = q?.toLowerCase() ?? ''
    const all = [...this.#users.values()]
      .filter((u) => needle === '' || u.email.toLowerCase().includes(needle) || (u.username ?? '').toLowerCase().includes(needle))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    return { users: all.slice(offset, offset + limit).map(copy), total: all.length }
  }

  async countActiveAdmins(): Promise<number> {
    let n = 0
    for (const u of this.#users.values()) if (isActiveAdmin(u)) n++
    return n
  }

  async createSession(session: NewSession, options: ChangeOptions = {}): Promise<void> {
    this.#sessions.set(session.id, { ...session, prevRefreshJti: null, rotatedAt: null, revokedAt: null, revokedReason: null })
    this.#audit.append(options.audit)
  }
  async findSession(id: string): Promise<SessionRecord | undefined> {
    const s = this.#sessions.get(id)
    return s && copy(s)
  }
  async rotateRefresh(r: Rotation): Promise<boolean> {
    const s = this.#sessions.get(r.sessionId)
    if (s === undefined || s.refreshJti !== r.fromJti || s.revokedAt !== null) return false
    Object.assign(s, { prevRefreshJti: s.refreshJti, refreshJti: r.toJti, rotatedAt: r.at, lastUsedAt: r.at, expiresAt: r.expiresAt })
    return true
  }
  async revokeSession(id: string, at: string, reason: RevocationReason, options: ChangeOptions = {}): Promise<boolean> {
    const s = this.#sessions.get(id)
    if (s === undefined || s.revokedAt !== null) return false
    Object.assign(s, { revokedAt: at, revokedReason: reason })
    this.events.record({ type: 'session_revoked', sessionId: id, reason, at })
    this.#audit.append(options.audit)
    return true
  }
  async revokeUserSessions(userId: string, at: string, reason: RevocationReason, exceptId?: string, options: ChangeOptions = {}): Promise<string[]> {
    const ids: string[] = []
    for (const s of this.#sessions.values()) {
      if (s.userId === userId && s.revokedAt === null && s.id !== exceptId) {
        Object.assign(s, { revokedAt: at, revokedReason: reason })
        ids.push(s.id)
      }
    }
    this.events.record({ type: 'user_sessions_revoked', userId, sessionIds: ids, reason, at })
    this.#audit.append(options.audit)
    return ids
  }
  async listLiveSessions(userId: string, now: string): Promise<SessionRecord[]> {
    return [...this.#sessions.values()]
      .filter((s) => s.userId === userId && s.revokedAt === null && s.expiresAt > now)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map(copy)
  }
  async pruneSessions(before: string): Promise<number> {
    let n = 0
    for (const [id, s] of this.#sessions) {
      if (s.expiresAt < before || (s.revokedAt !== null && s.revokedAt < before)) {
        this.#sessions.delete(id)
        n++
      }
    }
    return n
  }

  async issueAccountToken(token: AccountTokenRecord): Promise<void> {
    this.#tokens.set(`${token.userId}/${token.purpose}`, copy(token))
  }
  async consumeAccountToken(tokenHash: string, purpose: AccountTokenPurpose, now: string): Promise<AccountTokenRecord | undefined> {
    for (const [key, t] of this.#tokens) {
      if (t.tokenHash !== tokenHash) continue
      if (t.purpose !== purpose) return undefined
      this.#tokens.delete(key)
      return t.expiresAt > now ? t : undefined
    }
    return undefined
  }
  async appendAudit(record: AuditRecord): Promise<void> {
    this.#audit.append(record)
  }
  async listAudit(query: AuditQuery): Promise<AuditPage> {
    return this.#audit.list(query)
  }
  async pruneAudit(before: string): Promise<number> {
    return this.#audit.prune(before)
  }

  async findAccountToken(userId: string, purpose: AccountTokenPurpose): Promise<AccountTokenRecord | undefined> {
    const t = this.#tokens.get(`${userId}/${purpose}`)
    return t && copy(t)
  }
  async deleteAccountTokens(userId: string, purpose?: AccountTokenPurpose): Promise<number> {
    let n = 0
    for (const [key, t] of this.#tokens) {
      if (t.userId === userId && (purpose === undefined || t.purpose === purpose)) {
        this.#tokens.delete(key)
        n++
      }
    }
    return n
  }

  async findTotp(userId: string): Promise<TotpRecord | undefined> {
    const t = this.#totp.get(userId)
    return t && copy(t)
  }
  async savePendingTotp(userId: string, secret: string, at: string): Promise<boolean> {
    if (this.#totp.get(userId)?.confirmedAt != null) return false
    this.#totp.set(userId, { userId, secret, confirmedAt: null, lastStep: null, createdAt: at })
    return true
  }
  async confirmTotp(userId: string, step: number, codeHashes: readonly string[], at: string, options: ChangeOptions = {}): Promise<boolean> {
    const t = this.#totp.get(userId)
    if (t === undefined || t.confirmedAt !== null) return false
    Object.assign(t, { confirmedAt: at, lastStep: step })
    this.#recovery.set(userId, new Set(codeHashes))
    this.events.record({ type: 'user_updated', userId })
    this.#audit.append(options.audit)
    return true
  }
  async useTotpStep(userId: string, step: number): Promise<boolean> {
    const t = this.#totp.get(userId)
    if (t === undefined || t.confirmedAt === null || (t.lastStep !== null && t.lastStep >= step)) return false
    t.lastStep = step
    return true
  }
  async consumeRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
    return this.#recovery.get(userId)?.delete(codeHash) ?? false
  }
  async countRecoveryCodes(userId: string): Promise<number> {
    return this.#recovery.get(userId)?.size ?? 0
  }
  async deleteTotp(userId: string, options: ChangeOptions = {}): Promise<boolean> {
    this.#recovery.delete(userId)
    if (!this.#totp.delete(userId)) return false
    this.events.record({ type: 'user_updated', userId })
    this.#audit.append(options.audit)
    return true
  }
}
