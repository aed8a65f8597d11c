// The Store port over Kysely. Portable SQL only; a dialect file exists only where SQL differs.

import { CamelCasePlugin, Kysely, Migrator, sql, type Selectable, type Updateable } from 'kysely'
import { ADMIN_ROLE } from '../../core/accounts/last-admin.js'
import type {
  CreateUserResult,
  NewSession,
  NewUser,
  Rotation,
  SessionRecord,
  Store,
  UserPatch,
  UserQuery,
  UserRecord,
} from '../../core/store.js'
import { createDialect } from './dialects.js'
import { migrationProvider } from './migrations.js'
import { precompiled } from './precompiled.js'
import type { Database, UsersTable } from './schema.js'

function toUser(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    passwordHash: row.passwordHash,
    roles: JSON.parse(row.roles) as string[],
    disabled: Number(row.disabled) === 1,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  }
}

/** Which unique key a driver's constraint error names, if it is one. */
function uniqueConflict(err: unknown): 'email' | 'username' | undefined {
  const e = err as { code?: string; message?: string; constraint?: string }
  const isUnique =
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === '23505' || e.code === 'ER_DUP_ENTRY' || /unique|duplicate/i.test(e.message ?? '')
  if (!isUnique) return undefined
  const text = `${e.constraint ?? ''} ${e.message ?? ''}`
  if (text.includes('username')) return 'username'
  if (text.includes('email')) return 'email'
  return undefined
}

function escapeLike(q: string): string {
  return q.replace(/[\\%_]/g, (c) => `\\${c}`)
}

export class KyselyStore implements Store {
  readonly db: Kysely<Database>
  // The statements every login runs (password check, session insert, the re-read after it),
  // compiled once: see precompiled.ts. Plain properties, not #private: a store wrapped in a Proxy
  // (a counting or read-only wrapper) must keep working.
  private readonly userBy: Record<'id' | 'email' | 'username', (value: string) => Promise<UserRecord | undefined>>
  private readonly insertSession: (...values: (string | null)[]) => Promise<unknown>

  constructor(db: Kysely<Database>) {
    this.db = db
    const userBy = (column: 'id' | 'email' | 'username') => {
      const query = precompiled(db, 1, (value) => db.selectFrom('users').selectAll().where(column, '=', value))
      return async (value: string) => {
        const row = (await query(value)).rows[0]
        return row && toUser(row)
      }
    }
    this.userBy = { id: userBy('id'), email: userBy('email'), username: userBy('username') }
    this.insertSession = precompiled(db, 8, (id, userId, createdAt, lastUsedAt, expiresAt, userAgent, ip, refreshJti) =>
      db.insertInto('sessions').values({ id: id!, userId: userId!, createdAt: createdAt!, lastUsedAt: lastUsedAt!, expiresAt: expiresAt!, userAgent: userAgent!, ip: ip!, refreshJti: refreshJti! }),
    )
  }

  /**
   * @example
   * const store = KyselyStore.fromUrl('sqlite:./data/tokenwarden.db')
   * await store.migrate()
   */
  static fromUrl(databaseUrl: string): KyselyStore {
    const { dialect } = createDialect(databaseUrl)
    return new KyselyStore(new Kysely<Database>({ dialect, plugins: [new CamelCasePlugin()] }))
  }

  async migrate(): Promise<string[]> {
    const migrator = new Migrator({ db: this.db, provider: migrationProvider })
    const { error, results } = await migrator.migrateToLatest()
    if (error !== undefined) throw error instanceof Error ? error : new Error(String(error))
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
  }

  async close(): Promise<void> {
    await this.db.destroy()
  }

  async createUser(user: NewUser): Promise<CreateUserResult> {
    try {
      await this.db
        .insertInto('users')
        .values({
          id: user.id,
          email: user.email,
          username: user.username,
          passwordHash: user.passwordHash,
          roles: JSON.stringify(user.roles),
          disabled: 0,
          createdAt: user.createdAt,
          updatedAt: user.createdAt,
        })
        .execute()
    } catch (err) {
      const conflict = uniqueConflict(err)
      if (conflict === undefined) throw err
      return { ok: false, conflict }
    }
    return {
      ok: true,
      user: { ...user, roles: [...user.roles], disabled: false, updatedAt: user.createdAt },
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

  async updateUser(id: string, patch: UserPatch): Promise<UserRecord | undefined | { conflict: 'username' }> {
    const values: Updateable<UsersTable> = { updatedAt: patch.updatedAt }
    if (patch.username !== undefined) values.username = patch.username
    if (patch.passwordHash !== undefined) values.passwordHash = patch.passwordHash
    if (patch.roles !== undefined) values.roles = JSON.stringify(patch.roles)
    if (patch.disabled !== undefined) values.disabled = patch.disabled ? 1 : 0
    try {
      await this.db.updateTable('users').set(values).where('id', '=', id).execute()
    } catch (err) {
      if (uniqueConflict(err) === 'username') return { conflict: 'username' }
      throw err
    }
    return this.findUserById(id)
  }

  async deleteUser(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('sessions').where('userId', '=', id).execute()
      const result = await trx.deleteFrom('users').where('id', '=', id).executeTakeFirst()
      return result.numDeletedRows > 0n
    })
  }

  async listUsers({ q, limit, offset }: UserQuery): Promise<{ users: UserRecord[]; total: number }> {
    let query = this.db.selectFrom('users')
    if (q !== undefined && q !== '') {
      const pattern = `%${escapeLike(q.toLowerCase())}%`
      query = query.where((eb) =>
        eb.or([eb('email', 'like', sql<string>`${pattern} escape '\\'`), eb('username', 'like', sql<string>`${pattern} escape '\\'`)]),
      )
    }
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy('createdAt').orderBy('id').limit(limit).offset(offset).execute(),
      query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ])
    return { users: rows.map(toUser), total: Number(count.n) }
  }

  async countActiveAdmins(): Promise<number> {
    // roles is JSON text (portable across dialects, no JSON operators). LIKE narrows to rows
    // whose text holds "admin" as a whole string; the exact test runs on the parsed list, since
    // LIKE ignores case on SQLite and MySQL and would also let an 'ADMIN' role through.
    const rows = await this.db.selectFrom('users').select('roles').where('disabled', '=', 0).where('roles', 'like', `%${JSON.stringify(ADMIN_ROLE)}%`).execute()
    return rows.filter((r) => (JSON.parse(r.roles) as string[]).includes(ADMIN_ROLE)).length
  }

  async createSession(s: NewSession): Promise<void> {
    await this.insertSession(s.id, s.userId, s.createdAt, s.lastUsedAt, s.expiresAt, s.userAgent, s.ip, s.refreshJti)
  }

  async findSession(id: string): Promise<SessionRecord | undefined> {
    return this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async rotateRefresh(r: Rotation): Promise<boolean> {
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

  async revokeSession(id: string, at: string, reason: string): Promise<boolean> {
    const result = await this.db
      .updateTable('sessions')
      .set({ revokedAt: at, revokedReason: reason })
      .where('id', '=', id)
      .where('revokedAt', 'is', null)
      .executeTakeFirst()
    return result.numUpdatedRows === 1n
  }

  async revokeUserSessions(userId: string, at: string, reason: string, exceptId?: string): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('sessions').select('id').where('userId', '=', userId).where('revokedAt', 'is', null)
      if (exceptId !== undefined) q = q.where('id', '!=', exceptId)
      const ids = (await q.execute()).map((r) => r.id)
      if (ids.length > 0) {
        await trx.updateTable('sessions').set({ revokedAt: at, revokedReason: reason }).where('id', 'in', ids).execute()
      }
      return ids
    })
  }

  async listLiveSessions(userId: string, now: string): Promise<SessionRecord[]> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('userId', '=', userId)
      .where('revokedAt', 'is', null)
      .where('expiresAt', '>', now)
      .orderBy('createdAt', 'desc')
      .execute()
  }

  async pruneSessions(before: string): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expiresAt', '<', before), eb('revokedAt', '<', before)]))
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }
}
