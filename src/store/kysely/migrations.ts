// Schema migrations, defined in code and applied in order by Kysely's Migrator, with the same
// effect on every dialect. A migration, once released, is never edited: add a new one. (0001
// was released on SQLite only; the MySQL branches below were added with the MySQL dialect and
// change nothing on SQLite, whose column lengths are not enforced.)

import { sql, type CreateTableBuilder, type Kysely, type Migration, type MigrationProvider } from 'kysely'
import type { DialectFactory } from './dialects/types.js'

/** The counter rows: `auth_events` numbers the event log in commit order. */
export const EVENT_COUNTER = 'auth_events'

function migrations(dialect: DialectFactory): Record<string, Migration> {
  const mysql = dialect.name === 'mysql'
  // MySQL: InnoDB (foreign keys, row locks), and a binary collation so ids, tokens and emails
  // compare byte for byte as they do on SQLite and PostgreSQL.
  const table = <T extends string, C extends string>(b: CreateTableBuilder<T, C>) =>
    mysql ? b.modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`) : b
  return {
    '0001_users_and_sessions': {
      async up(db: Kysely<unknown>) {
        await table(db.schema
          .createTable('users')
          .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('email', 'varchar(254)', (c) => c.notNull())
          .addColumn('username', 'varchar(32)')
          .addColumn('password_hash', 'varchar(512)', (c) => c.notNull())
          // 32 roles of up to 64 characters, as JSON.
          .addColumn('roles', dialect.name === 'sqlite' ? 'varchar(1024)' : 'varchar(2200)', (c) => c.notNull())
          .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('updated_at', 'varchar(32)', (c) => c.notNull()))
          .execute()
        await db.schema.createIndex('users_email_key').on('users').column('email').unique().execute()
        await db.schema.createIndex('users_username_key').on('users').column('username').unique().execute()
        let sessions = db.schema
          .createTable('sessions')
          .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
          // MySQL ignores REFERENCES written on a column: it needs the table constraint below.
          .addColumn('user_id', 'varchar(64)', (c) => (mysql ? c.notNull() : c.notNull().references('users.id').onDelete('cascade')))
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('last_used_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('user_agent', 'varchar(512)')
          .addColumn('ip', 'varchar(64)')
          .addColumn('refresh_jti', 'varchar(64)', (c) => c.notNull())
          .addColumn('prev_refresh_jti', 'varchar(64)')
          .addColumn('rotated_at', 'varchar(32)')
          .addColumn('revoked_at', 'varchar(32)')
          .addColumn('revoked_reason', 'varchar(64)')
        if (mysql) sessions = sessions.addForeignKeyConstraint('sessions_user_id_fkey', ['user_id'], 'users', ['id'], (c) => c.onDelete('cascade'))
        await table(sessions).execute()
        await db.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute()
        await db.schema.createIndex('sessions_expires_at_idx').on('sessions').column('expires_at').execute()
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('sessions').execute()
        await db.schema.dropTable('users').execute()
      },
    },
    // The auth-event log every instance tails (core/events/feed.ts), and the counter that
    // numbers it: each writer locks the counter row, so seqs commit in order, without gaps.
    '0002_auth_events': {
      async up(db: Kysely<any>) {
        await table(db.schema
          .createTable('auth_events')
          .addColumn('seq', 'bigint', (c) => c.primaryKey())
          .addColumn('type', 'varchar(32)', (c) => c.notNull())
          .addColumn('payload', sql.raw(dialect.largeText), (c) => c.notNull())
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull()))
          .execute()
        await db.schema.createIndex('auth_events_created_at_idx').on('auth_events').column('created_at').execute()
        await table(db.schema
          .createTable('tw_counters')
          .addColumn('name', 'varchar(32)', (c) => c.primaryKey())
          .addColumn('value', 'bigint', (c) => c.notNull()))
          .execute()
        await db.insertInto('tw_counters').values({ name: EVENT_COUNTER, value: 0 }).execute()
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('tw_counters').execute()
        await db.schema.dropTable('auth_events').execute()
      },
    },
    // The login throttle shared by every instance (throttle.ts): one row per identifier with a
    // live streak, keyed by the identifier's SHA-256 so the table is no list of who tried to log
    // in. Times are epoch milliseconds: the throttle does arithmetic on them.
    '0003_login_throttle': {
      async up(db: Kysely<unknown>) {
        await table(db.schema
          .createTable('login_throttle')
          .addColumn('key_hash', 'varchar(64)', (c) => c.primaryKey())
          .addColumn('failures', 'integer', (c) => c.notNull())
          .addColumn('pending', 'integer', (c) => c.notNull())
          .addColumn('pending_until', 'bigint', (c) => c.notNull())
          .addColumn('last_failure_at', 'bigint', (c) => c.notNull())
          .addColumn('wait_until', 'bigint', (c) => c.notNull()))
          .execute()
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('login_throttle').execute()
      },
    },
    // Email verification: when an address was proven, and the single-use tokens mailed to users
    // (core/store.ts AccountTokenRecord): one per user and purpose (the primary key), so a newer
    // one replaces the older; looked up by the secret's SHA-256, never the secret.
    '0004_account_tokens': {
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('users').addColumn('email_verified_at', 'varchar(32)').execute()
        let tokens = db.schema
          .createTable('account_tokens')
          .addColumn('user_id', 'varchar(64)', (c) => (mysql ? c.notNull() : c.notNull().references('users.id').onDelete('cascade')))
          .addColumn('purpose', 'varchar(32)', (c) => c.notNull())
          .addColumn('token_hash', 'varchar(64)', (c) => c.notNull())
          .addColumn('email', 'varchar(254)', (c) => c.notNull())
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
          .addPrimaryKeyConstraint('account_tokens_pkey', ['user_id', 'purpose'])
        if (mysql) tokens = tokens.addForeignKeyConstraint('account_tokens_user_id_fkey', ['user_id'], 'users', ['id'], (c) => c.onDelete('cascade'))
        await table(tokens).execute()
        await db.schema.createIndex('account_tokens_token_hash_key').on('account_tokens').column('token_hash').unique().execute()
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('account_tokens').execute()
        await db.schema.alterTable('users').dropColumn('email_verified_at').execute()
      },
    },
    // The audit log (store/kysely/audit.ts): append-only, one row per security event. No foreign
    // key to users: a deleted account's history stays. Indexed for its filters (a user as actor or
    // subject, an event, each newest first) and for pruning by time.
    '0005_audit_log': {
      async up(db: Kysely<unknown>) {
        await table(db.schema
          .createTable('audit_log')
          .addColumn('id', 'varchar(32)', (c) => c.primaryKey())
          .addColumn('at', 'varchar(32)', (c) => c.notNull())
          .addColumn('event', 'varchar(32)', (c) => c.notNull())
          .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
          .addColumn('reason', 'varchar(32)')
          .addColumn('actor_id', 'varchar(64)')
          .addColumn('subject_id', 'varchar(64)')
          .addColumn('session_id', 'varchar(64)')
          .addColumn('ip', 'varchar(64)')
          .addColumn('user_agent', 'varchar(512)')
          .addColumn('detail', sql.raw(dialect.largeText)))
          .execute()
        await db.schema.createIndex('audit_log_at_idx').on('audit_log').columns(['at', 'id']).execute()
        await db.schema.createIndex('audit_log_subject_idx').on('audit_log').columns(['subject_id', 'at']).execute()
        await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor_id', 'at']).execute()
        await db.schema.createIndex('audit_log_event_idx').on('audit_log').columns(['event', 'at']).execute()
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('audit_log').execute()
      },
    },
    // TOTP two-factor login (RFC 6238): one factor per user (pending until confirmed), holding
    // the last time step used so a code is refused a second time on every instance (§5.2); and
    // the recovery codes, stored as SHA-256 hashes, each deleted when used.
    '0006_mfa': {
      async up(db: Kysely<unknown>) {
        let totp = db.schema
          .createTable('mfa_totp')
          .addColumn('user_id', 'varchar(64)', (c) => (mysql ? c.primaryKey() : c.primaryKey().references('users.id').onDelete('cascade')))
          .addColumn('secret', 'varchar(128)', (c) => c.notNull())
          .addColumn('confirmed_at', 'varchar(32)')
          .addColumn('last_step', 'bigint')
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        if (mysql) totp = totp.addForeignKeyConstraint('mfa_totp_user_id_fkey', ['user_id'], 'users', ['id'], (c) => c.onDelete('cascade'))
        await table(totp).execute()
        let codes = db.schema
          .createTable('mfa_recovery_codes')
          .addColumn('user_id', 'varchar(64)', (c) => (mysql ? c.notNull() : c.notNull().references('users.id').onDelete('cascade')))
          .addColumn('code_hash', 'varchar(64)', (c) => c.notNull())
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .addPrimaryKeyConstraint('mfa_recovery_codes_pkey', ['user_id', 'code_hash'])
        if (mysql) codes = codes.addForeignKeyConstraint('mfa_recovery_codes_user_id_fkey', ['user_id'], 'users', ['id'], (c) => c.onDelete('cascade'))
        await table(codes).execute()
      },
      async down(db: Kysely<unknown>) {
        await db.schema.dropTable('mfa_recovery_codes').execute()
        await db.schema.dropTable('mfa_totp').execute()
      },
    },
  }
}

export function migrationProvider(dialect: DialectFactory): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) }
}
