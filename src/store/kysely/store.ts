// The Store port over Kysely. Portable SQL only; a dialect file exists only where SQL differs
// (dialects/). Changes that affect an auth decision write their event in the same transaction
// (events.ts); read-then-write operations run under the event counter's lock, so they are
// atomic with many instances writing, not only under SQLite's single writer.

import { Kysely, sql, type Updateable } from 'kysely'
import { ADMIN_ROLE } from '../../core/accounts/last-admin.js'
import type { RevocationReason } from '../../core/events/types.js'
import type {
  AccountTokenPurpose,
  AccountTokenRecord,
  ChangeOptions,
  CreateUserResult,
  TotpRecord,
  UpdateOptions,
  UserUpdateResult,
  NewSession,
  NewUser,
  Rotation,
  SessionRecord,
  Store,
  UserPatch,
  UserQuery,
  UserRecord,
} from '../../core/store.js'
import type { AuditPage, AuditQuery, AuditRecord } from '../../core/audit/types.js'
import type { DialectFactory } from './dialects/types.js'
import { auditInsert, insertAudit, listAudit, pruneAudit } from './audit.js'
import { consumeAccountToken, deleteAccountTokens, findAccountToken, issueAccountToken } from './account-tokens.js'
import * as mfa from './mfa.js'
import { changeWithEvents, KyselyEventLog, NothingChanged, withEvents } from './events.js'
import { migrateToLatest, pendingMigrations } from './migrator.js'
import { precompiled, type Precompiled } from './precompiled.js'
import { chunks, hasNul, likePattern, toUser, UNIQUE_FIELDS } from './rows.js'
import type { Database, UsersTable } from './schema.js'

export class KyselyStore implements Store {
  readonly db: Kysely<Database>
  readonly dialect: DialectFactory
  readonly events: KyselyEventLog
  // The statements every login runs (password check, session insert, the re-read after it),
  // compiled once: see precompiled.ts. Plain properties and methods, not #private: a store wrapped in a Proxy
  // (a counting or read-only wrapper) must keep working.
  private readonly userBy: Record<'id' | 'email' | 'username', (value: string) => Promise<UserRecord | undefined>>
  private readonly insertSession: Precompiled<unknown>
  private readonly insertAudit: Precompiled<unknown>

  /** Built by createStore(config) (store/create.ts), which picks the dialect from DATABASE_URL. */
  constructor(db: Kysely<Database>, dialect: DialectFactory) {
    this.db = db
    this.dialect = dialect
    this.events = new KyselyEventLog(db, dialect)
    const userBy = (column: 'id' | 'email' | 'username') => {
      const query = precompiled(db, 1, (value) => db.selectFrom('users').selectAll().where(column, '=', value))
      return async (value: string) => {
        if (hasNul(value)) return undefined
        const row = (await query(value)).rows[0]
        return row && toUser(row)
      }
    }
    this.userBy = { id: userBy('id'), email: userBy('email'), username: userBy('username') }
    this.insertSession = precompiled(db, 8, (id, userId, createdAt, lastUsedAt, expiresAt, userAgent, ip, refreshJti) =>
      db.insertInto('sessions').values({ id: id!, userId: userId!, createdAt: createdAt!, lastUsedAt: lastUsedAt!, expiresAt: expiresAt!, userAgent: userAgent!, ip: ip!, refreshJti: refreshJti! }),
    )
    this.insertAudit = auditInsert(db)
  }

  migrate(): Promise<string[]> {
    return migrateToLatest(this.db, this.dialect)
  }

  /** The migrations not yet applied, in order (reads only). For `tokenwarden doctor`. */
  pendingMigrations(): Promise<string[]> {
    return pendingMigrations(this.db, this.dialect)
  }

  async close(): Promise<void> {
    await this.db.destroy()
  }

  async createUser(user: NewUser, options: ChangeOptions = {}): Promise<CreateUserResult> {
    try {
      await this.db.transaction().execute(async (trx) => {
        const { emailVerifiedAt = null, createdAt } = user
        const row = { id: user.id, email: user.email, username: user.username, passwordHash: user.passwordHash, roles: JSON.stringify(user.roles) }
        await trx.insertInto('users').values({ ...row, disabled: 0, emailVerifiedAt, createdAt, updatedAt: createdAt }).execute()
        await insertAudit(this.insertAudit, trx, options.audit)
      })
    } catch (err) {
      const conflict = this.conflict(err)
      if (conflict === undefined) throw err
      return { ok: false, conflict }
    }
    return {
      ok: true,
      user: { ...user, roles: [...user.roles], disabled: false, emailVerifiedAt: user.emailVerifiedAt ?? null, updatedAt: user.createdAt },
    }
  }

  findUserById(id: string): Promise<UserRecord | undefined> {
    return this.userBy.id(id)
  }

  findUserByEmail(email: string): Promise<UserRecord | undefined> {
    return this.userBy.email(email)
  }

  findUserByUsername(username: string): Promise<UserRecord | undefined> {
    return this.userBy.username(username)
  }

  async updateUser(id: string, patch: UserPatch, options: UpdateOptions = {}): Promise<UserUpdateResult> {
    const values: Updateable<UsersTable> = { updatedAt: patch.updatedAt }
    if (patch.email !== undefined) values.email = patch.email
    if (patch.username !== undefined) values.username = patch.username
    if (patch.passwordHash !== undefined) values.passwordHash = patch.passwordHash
    if (patch.roles !== undefined) values.roles = JSON.stringify(patch.roles)
    if (patch.disabled !== undefined) values.disabled = patch.disabled ? 1 : 0
    if (patch.emailVerifiedAt !== undefined) values.emailVerifiedAt = patch.emailVerifiedAt
    if (hasNul(id)) return undefined
    try {
      return await changeWithEvents(this.db, this.dialect, undefined, async (trx) => {
        // Counted under the event counter's lock: no other admin change runs until this commits.
        if (options.keepAnAdmin === true && (await this.countAdmins(trx, id)) === 0) throw new LastAdmin()
        const updated = await trx.updateTable('users').set(values).where('id', '=', id).executeTakeFirst()
        if (updated.numUpdatedRows === 0n) throw new NothingChanged()
        await insertAudit(this.insertAudit, trx, options.audit)
        const row = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
        return { result: toUser(row), event: { type: 'user_updated', userId: id } }
      })
    } catch (err) {
      if (err instanceof LastAdmin) return { conflict: 'last_admin' }
      const conflict = this.conflict(err)
      if (conflict !== undefined) return { conflict }
      throw err
    }
  }

  async deleteUser(id: string, options: UpdateOptions = {}): Promise<boolean | { conflict: 'last_admin' }> {
    if (hasNul(id)) return false
    try {
      return await changeWithEvents(this.db, this.dialect, false, async (trx) => {
        if (options.keepAnAdmin === true && (await this.countAdmins(trx, id)) === 0) throw new LastAdmin()
        await trx.deleteFrom('sessions').where('userId', '=', id).execute()
        await trx.deleteFrom('accountTokens').where('userId', '=', id).execute()
        await trx.deleteFrom('mfaRecoveryCodes').where('userId', '=', id).execute()
        await trx.deleteFrom('mfaTotp').where('userId', '=', id).execute()
        const result = await trx.deleteFrom('users').where('id', '=', id).executeTakeFirst()
        if (result.numDeletedRows === 0n) throw new NothingChanged()
        await insertAudit(this.insertAudit, trx, options.audit)
        return { result: true, event: { type: 'user_deleted', userId: id } }
      })
    } catch (err) {
      if (err instanceof LastAdmin) return { conflict: 'last_admin' }
      throw err
    }
  }

  async listUsers({ q, limit, offset }: UserQuery): Promise<{ users: UserRecord[]; total: number }> {
    let query = this.db.selectFrom('users')
    if (q !== undefined && q !== '') {
      if (hasNul(q)) return { users: [], total: 0 }
      const pattern = sql<string>`${likePattern(q.toLowerCase())} escape '!'`
      // lower() on the stored side: LIKE is case-sensitive on PostgreSQL and under MySQL's
      // binary collation (SQLite's ignores ASCII case only; lower() folds ASCII there too).
      query = query.where((eb) => eb.or([eb(eb.fn('lower', ['email']), 'like', pattern), eb(eb.fn('lower', ['username']), 'like', pattern)]))
    }
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy('createdAt').orderBy('id').limit(limit).offset(offset).execute(),
      query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ])
    return { users: rows.map(toUser), total: Number(count.n) }
  }

  async countActiveAdmins(): Promise<number> {
    return this.countAdmins(this.db)
  }

  private async countAdmins(db: Kysely<Database>, exceptId?: string): Promise<number> {
    // roles is JSON text (portable across dialects, no JSON operators). LIKE narrows to rows
    // whose text holds "admin" as a whole string; the exact test runs on the parsed list, since
    // LIKE ignores case on SQLite and MySQL and would also let an 'ADMIN' role through.
    let query = db.selectFrom('users').select('roles').where('disabled', '=', 0).where('roles', 'like', `%${JSON.stringify(ADMIN_ROLE)}%`)
    if (exceptId !== undefined) query = query.where('id', '!=', exceptId)
    const rows = await query.execute()
    return rows.filter((r) => (JSON.parse(r.roles) as string[]).includes(ADMIN_ROLE)).length
  }

  async createSession(s: NewSession, { audit }: ChangeOptions = {}): Promise<void> {
    const values = [s.id, s.userId, s.createdAt, s.lastUsedAt, s.expiresAt, s.userAgent, s.ip, s.refreshJti]
    if (audit === undefined) {
      await this.insertSession(...values)
      return
    }
    // A login's session and its audit row: one transaction of two precompiled inserts.
    await this.db.transaction().execute(async (trx) => {
      await this.insertSession.on(trx, ...values)
      await insertAudit(this.insertAudit, trx, audit)
    })
  }

  async findSession(id: string): Promise<SessionRecord | undefined> {
    if (hasNul(id)) return undefined
    return this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async rotateRefresh(r: Rotation): Promise<boolean> {
    if (hasNul(r.sessionId) || hasNul(r.fromJti)) return false
    const result = await this.db
      .updateTable('sessions')
      .set((eb) => ({
        prevRefreshJti: eb.ref('refreshJti'),
        refreshJti: r.toJti,
        rotatedAt: r.at,
        lastUsedAt: r.at,
        expiresAt: r.expiresAt,
      }))
      .where('id', '=', r.sessionId)
      .where('refreshJti', '=', r.fromJti)
      .where('revokedAt', 'is', null)
      .executeTakeFirst()
    return result.numUpdatedRows === 1n
  }

  async revokeSession(id: string, at: string, reason: RevocationReason, options: ChangeOptions = {}): Promise<boolean> {
    if (hasNul(id)) return false
    return changeWithEvents(this.db, this.dialect, false, async (trx) => {
      const result = await trx.updateTable('sessions').set({ revokedAt: at, revokedReason: reason }).where('id', '=', id).where('revokedAt', 'is', null).executeTakeFirst()
      if (result.numUpdatedRows !== 1n) throw new NothingChanged()
      await insertAudit(this.insertAudit, trx, options.audit)
      return { result: true, event: { type: 'session_revoked', sessionId: id, reason, at } }
    })
  }

  async revokeUserSessions(userId: string, at: string, reason: RevocationReason, exceptId?: string, options: ChangeOptions = {}): Promise<string[]> {
    return withEvents(this.db, this.dialect, async (trx) => {
      let q = trx.selectFrom('sessions').select('id').where('userId', '=', userId).where('revokedAt', 'is', null)
      // An exception holding NUL matches no session: every live one is revoked.
      if (exceptId !== undefined && !hasNul(exceptId)) q = q.where('id', '!=', exceptId)
      // The rows are locked until commit, so exactly these ids are revoked (and announced).
      if (this.dialect.lockRows) q = q.forUpdate()
      const ids = hasNul(userId) ? [] : (await q.execute()).map((r) => r.id)
      for (const chunk of chunks(ids)) {
        await trx.updateTable('sessions').set({ revokedAt: at, revokedReason: reason }).where('id', 'in', chunk).execute()
      }
      // Recorded even when none was live, like the event: the request to end them was made.
      await insertAudit(this.insertAudit, trx, options.audit)
      // Recorded even when no session was live: it also retires the user's legacy tokens.
      return { result: ids, event: { type: 'user_sessions_revoked', userId, sessionIds: ids, reason, at } }
    })
  }

  async listLiveSessions(userId: string, now: string): Promise<SessionRecord[]> {
    if (hasNul(userId)) return []
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('userId', '=', userId)
      .where('revokedAt', 'is', null)
      .where('expiresAt', '>', now)
      .orderBy('createdAt', 'desc')
      .execute()
  }

  private conflict(err: unknown): 'email' | 'username' | undefined {
    const constraint = this.dialect.uniqueViolation(err)
    return constraint === undefined ? undefined : UNIQUE_FIELDS[constraint]
  }

  async pruneSessions(before: string): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expiresAt', '<', before), eb('revokedAt', '<', before)]))
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  issueAccountToken(token: AccountTokenRecord): Promise<void> {
    return issueAccountToken(this.db, this.dialect, token)
  }

  consumeAccountToken(tokenHash: string, purpose: AccountTokenPurpose, now: string): Promise<AccountTokenRecord | undefined> {
    return hasNul(tokenHash) ? Promise.resolve(undefined) : consumeAccountToken(this.db, tokenHash, purpose, now)
  }

  findAccountToken(userId: string, purpose: AccountTokenPurpose): Promise<AccountTokenRecord | undefined> {
    return hasNul(userId) ? Promise.resolve(undefined) : findAccountToken(this.db, userId, purpose)
  }

  deleteAccountTokens(userId: string, purpose?: AccountTokenPurpose): Promise<number> {
    return hasNul(userId) ? Promise.resolve(0) : deleteAccountTokens(this.db, userId, purpose)
  }

  // The audit log (audit.ts); the change methods above write their row in their own transaction.
  appendAudit(record: AuditRecord): Promise<void> {
    return insertAudit(this.insertAudit, this.db, record)
  }
  listAudit(query: AuditQuery): Promise<AuditPage> {
    return listAudit(this.db, query)
  }
  pruneAudit(before: string): Promise<number> {
    return pruneAudit(this.db, before)
  }

  // TOTP (mfa.ts). Ids with NUL match nothing, as above.
  findTotp(userId: string): Promise<TotpRecord | undefined> {
    return hasNul(userId) ? Promise.resolve(undefined) : mfa.findTotp(this.db, userId)
  }
  savePendingTotp(userId: string, secret: string, at: string): Promise<boolean> {
    return hasNul(userId) ? Promise.resolve(false) : mfa.savePendingTotp(this.db, userId, secret, at)
  }
  confirmTotp(userId: string, step: number, codeHashes: readonly string[], at: string, options: ChangeOptions = {}): Promise<boolean> {
    return hasNul(userId) ? Promise.resolve(false) : mfa.confirmTotp(this.db, this.dialect, userId, step, codeHashes, at, options.audit)
  }
  useTotpStep(userId: string, step: number): Promise<boolean> {
    return hasNul(userId) ? Promise.resolve(false) : mfa.useTotpStep(this.db, userId, step)
  }
  consumeRecoveryCode(userId: string, codeHash: string): Promise<boolean> {
    return hasNul(userId) || hasNul(codeHash) ? Promise.resolve(false) : mfa.consumeRecoveryCode(this.db, userId, codeHash)
  }
  countRecoveryCodes(userId: string): Promise<number> {
    return hasNul(userId) ? Promise.resolve(0) : mfa.countRecoveryCodes(this.db, userId)
  }
  deleteTotp(userId: string, options: ChangeOptions = {}): Promise<boolean> {
    return hasNul(userId) ? Promise.resolve(false) : mfa.deleteTotp(this.db, this.dialect, userId, options.audit)
  }
}

/** Thrown inside a transaction when a change would leave no enabled admin. */
class LastAdmin extends Error {}
