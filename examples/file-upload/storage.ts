// The uploaded files, in the example's own tables on tokenwarden's database (the same Kysely
// instance, so the same pool and, on SQLite, the same file). A file is one `uploads` row and its
// bytes in 1 MiB BLOB parts (`upload_parts`), written in one transaction: a failed upload leaves
// nothing behind.
//
// Why parts and not the tutorial's single LargeBinary column: Kysely's MySQL dialect sends
// parameters through mysql2's text protocol, where a BLOB travels hex-encoded, so one INSERT of an
// N-byte file is a statement of 2N bytes, and the server refuses any statement over
// max_allowed_packet (16 MiB on MariaDB 10.11 by default, 64 MiB on MySQL 8): a 9 MiB file already
// broke the connection on the test MariaDB (ECONNRESET). A 1 MiB part is a ~2 MiB statement, under
// every server's default, and a download streams part by part instead of holding the file.

import { Migrator, sql, type CreateTableBuilder, type Generated, type Kysely, type Migration, type Selectable } from 'kysely'
import { ConfigError } from '../../src/index.js'

/** Bytes per stored part. */
export const PART_BYTES = 1024 * 1024

/** The tutorial's `db.String(200)`. */
export const DESCRIPTION_MAX = 200
/** Characters of a file name (most file systems' limit). */
export const FILENAME_MAX = 255

export type StorageDialect = 'sqlite' | 'postgres' | 'mysql'

export interface UploadsTable {
  id: Generated<number>
  userId: string
  description: string
  filename: string
  contentType: string
  size: number
  sha256: string
  createdAt: string
}

export interface UploadPartsTable {
  uploadId: number
  seq: number
  data: Buffer
}

/** The example's tables (names as the CamelCasePlugin of tokenwarden's Kysely instance sees them). */
export type UploadTables = {
  uploads: UploadsTable
  upload_parts: UploadPartsTable
}

/** An uploaded file, without its bytes. */
export type StoredFile = Omit<Selectable<UploadsTable>, 'userId'>

export type NewFile = Omit<StoredFile, 'id' | 'createdAt'> & {
  userId: string
  /** The bytes, in parts of at most PART_BYTES, read only inside the transaction. */
  parts: AsyncIterable<Buffer>
}

/** Another file of this user already has this description (the tutorial's `unique = True`). */
export class DescriptionTaken extends Error {
  constructor() {
    super('description taken')
    this.name = 'DescriptionTaken'
  }
}

/** What a dialect needs said its own way: the BLOB type, the id column, how an insert reports its id. */
const DIALECTS = {
  // SQLite's BLOB holds up to SQLITE_MAX_LENGTH (1e9 bytes by default) per value.
  sqlite: { blob: 'blob', serial: 'integer', returning: false },
  postgres: { blob: 'bytea', serial: 'serial', returning: true },
  // MySQL's BLOB stops at 64 KiB; MEDIUMBLOB holds 16 MiB, room for a 1 MiB part.
  mysql: { blob: 'mediumblob', serial: 'integer', returning: false },
} as const

/** The unique index; a violation is recognized by this name on every dialect (see uniqueViolation). */
const DESCRIPTION_KEY = 'uploads_user_id_description_key'

/** The statement a part becomes on MySQL (hex, twice its size) must fit in max_allowed_packet, with room for the SQL. */
export const MYSQL_PACKET_NEEDED = 2 * PART_BYTES + 64 * 1024

function migrations(dialect: StorageDialect): Record<string, Migration> {
  const d = DIALECTS[dialect]
  // MySQL: InnoDB and a binary collation, as tokenwarden's own tables (descriptions compare byte
  // for byte, as on SQLite and PostgreSQL).
  const table = <T extends string, C extends string>(b: CreateTableBuilder<T, C>) =>
    dialect === 'mysql' ? b.modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`) : b
  return {
    '0001_uploads': {
      async up(db: Kysely<any>) {
        // A user's files go with the user: deleting an account (tokenwarden users delete, or the
        // admin service) deletes its uploads, and their parts with them.
        await table(db.schema
          .createTable('uploads')
          .addColumn('id', d.serial, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
          .addColumn('user_id', 'varchar(64)', (c) => c.notNull())
          .addColumn('description', `varchar(${DESCRIPTION_MAX})`, (c) => c.notNull())
          .addColumn('filename', `varchar(${FILENAME_MAX})`, (c) => c.notNull())
          .addColumn('content_type', 'varchar(255)', (c) => c.notNull())
          .addColumn('size', 'integer', (c) => c.notNull())
          .addColumn('sha256', 'varchar(64)', (c) => c.notNull())
          .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
          .addForeignKeyConstraint('uploads_user_id_fkey', ['user_id'], 'users', ['id'], (c) => c.onDelete('cascade')))
          .execute()
        await db.schema.createIndex(DESCRIPTION_KEY).on('uploads').columns(['user_id', 'description']).unique().execute()
        await table(db.schema
          .createTable('upload_parts')
          .addColumn('upload_id', 'integer', (c) => c.notNull())
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('data', sql.raw(d.blob), (c) => c.notNull())
          .addPrimaryKeyConstraint('upload_parts_pkey', ['upload_id', 'seq'])
          .addForeignKeyConstraint('upload_parts_upload_id_fkey', ['upload_id'], 'uploads', ['id'], (c) => c.onDelete('cascade')))
          .execute()
      },
      async down(db: Kysely<any>) {
        await db.schema.dropTable('upload_parts').execute()
        await db.schema.dropTable('uploads').execute()
      },
    },
  }
}

function toFile(row: Selectable<UploadsTable>): StoredFile {
  return {
    id: Number(row.id),
    description: row.description,
    filename: row.filename,
    contentType: row.contentType,
    size: Number(row.size),
    sha256: row.sha256,
    createdAt: row.createdAt,
  }
}

export class FileStore {
  readonly db: Kysely<UploadTables>
  readonly dialect: StorageDialect
  /** Maps a database error to the name of the unique index it violates (tokenwarden's dialect factories do this). */
  private readonly uniqueViolation: (err: unknown) => string | undefined

  /**
   * @param db tokenwarden's Kysely instance (`store.db`), whose CamelCasePlugin maps `userId` to `user_id`.
   * @example
   * const files = new FileStore(store.db, store.dialect)
   * await files.migrate()
   */
  constructor(db: Kysely<any>, dialect: { name: StorageDialect; uniqueViolation(err: unknown): string | undefined }) {
    this.db = db as Kysely<UploadTables>
    this.dialect = dialect.name
    this.uniqueViolation = (err) => dialect.uniqueViolation(err)
  }

  /**
   * Creates the tables (under its own migration table, beside tokenwarden's) and, on MySQL,
   * checks that max_allowed_packet lets a part through. Run after tokenwarden's migrations:
   * `uploads` refers to its `users`.
   */
  async migrate(): Promise<void> {
    if (this.dialect === 'mysql') {
      const { rows } = await sql<{ packet: number | string }>`select @@max_allowed_packet as packet`.execute(this.db)
      const packet = Number(rows[0]?.packet)
      if (packet < MYSQL_PACKET_NEEDED) {
        throw new ConfigError('max_allowed_packet', `is ${packet} bytes on this server; the file-upload example writes parts that need ${MYSQL_PACKET_NEEDED} (set max_allowed_packet=16M or more)`)
      }
    }
    const migrator = new Migrator({
      db: this.db,
      provider: { getMigrations: async () => migrations(this.dialect) },
      migrationTableName: 'file_upload_migrations',
      migrationLockTableName: 'file_upload_migrations_lock',
    })
    const { error } = await migrator.migrateToLatest()
    if (error !== undefined) throw error instanceof Error ? error : new Error(String(error))
  }

  /** Stores a file and its parts in one transaction; DescriptionTaken when the user already has that description. */
  async save(file: NewFile): Promise<StoredFile> {
    const row = {
      userId: file.userId,
      description: file.description,
      filename: file.filename,
      contentType: file.contentType,
      size: file.size,
      sha256: file.sha256,
      createdAt: new Date().toISOString(),
    }
    try {
      return await this.db.transaction().execute(async (trx) => {
        const insert = trx.insertInto('uploads').values(row)
        const id = DIALECTS[this.dialect].returning
          ? (await insert.returning('id').executeTakeFirstOrThrow()).id
          : Number((await insert.executeTakeFirstOrThrow()).insertId)
        let seq = 0
        let written = 0
        for await (const data of file.parts) {
          if (data.length > PART_BYTES) throw new RangeError(`a part is at most ${PART_BYTES} bytes`)
          await trx.insertInto('upload_parts').values({ uploadId: id, seq: seq++, data }).execute()
          written += data.length
        }
        // The size was counted as the bytes arrived; a reader that disagrees is a bug, and the
        // transaction goes back rather than keep a file that cannot be served whole.
        if (written !== file.size) throw new Error(`stored ${written} bytes of a ${file.size}-byte file`)
        return toFile({ ...row, id })
      })
    } catch (err) {
      if (this.uniqueViolation(err) === DESCRIPTION_KEY) throw new DescriptionTaken()
      throw err
    }
  }

  /** The user's files, oldest first. */
  async list(userId: string): Promise<StoredFile[]> {
    const rows = await this.db.selectFrom('uploads').selectAll().where('userId', '=', userId).orderBy('id').execute()
    return rows.map(toFile)
  }

  /** The file if it exists and belongs to the user (another user's file is not found, alike). */
  async find(userId: string, id: number): Promise<StoredFile | undefined> {
    if (!Number.isSafeInteger(id) || id < 1 || id > 2 ** 31 - 1) return undefined
    const row = await this.db.selectFrom('uploads').selectAll().where('id', '=', id).where('userId', '=', userId).executeTakeFirst()
    return row && toFile(row)
  }

  /** The bytes of a file, part by part (one query each, so a download holds one part at a time). */
  async *read(id: number): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq++) {
      const row = await this.db.selectFrom('upload_parts').select('data').where('uploadId', '=', id).where('seq', '=', seq).executeTakeFirst()
      if (row === undefined) return
      yield Buffer.from(row.data)
    }
  }

  /** How many uploads and parts are stored (for tests: nothing partial after a failure). */
  async counts(): Promise<{ uploads: number; parts: number }> {
    const count = async (table: 'uploads' | 'upload_parts') =>
      Number((await this.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
    return { uploads: await count('uploads'), parts: await count('upload_parts') }
  }
}
