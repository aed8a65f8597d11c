// An in-memory Store for unit tests and embedding: same contract as the SQL store (the
// conformance suite in test/store runs against both), nothing persisted.

import { isActiveAdmin } from '../core/accounts/last-admin.js'
import type { CreateUserResult, NewSession, NewUser, Rotation, SessionRecord, Store, UserPatch, UserQuery, UserRecord } from '../core/store.js'

const copy = <T extends object>(v: T): T => structuredClone(v)

export class MemoryStore implements Store {
  readonly #users = new Map<string, UserRecord>()
  readonly #sessions = new Map<string, SessionRecord>()

  async migrate(): Promise<string[]> {
    return []
  }
  async close(): Promise<void> {}

  async createUser(user: NewUser): Promise<CreateUserResult> {
    for (const u of this.#users.values()) {
      if (u.email === user.email) return { ok: false, conflict: 'email' }
      if (user.username !== null && u.username === user.username) return { ok: false, conflict: 'username' }
    }
    const record: UserRecord = { ...copy(user), disabled: false, updatedAt: user.createdAt }
    this.#users.set(user.id, record)
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

  async updateUser(id: string, patch: UserPatch): Promise<UserRecord | undefined | { conflict: 'username' }> {
    const u = this.#users.get(id)
    if (u === undefined) return undefined
    if (patch.username != null && [...this.#users.values()].some((o) => o.id !== id && o.username === patch.username)) {
      return { conflict: 'username' }
    }
    for (const [k, v] of Object.entries(patch)) if (v !== undefined) (u as unknown as Record<string, unknown>)[k] = copy({ v }).v
    return copy(u)
  }

  async deleteUser(id: string): Promise<boolean> {
    for (const [sid, s] of this.#sessions) if (s.userId === id) this.#sessions.delete(sid)
    return this.#users.delete(id)
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

  async createSession(session: NewSession): Promise<void> {
    this.#sessions.set(session.id, { ...session, prevRefreshJti: null, rotatedAt: null, revokedAt: null, revokedReason: null })
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
  async revokeSession(id: string, at: string, reason: string): Promise<boolean> {
    const s = this.#sessions.get(id)
    if (s === undefined || s.revokedAt !== null) return false
    Object.assign(s, { revokedAt: at, revokedReason: reason })
    return true
  }
  async revokeUserSessions(userId: string, at: string, reason: string, exceptId?: string): Promise<string[]> {
    const ids: string[] = []
    for (const s of this.#sessions.values()) {
      if (s.userId === userId && s.revokedAt === null && s.id !== exceptId) {
        Object.assign(s, { revokedAt: at, revokedReason: reason })
        ids.push(s.id)
      }
    }
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
}
