// The example's own table next to tokenwarden's: tutorial 4's User has a `full_name`, which an
// account does not. One row per account id, in the same database; created at start if absent.

import type { Kysely } from 'kysely'
import type { KyselyStore } from '../../src/index.js'

interface ProfilesTable {
  userId: string
  fullName: string
}

type Db = Kysely<{ flaskProfiles: ProfilesTable }>

export class Profiles {
  private constructor(private readonly db: Db) {}

  /** Creates the table (`flask_profiles`) when it is missing. */
  static async open(store: KyselyStore): Promise<Profiles> {
    const db = store.db.withTables<{ flaskProfiles: ProfilesTable }>() as unknown as Db
    await db.schema
      .createTable('flask_profiles')
      .ifNotExists()
      .addColumn('user_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('full_name', 'varchar(200)', (c) => c.notNull())
      .execute()
    return new Profiles(db)
  }

  async fullName(userId: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('flaskProfiles').select('fullName').where('userId', '=', userId).executeTakeFirst()
    return row?.fullName
  }

  async set(userId: string, fullName: string): Promise<void> {
    await this.db.deleteFrom('flaskProfiles').where('userId', '=', userId).execute()
    await this.db.insertInto('flaskProfiles').values({ userId, fullName }).execute()
  }
}
