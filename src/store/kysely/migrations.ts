// Schema migrations, defined in code and applied in order by Kysely's Migrator. A migration,
// once released, is never edited: add a new one.

import type { Kysely, Migration, MigrationProvider } from 'kysely'

const migrations: Record<string, Migration> = {
  '0001_users_and_sessions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('email', 'varchar(254)', (c) => c.notNull())
        .addColumn('username', 'varchar(32)')
        .addColumn('password_hash', 'varchar(512)', (c) => c.notNull())
        .addColumn('roles', 'varchar(1024)', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute()
      await db.schema.createIndex('users_email_key').on('users').column('email').unique().execute()
      await db.schema.createIndex('users_username_key').on('users').column('username').unique().execute()
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('user_id', 'varchar(64)', (c) => c.notNull().references('users.id').onDelete('cascade'))
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
        .execute()
      await db.schema.createIndex('sessions_user_id_idx').on('sessions').column('user_id').execute()
      await db.schema.createIndex('sessions_expires_at_idx').on('sessions').column('expires_at').execute()
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('sessions').execute()
      await db.schema.dropTable('users').execute()
    },
  },
}

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
}
