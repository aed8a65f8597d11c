// `tokenwarden users import`: accounts from another stack into tokenwarden's database, keeping
// their ids and password hashes (see core/accounts/import.ts for the rules). Sources: a Flask
// app's live database (`--from <DATABASE_URL>`, SQLite, PostgreSQL or MySQL, read and never
// written; `--flask-sqlite app.db` is `--from sqlite:app.db`), or a JSONL / CSV export with
// fields id, email, username?, password_hash, roles?, created_at?. A progress bar is drawn on
// standard error when it is a terminal. Output names rows by number and never shows a hash.
// Exit code: 0 nothing refused, 1 rows refused, 2 usage/config.

import { parseArgs } from 'node:util'
import { importUsers, type ImportIssue, type ImportReport } from '../core/accounts/import.js'
import { systemClock } from '../core/clock.js'
import { ConfigError, parseConfig } from '../core/config.js'
import { bcryptReady } from '../core/passwords/bcrypt.js'
import { createStore } from '../store/create.js'
import { databaseSource, parseColumns } from './import-database.js'
import { progressBar, type ProgressStream } from './import-progress.js'
import { fileSource, SourceError, type ImportSource } from './import-source.js'
import type { UsersIo } from './users.js'

export const IMPORT_USAGE = `Usage: tokenwarden users import (--from DATABASE_URL | --flask-sqlite PATH | FILE.jsonl | FILE.csv) [options]

  --from DATABASE_URL  a Flask app's database, read and never written: sqlite:PATH (opened
                       read-only), postgres://..., mysql://... (or mariadb://...)
  --table NAME         its users table, NAME or SCHEMA.NAME (default: user)
  --columns F=COL,...  which column holds each field: id, email, password, username, roles,
                       created_at (default: the column of the field's name; password or
                       password_hash for password; username, created_at when present)
  --flask-sqlite PATH  the same as --from sqlite:PATH
  FILE.jsonl|FILE.csv  one account per line/row: id, email, username?, password_hash, roles?, created_at?
  --format jsonl|csv   when the file name does not end in .jsonl or .csv
  --dry-run            check every row and report, write nothing
  --json               print the report as JSON
Password hashes are kept (Werkzeug pbkdf2/scrypt, bcrypt $2a$/$2b$/$2y$, argon2) and become
argon2id at each user's next login. Rows whose email already has an account are skipped, so the
import can be run again.`

type Env = Record<string, string | undefined>

/** What `users import` writes to, plus where its progress bar may go. */
export interface ImportIo extends UsersIo {
  /** Drawn on only when it is a terminal. default: process.stderr */
  progress?: ProgressStream
}

/**
 * Runs `tokenwarden users import ...`; returns the exit code.
 *
 * @example
 * process.exitCode = await importMain(['--from', 'postgres://flask@db/app', '--table', 'user'], process.env, io)
 */
export async function importMain(argv: string[], env: Env, io: ImportIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        'flask-sqlite': { type: 'string' },
        table: { type: 'string' },
        columns: { type: 'string' },
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
  const from = flask === undefined ? values.from : `sqlite:${flask}`
  if (positionals.length + (values.from === undefined ? 0 : 1) + (flask === undefined ? 0 : 1) !== 1) {
    io.err(`tokenwarden users import: give one source: --from DATABASE_URL, --flask-sqlite PATH, or one FILE.jsonl / FILE.csv\n\n${IMPORT_USAGE}`)
    return 2
  }
  let source: ImportSource | undefined
  let store: Awaited<ReturnType<typeof createStore>> | undefined
  try {
    // The configuration first: a bad one stops the import before any source is opened.
    const config = parseConfig(env)
    if (from !== undefined) {
      source = await databaseSource(from, values.table ?? 'user', parseColumns(values.columns))
    } else {
      if (values.table !== undefined || values.columns !== undefined) throw new SourceError('--table and --columns go with --from or --flask-sqlite')
      source = fileSource(positionals[0]!, values.format)
    }
    store = await createStore({ databaseUrl: config.databaseUrl, poolMax: config.databasePoolMax })
    await store.migrate()
    const progress = await progressBar(source.total, io.progress ?? process.stderr)
    let report: ImportReport
    try {
      report = await importUsers({ store, clock: systemClock }, source.records, { dryRun: values['dry-run'] === true, onRecord: progress.tick })
    } finally {
      progress.stop()
    }
    printReport(io, report, values.json === true, values['dry-run'] === true)
    await warnIfBcryptMissing(io, report)
    return report.refused.length > 0 ? 1 : 0
  } catch (err) {
    if (err instanceof SourceError) io.err(`tokenwarden users import: ${err.message}`)
    else if (err instanceof ConfigError) io.err(`tokenwarden: configuration error: ${err.message}`)
    else throw err
    return 2
  } finally {
    await source?.close()
    await store?.close()
  }
}

function printReport(io: UsersIo, report: ImportReport, json: boolean, dryRun: boolean): void {
  if (json) {
    const { imported, skipped, refused, hashFormats } = report
    io.out(JSON.stringify({ imported, skipped, refused, hash_formats: hashFormats, dry_run: dryRun }))
    return
  }
  for (const issue of report.refused) io.err(describe(issue, 'refused'))
  for (const issue of report.skipped) if (issue.reason !== 'already imported') io.out(describe(issue, 'skipped'))
  const verb = dryRun ? 'Would import' : 'Imported'
  io.out(`${verb} ${report.imported}, skipped ${report.skipped.length} (email already exists), refused ${report.refused.length}.`)
}

function describe(issue: ImportIssue, what: string): string {
  const where = [issue.line === undefined ? undefined : `line ${issue.line}`, issue.id === undefined ? undefined : `id ${JSON.stringify(issue.id)}`]
  const detail = where.filter((w) => w !== undefined).join(', ')
  return `row ${issue.row}${detail === '' ? '' : ` (${detail})`}: ${what}: ${issue.reason}`
}

/** bcrypt hashes log in only where @node-rs/bcrypt is installed: say so now, not at their first login. */
async function warnIfBcryptMissing(io: UsersIo, report: ImportReport): Promise<void> {
  const count = report.hashFormats.bcrypt ?? 0
  if (count === 0) return
  try {
    await bcryptReady()
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    io.err(`tokenwarden users import: warning: ${count} account(s) have bcrypt password hashes, which cannot be checked here: ${err.message}`)
  }
}
