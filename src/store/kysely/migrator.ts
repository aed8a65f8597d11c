// Running the schema migrations (migrations.ts) with Kysely's Migrator: to the latest version,
// retried while SQLite's write lock is contended, or listing those not yet applied.

import { Migrator, type Kysely } from 'kysely'
import type { DialectFactory } from './dialects/types.js'
import { migrationProvider } from './migrations.js'
import type { Database } from './schema.js'

/** Attempts at migrate() when the database stays busy (SQLite). */
const MIGRATE_TRIES = 6

/** Brings the schema to the latest version; returns the names of the migrations applied. */
export async function migrateToLatest(db: Kysely<Database>, dialect: DialectFactory): Promise<string[]> {
  // Instances starting together on a fresh SQLite file contend for its write lock before the
  // migration lock exists (Kysely creates its own tables first); on a loaded machine a wait can
  // outlast the busy timeout. Trying again settles it: the winner's migrations are then seen.
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateOnce(db, dialect)
    } catch (err) {
      if (attempt >= MIGRATE_TRIES || dialect.busy?.(err) !== true) throw err
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt))
    }
  }
}

/**
 * The migrations this version has that the database has not run yet, in order; reads only
 * (a database never migrated answers all of them). For `tokenwarden doctor`.
 */
export async function pendingMigrations(db: Kysely<Database>, dialect: DialectFactory): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) })
  return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name)
}

async function migrateOnce(db: Kysely<Database>, dialect: DialectFactory): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) })
  const { error, results } = await migrator.migrateToLatest()
  if (error !== undefined) throw error instanceof Error ? error : new Error(String(error))
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}
