// `users import --from <DATABASE_URL>`: the users table of a live Flask app's database (SQLite,
// PostgreSQL, MySQL/MariaDB), read and never written. The table and column names given are
// checked as plain SQL names, looked up in the database's own catalog (so `--table User` finds
// `user`), and always sent quoted (`user` is a reserved word on PostgreSQL); values travel as
// parameters. Rows are read 1000 at a time in the order of the id column (keyset pagination:
// a large table is never held in memory, and rows sharing an id are read exactly once).
//
// The driver comes through the dialect of the URL's scheme (imported when needed, so the
// command loads without better-sqlite3, pg or mysql2). A SQLite file is opened read-only: the
// store's own SQLite dialect would create a missing file and switch the file to WAL mode.

import { Kysely, sql, SqliteDialect, type ColumnMetadata, type Dialect, type RawBuilder, type TableMetadata } from 'kysely'
import type { ImportRecord } from '../core/accounts/import.js'
import { ConfigError } from '../core/config.js'
import { dialectFor } from '../store/kysely/dialects/index.js'
import { loadSqliteDriver, sqlitePath } from '../store/kysely/dialects/sqlite.js'
import type { DialectName } from '../store/kysely/dialects/types.js'
import { SourceError, type ImportSource } from './import-source.js'
import { redactSecrets } from './redact.js'

/** The account fields a source column can fill (`password_hash` is accepted for `password`). */
export const IMPORT_FIELDS = ['id', 'email', 'password', 'username', 'roles', 'created_at'] as const
type Field = (typeof IMPORT_FIELDS)[number]
export type ColumnMap = Partial<Record<Field, string>>

/** A plain SQL name: letters, digits and underscores, not starting with a digit. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/
/** Rows read per query. */
const BATCH = 1000

/**
 * Reads `--columns email=email,password=password_hash,...` (our field = the source's column).
 *
 * @example
 * parseColumns('email=mail,password=pw_hash') // { email: 'mail', password: 'pw_hash' }
 */
export function parseColumns(text: string | undefined): ColumnMap {
  const map: ColumnMap = {}
  for (const pair of text === undefined ? [] : text.split(',')) {
    const m = /^\s*([a-z_]+)\s*=\s*(.*?)\s*$/.exec(pair)
    const field = (m?.[1] === 'password_hash' ? 'password' : m?.[1]) as Field | undefined
    if (m === null || !IMPORT_FIELDS.includes(field!)) throw new SourceError(`--columns takes FIELD=COLUMN pairs separated by commas; the fields are ${IMPORT_FIELDS.join(', ')}`)
    if (!IDENTIFIER.test(m[2]!)) throw new SourceError(`--columns: the column for ${field} must be a plain SQL name (letters, digits, _)`)
    if (map[field!] !== undefined) throw new SourceError(`--columns names ${field} twice`)
    map[field!] = m[2]!
  }
  return map
}

/** A source column, with the account field it fills. */
interface Column {
  field: Field
  meta: ColumnMetadata
}

/**
 * Opens the source database and finds the table and its columns; reading starts when the records
 * are iterated. Errors a user can fix (no such table, missing column, cannot connect) are
 * SourceErrors, with any credential masked; a driver that is not installed is a ConfigError.
 *
 * @example
 * const source = await databaseSource('mysql://app:pw@db/flask', 'user', parseColumns('password=pw_hash'))
 */
export async function databaseSource(url: string, tableName: string, wanted: ColumnMap): Promise<ImportSource> {
  const parts = tableName.split('.')
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) throw new SourceError('--table must be a plain SQL table name (or SCHEMA.TABLE)')
  const { dialect, name } = await openSource(url)
  const db = new Kysely<any>({ dialect })
  try {
    const table = findTable(await db.introspection.getTables(), parts, tableName)
    const columns = mapColumns(table, wanted)
    const from = table.schema === undefined ? sql.id(table.name) : sql.id(table.schema, table.name)
    const count = await sql<{ n: unknown }>`select count(*) as n from ${from}`.execute(db)
    const reader = { db, from, columns, dialect: name }
    return { records: readRows(reader), total: Number(count.rows[0]!.n), close: () => db.destroy() }
  } catch (err) {
    await db.destroy()
    throw sourceError(err)
  }
}

async function openSource(url: string): Promise<{ dialect: Dialect; name: DialectName }> {
  let factory
  try {
    factory = dialectFor(url)
  } catch (err) {
    // It names DATABASE_URL; here the URL came from --from.
    if (err instanceof ConfigError) throw new SourceError(`--from: ${err.message.slice(err.variable.length + 2)}`)
    throw err
  }
  if (factory.name !== 'sqlite') return { dialect: await factory.create(url, { poolMax: 1 }), name: factory.name }
  const path = sqlitePath(url)
  if (path === ':memory:') throw new SourceError('--from sqlite::memory: is an empty database; give the path of the Flask app\'s file')
  const Database = await loadSqliteDriver()
  let database
  try {
    database = new Database(path, { readonly: true, fileMustExist: true })
  } catch {
    throw new SourceError(`cannot open ${JSON.stringify(path)} as a SQLite database`)
  }
  // Integers past 2^53 arrive exact (as bigint), as PostgreSQL's int8 arrives as a string.
  database.defaultSafeIntegers(true)
  return { dialect: new SqliteDialect({ database }), name: 'sqlite' }
}

/** The table named `schema.name` or `name`, matched exactly, else ignoring case. */
function findTable(tables: TableMetadata[], parts: string[], asGiven: string): TableMetadata {
  const [schema, name] = parts.length === 2 ? parts : [undefined, parts[0]!]
  const matches = (t: TableMetadata, same: (a: string, b: string) => boolean) =>
    same(t.name, name!) && (schema === undefined || (t.schema !== undefined && same(t.schema, schema)))
  const exact = tables.filter((t) => matches(t, (a, b) => a === b))
  const found = exact.length > 0 ? exact : tables.filter((t) => matches(t, (a, b) => a.toLowerCase() === b.toLowerCase()))
  if (found.length === 0) throw new SourceError(`no table "${asGiven}" in the source database (use --table)`)
  if (found.length > 1) throw new SourceError(`"${asGiven}" names tables in several schemas (${found.map((t) => t.schema).join(', ')}); use --table SCHEMA.TABLE`)
  return found[0]!
}

/** Which column fills which field: --columns first, else the Flask model's usual names. */
function mapColumns(table: TableMetadata, wanted: ColumnMap): Column[] {
  const byName = new Map(table.columns.map((c) => [c.name.toLowerCase(), c]))
  const usual: Record<Field, string[]> = { id: ['id'], email: ['email'], password: ['password', 'password_hash'], username: ['username'], roles: [], created_at: ['created_at'] }
  const columns: Column[] = []
  const missing: string[] = []
  for (const field of IMPORT_FIELDS) {
    const given = wanted[field]
    const meta = given !== undefined ? byName.get(given.toLowerCase()) : usual[field].map((n) => byName.get(n)).find((c) => c !== undefined)
    if (meta !== undefined) columns.push({ field, meta })
    else if (given !== undefined) missing.push(`${given} (for ${field})`)
    else if (field === 'id' || field === 'email' || field === 'password') missing.push(field)
  }
  if (missing.length > 0) throw new SourceError(`table "${table.name}" lacks column(s): ${missing.join(', ')} (name others with --columns)`)
  return columns
}

interface Reader {
  db: Kysely<any>
  from: RawBuilder<unknown>
  columns: Column[]
  dialect: DialectName
}

/** The rows in id order, BATCH at a time; rows with no id last (each is refused by the import). */
async function* readRows(r: Reader): AsyncGenerator<ImportRecord> {
  const id = sql.id(r.columns.find((c) => c.field === 'id')!.meta.name)
  const select = sql.join(r.columns.map((c) => sql`${sql.id(c.meta.name)} as ${sql.id(c.field)}`))
  const query = async (where: RawBuilder<unknown>, limit: RawBuilder<unknown> = sql``): Promise<Record<string, unknown>[]> => {
    try {
      return (await sql<Record<string, unknown>>`select ${select} from ${r.from} where ${where} order by ${id} ${limit}`.execute(r.db)).rows
    } catch (err) {
      throw sourceError(err)
    }
  }
  let row = 0
  let last: { value: unknown } | undefined
  for (;;) {
    const batch = await query(last === undefined ? sql`${id} is not null` : sql`${id} > ${last.value}`, sql`limit ${sql.lit(BATCH)}`)
    let rows = batch
    if (batch.length === BATCH) {
      // The next batch starts after the last id: rows sharing that id are read here, all of them.
      last = { value: batch.at(-1)!.id }
      rows = batch.filter((b) => !sameValue(b.id, last!.value)).concat(await query(sql`${id} = ${last.value}`))
    }
    for (const fields of rows) yield { row: ++row, fields: plainFields(fields, r) }
    if (batch.length < BATCH) break
  }
  for (const fields of await query(sql`${id} is null`)) yield { row: ++row, fields: plainFields(fields, r) }
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (a instanceof Uint8Array && b instanceof Uint8Array && Buffer.from(a).equals(b))
}

const UTF8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Driver values as the import reads them: text stored as bytes (a hash in a BLOB or bytea column)
 * as a string, and times as ISO-8601. A Flask model's DateTime column holds naive UTC times
 * (`datetime.utcnow`); PostgreSQL's `timestamp` and MySQL's `datetime` hand them over as local
 * time, so their wall-clock reading is taken as UTC, as the import reads SQLite's text times.
 */
function plainFields(fields: Record<string, unknown>, r: Reader): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const { field, meta } of r.columns) {
    const value = fields[field]
    if (value instanceof Uint8Array) {
      try {
        out[field] = UTF8.decode(value)
      } catch {
        out[field] = value
      }
    } else if (value instanceof Date && !Number.isNaN(value.getTime())) {
      const type = meta.dataType.toLowerCase()
      const naive = (r.dialect === 'postgres' && type === 'timestamp') || (r.dialect === 'mysql' && type === 'datetime')
      out[field] = new Date(value.getTime() - (naive ? value.getTimezoneOffset() * 60_000 : 0)).toISOString()
    } else {
      out[field] = value
    }
  }
  return out
}

/** A SourceError saying the source could not be read, credentials masked; configuration errors pass. */
function sourceError(err: unknown): Error {
  if (err instanceof SourceError || err instanceof ConfigError) return err
  return new SourceError(`cannot read the source database: ${redactSecrets(String((err as Error)?.message ?? err))}`)
}
