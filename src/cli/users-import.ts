// `tokenwarden users import`: accounts from another stack into tokenwarden's database, keeping
// their ids and password hashes (see core/accounts/import.ts for the rules). Sources: a Flask
// app's live database (`--from <DATABASE_URL>`, SQLite, PostgreSQL or MySQL, read and never
// written; `--flask-sqlite app.db` is `--from sqlite:app.db`), or a JSONL / CSV export with
// fields id, email, username?, password_hash, roles?, created_at?. A progress bar is drawn on
// standard error when it is a terminal. Output names rows by number and never shows a hash.
// Exit code: 0 nothing refused, 1 rows refused, 2 usage/config.

import { Command, Option } from 'commander'
import { importUsers, type ImportIssue, type ImportReport } from '../core/accounts/import.js'
import { systemClock } from '../core/clock.js'
import { ConfigError, parseConfig } from '../core/config.js'
import { bcryptReady } from '../core/passwords/bcrypt.js'
import { createStore } from '../store/create.js'
import { databaseSource, parseColumns } from './import-database.js'
import { progressBar, type ProgressStream } from './import-progress.js'
import { fileSource, SourceError, type ImportSource } from './import-source.js'
import { exits } from './program.js'
import type { UsersIo } from './users.js'

const IMPORT_HELP = `
Password hashes are kept (Werkzeug pbkdf2/scrypt, bcrypt $2a$/$2b$/$2y$, passlib pbkdf2, argon2) and
become argon2id at each user's next login. Rows whose email already has an account are skipped,
so the import can be run again.`

type Env = Record<string, string | undefined>

/** What `users import` writes to, plus where its progress bar may go. */
export interface ImportIo extends UsersIo {
  /** Drawn on only when it is a terminal. default: process.stderr */
  progress?: ProgressStream
}

/** `users import`'s options, as the parser hands them over. */
export interface ImportOptions {
  from?: string
  flaskSqlite?: string
  table?: string
  columns?: string
  format?: string
  dryRun?: boolean
  verified?: boolean
  json?: boolean
}

/** `tokenwarden users import` declared for the parser; the action returns its exit code. */
export function importCommand(env: Env, io: ImportIo): Command {
  return new Command('import')
    .description('accounts from a Flask app\'s database or a JSONL / CSV export, keeping ids and password hashes')
    .argument('[file]', 'FILE.jsonl or FILE.csv: one account per line/row: id, email, username?, password_hash, roles?, created_at?')
    .option('--from <database-url>', "a Flask app's database, read and never written: sqlite:PATH (opened read-only), postgres://..., mysql://... (or mariadb://...)")
    .option('--flask-sqlite <path>', 'the same as --from sqlite:PATH')
    .option('--table <name>', 'its users table, NAME or SCHEMA.NAME (default: user)')
    .option('--columns <f=col,...>', 'which column holds each field: id, email, password, username, roles, created_at (default: the column of the field\'s name; password or password_hash for password)')
    .addOption(new Option('--format <format>', 'the file\'s format when its name does not end in .jsonl or .csv').choices(['jsonl', 'csv']))
    .option('--dry-run', 'check every row and report, write nothing')
    .option('--verified', 'count the imported email addresses as verified (default: each user follows a verification link first)')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', IMPORT_HELP)
    .action(exits((file: string | undefined, o: ImportOptions) => runImport(file, o, env, io)))
}

/**
 * Imports from one source; returns the exit code.
 *
 * @example
 * process.exitCode = await runImport(undefined, { from: 'postgres://flask@db/app', table: 'user' }, process.env, io)
 */
export async function runImport(file: string | undefined, values: ImportOptions, env: Env, io: ImportIo): Promise<number> {
  const positionals = file === undefined ? [] : [file]
  const flask = values.flaskSqlite
  const from = flask === undefined ? values.from : `sqlite:${flask}`
  if (positionals.length + (values.from === undefined ? 0 : 1) + (flask === undefined ? 0 : 1) !== 1) {
    io.err('tokenwarden users import: give one source: --from DATABASE_URL, --flask-sqlite PATH, or one FILE.jsonl / FILE.csv (tokenwarden users import --help)')
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
      report = await importUsers({ store, clock: systemClock }, source.records, { dryRun: values.dryRun === true, verified: values.verified === true, onRecord: progress.tick })
    } finally {
      progress.stop()
    }
    printReport(io, report, values.json === true, values.dryRun === true)
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
