// The example's own table next to tokenwarden's: the seed's User has `friends`, which an
// account does not. One row per (user, friend), in the same database, created at start if
// absent. Friends are listed by joining the accounts, so a deleted account drops out of every
// list at once.

import { sql, type Kysely } from 'kysely'
import type { KyselyStore } from '../../src/index.js'

interface FriendsTable {
  userId: string
  friendId: string
}

interface UsersTable {
  id: string
  username: string | null
}

type Db = Kysely<{ smilecookFriends: FriendsTable; users: UsersTable }>

export class Friends {
  private constructor(private readonly db: Db) {}

  /** Creates the table (`smilecook_friends`) when it is missing. */
  static async open(store: KyselyStore): Promise<Friends> {
    const db = store.db.withTables<{ smilecookFriends: FriendsTable }>() as unknown as Db
    await db.schema
      .createTable('smilecook_friends')
      .ifNotExists()
      .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('friend_id', 'varchar(64)', (c) => c.notNull())
      .addPrimaryKeyConstraint('smilecook_friends_pkey', ['user_id', 'friend_id'])
      .execute()
    return new Friends(db)
  }

  /** The usernames of the user's friends, in order. */
  async list(userId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('smilecookFriends')
      .innerJoin('users', 'users.id', 'smilecookFriends.friendId')
      .select('users.username')
      .where('smilecookFriends.userId', '=', userId)
      .orderBy('users.username')
      .execute()
    return rows.flatMap((r) => (r.username === null ? [] : [r.username]))
  }

  /** Adds a friend; adding one twice changes nothing. */
  async add(userId: string, friendId: string): Promise<void> {
    await this.db
      .insertInto('smilecookFriends')
      .columns(['userId', 'friendId'])
      // INSERT ... SELECT ... WHERE NOT EXISTS: the same statement on every dialect.
      .expression(
        this.db
          .selectNoFrom([sql.val(userId).as('userId'), sql.val(friendId).as('friendId')])
          .where(({ not, exists, selectFrom }) =>
            not(exists(selectFrom('smilecookFriends').select('userId').where('userId', '=', userId).where('friendId', '=', friendId))),
          ),
      )
      .execute()
  }

  async remove(userId: string, friendId: string): Promise<void> {
    await this.db.deleteFrom('smilecookFriends').where('userId', '=', userId).where('friendId', '=', friendId).execute()
  }
}
