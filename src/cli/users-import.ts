// `tokenwarden users import`: accounts from another stack into tokenwarden's database, keeping
// their ids and password hashes (see core/accounts/import.ts for the rules). Sources: a Flask
// app's SQLite database (`--flask-sqlite app.db`, opened read-only), or a JSONL / CSV export
// with fields id, email, username?, password_hash, roles?, created_at?. Output names rows by
// number and never shows a hash. Exit code: 0 nothing refused, 1 rows refused, 2 usage/config.

import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import { parseArgs } from 'node:util'
import SqliteDatabase from 'better-sqlite3'
import { importUsers, type ImportIssue, type ImportRecord } from '../core/accounts/import.js'
import { systemClock } from '../core/clock.js'
import { ConfigError, parseConfig } from '../core/config.js'
import { createStore } from '../store/create.js'
import { parseCsv } from './csv.js'
import type { UsersIo } from './users.js'

export const IMPORT_USAGE = `Usage: tokenwarden users import (--flask-sqlite PATH [--table user] | FILE.jsonl | FILE.csv) [options]

  --flask-sqlite PATH  a Flask app's SQLite database, opened read-only; the table (default: user)
                       has id, email, password (or password_hash), and optionally username, created_at
  FILE.jsonl|FILE.csv  one account per line/row: id, email, username?, password_hash, roles?, created_at?
  --format jsonl|csv   when the file name does not end in .jsonl or .csv
  --dry-run            check every row and report, write nothing
  --json               print the report as JSON
Password hashes are kept (Werkzeug pbkdf2/scrypt, argon2) and become argon2id at each user's next
login. Rows whose email already has an account are skipped, so the import can be run again.`

/** Thrown for a source that cannot be read at all: a usage error (exit 2), not a refused row. */
class SourceError extends Error {}

type Env = Record<string, string | undefined>

/**
 * Runs `tokenwarden users import ...`; returns the exit code.
 *
 * @example
 * process.exitCode = await importMain(['--flask-sqlite', 'instance/app.db'], process.env, io)
 */
export async function importMain(argv: string[], env: Env, io: UsersIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'flask-sqlite': { type: 'string' },
        table: { type: 'string' },
        format: { type: 'string' },
        'dry-run': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (err) {
    io.err(`tokenwarden users import: ${(err as Error).message}\n\n${IMPORT_USAGE}`)
    return 2
  }
  const { positionals, values } = parsed
  if (values.help === true) {
    io.out(IMPORT_USAGE)
    return 0
  }
  const flask = values['flask-sqlite']
  const sources = positionals.length + (flask === undefined ? 0 : 1)
  if (sources !== 1) {
    io.err(`tokenwarden users import: give either --flask-sqlite PATH or one FILE.jsonl / FILE.csv\n\n${IMPORT_USAGE}`)
    return 2
  }
  let records: Iterable<ImportRecord>
  let close = () => {}
  try {
    if (flask !== undefined) {
      const source = flaskRecords(flask, values.table ?? 'user')
      records = source.records
      close = source.close
    } else {
      if (values.table !== undefined) throw new SourceError('--table goes with --flask-sqlite')
      records = fileRecords(positionals[0]!, values.format)
    }
  } catch (err) {
    if (!(err instanceof SourceError)) throw err
    io.err(`tokenwarden users import: ${err.message}`)
    return 2
  }
  let config
  try {
    config = parseConfig(env)
  } catch (err) {
    close()
    if (!(err instanceof ConfigError)) throw err
    io.err(`tokenwarden: configuration error: ${err.message}`)
    return 2
  }
  const store = await createStore({ databaseUrl: config.databaseUrl, poolMax: config.databasePoolMax })
  try {
    await store.migrate()
    const report = await importUsers({ store, clock: systemClock }, records, { dryRun: values['dry-run'] === true })
    if (values.json === true) {
      io.out(JSON.stringify({ imported: report.imported, skipped: report.skipped, refused: report.refused, dry_run: values['dry-run'] === true }))
    } else {
      for (const issue of report.refused) io.err(describe(issue, 'refused'))
      for (const issue of report.skipped) if (issue.reason !== 'already imported') io.out(describe(issue, 'skipped'))
      const verb = values['dry-run'] === true ? 'Would import' : 'Imported'
      io.out(`${verb} ${report.imported}, skipped ${report.skipped.length} (email already exists), refused ${report.refused.length}.`)
    }
    return report.refused.length > 0 ? 1 : 0
  } catch (err) {
    if (!(err instanceof SourceError)) throw err
    io.err(`tokenwarden users import: ${err.message}`)
    return 2
  } finally {
    close()
    await store.close()
  }
}

function describe(issue: ImportIssue, what: string): string {
  const where = [issue.line === undefined ? undefined : `line ${issue.line}`, issue.id === undefined ? undefined : `id ${JSON.stringify(issue.id)}`]
  const detail = where.filter((w) => w !== undefined).join(', ')
  return `row ${issue.row}${detail === '' ? '' : ` (${detail})`}: ${what}: ${issue.reason}`
}

/** The Flask app's user table, read-only, ids as exact integers (bigint) or text. */
function flaskRecords(path: string, table: string): { records: Iterable<ImportRecord>; close: () => void } {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(table)) throw new SourceError('--table must be a plain SQL table name')
  let db: SqliteDatabase.Database
  try {
    db = new SqliteDatabase(path, { readonly: true, fileMustExist: true })
  } catch {
    throw new SourceError(`cannot open ${JSON.stringify(path)} as a SQLite database`)
  }
  try {
    const columns = new Set((db.pragma(`table_info("${table}")`) as { name: string }[]).map((c) => c.name.toLowerCase()))
    if (columns.size === 0) throw new SourceError(`no table "${table}" in ${JSON.stringify(path)} (use --table)`)
    const password = columns.has('password') ? 'password' : columns.has('password_hash') ? 'password_hash' : undefined
    const missing = ['id', 'email'].filter((c) => !columns.has(c)).concat(password === undefined ? ['password'] : [])
    if (missing.length > 0) throw new SourceError(`table "${table}" lacks column(s): ${missing.join(', ')}`)
    const select = ['id', 'email', `${password} AS password_hash`, ...['username', 'created_at'].filter((c) => columns.has(c))]
    const statement = db.prepare(`SELECT ${select.join(', ')} FROM "${table}" ORDER BY id`).safeIntegers(true)
    function* rows(): Generator<ImportRecord> {
      let row = 0
      for (const fields of statement.iterate() as Iterable<Record<string, unknown>>) yield { row: ++row, fields }
    }
    return { records: rows(), close: () => db.close() }
  } catch (err) {
    db.close()
    if (err instanceof SourceError) throw err
    throw new SourceError(`cannot read table "${table}": ${(err as Error).message}`)
  }
}

function fileRecords(path: string, format: string | undefined): Iterable<ImportRecord> {
  const kind = format ?? { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.csv': 'csv' }[extname(path).toLowerCase()]
  if (kind !== 'jsonl' && kind !== 'csv') throw new SourceError('the file must end in .jsonl or .csv, or give --format jsonl|csv')
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    throw new SourceError(`cannot read ${JSON.stringify(path)}`)
  }
  return kind === 'jsonl' ? jsonlRecords(text) : csvRecords(text)
}

function* jsonlRecords(text: string): Generator<ImportRecord> {
  let row = 0
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue
    let fields: unknown
    try {
      fields = JSON.parse(lines[i]!)
    } catch {
      fields = undefined
    }
    // Refused by number; its content is never shown.
    const ok = typeof fields === 'object' && fields !== null && !Array.isArray(fields)
    yield ok ? { row: ++row, line: i + 1, fields: fields as Record<string, unknown> } : { row: ++row, line: i + 1, fields: {}, problem: 'line is not a JSON object' }
  }
}

function csvRecords(text: string): Iterable<ImportRecord> {
  const all = parseCsv(text)
  const header = all.next()
  if (header.done === true) return []
  const names = header.value.cells.map((c) => c.trim().toLowerCase())
  const missing = ['id', 'email'].filter((c) => !names.includes(c))
  if (!names.includes('password_hash') && !names.includes('password')) missing.push('password_hash')
  if (missing.length > 0) throw new SourceError(`the CSV header lacks column(s): ${missing.join(', ')}`)
  return (function* () {
    let row = 0
    for (const record of all) {
      const fields: Record<string, string> = {}
      names.forEach((name, i) => {
        if (record.cells[i] !== undefined) fields[name] = record.cells[i]!
      })
      yield { row: ++row, line: record.line, fields }
    }
  })()
}
