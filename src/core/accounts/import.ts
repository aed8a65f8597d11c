// Importing accounts from another stack (a Flask + PyJWT app's `user` table, a JSONL or CSV
// export). The rules that keep a migration safe:
// - ids are kept, as strings, so a token whose `sub` is "42" still names the same user;
// - emails and usernames are normalized exactly as registration does;
// - password hashes are kept as they are when tokenwarden can verify them (argon2 PHC,
//   Werkzeug pbkdf2/scrypt, bcrypt $2a$/$2b$/$2y$) and upgraded at the user's next login; any
//   other is refused;
// - a row whose email already has an account is skipped, so a re-run imports nothing twice;
// - a refused row is reported by its row number and a fixed reason: never its hash, and never
//   the offending value (it may hold control characters meant for the terminal).

import { isoAt } from '../context.js'
import type { Clock } from '../clock.js'
import { passwordHashFormat, type PasswordHashFormat } from '../passwords/formats.js'
import type { Store } from '../store.js'
import { rolesProblem } from './admin.js'
import { DEFAULT_ROLES, emailProblem, normalizeEmail, normalizeUsername, usernameProblem } from './rules.js'

/** One record as read from the source, before any checking. */
export interface ImportRecord {
  /** 1-based position among the data records (the header is not a row). */
  row: number
  /** Where the record starts in a text file, 1-based; absent for a database table. */
  line?: number
  /** id, email, username?, password_hash (or password), roles?, created_at? */
  fields: Readonly<Record<string, unknown>>
  /** Why the reader could not make sense of the record (e.g. a line that is not JSON): refused as is. */
  problem?: string
}

export interface ImportIssue {
  row: number
  line?: number
  /** The account id, when the row had a valid one. */
  id?: string
  reason: string
}

export interface ImportReport {
  imported: number
  skipped: ImportIssue[]
  refused: ImportIssue[]
  /** How many of the imported accounts have each kind of password hash. */
  hashFormats: Partial<Record<PasswordHashFormat, number>>
}

export interface ImportOptions {
  /** Check everything, write nothing. default: false */
  dryRun?: boolean
  /**
   * Count the imported addresses as verified (the source app proved them, or the operator trusts
   * them): with REQUIRE_EMAIL_VERIFICATION its users log in at once. default: false (each must
   * follow a verification link first)
   */
  verified?: boolean
  /** Called once per record, after it was imported, skipped or refused (a progress bar). default: none */
  onRecord?: () => void
}

const ID_RE = /^[\x21-\x7e]{1,64}$/

/**
 * Imports accounts row by row; a refused row never stops the others.
 *
 * @example
 * const report = await importUsers({ store, clock: systemClock }, [
 *   { row: 1, fields: { id: 42, email: 'ada@example.com', password_hash: 'scrypt:32768:8:1$...' } },
 * ])
 * // { imported: 1, skipped: [], refused: [], hashFormats: { 'werkzeug-scrypt': 1 } }
 */
export async function importUsers(
  ctx: { store: Store; clock: Clock },
  records: Iterable<ImportRecord> | AsyncIterable<ImportRecord>,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const report: ImportReport = { imported: 0, skipped: [], refused: [], hashFormats: {} }
  // First row of each id, email and username seen in this source: a later one is a duplicate.
  const seen = { id: new Map<string, number>(), email: new Map<string, number>(), username: new Map<string, number>() }
  for await (const record of records) {
    const at = { row: record.row, ...(record.line === undefined ? {} : { line: record.line }) }
    const checked = record.problem ?? checkRecord(record.fields)
    const outcome = typeof checked === 'string' ? { refused: checked } : await importOne(ctx, checked, seen, record.row, options)
    const issue = typeof checked === 'string' ? at : { ...at, id: checked.id }
    if ('refused' in outcome) report.refused.push({ ...issue, reason: outcome.refused })
    else if ('skipped' in outcome) report.skipped.push({ ...issue, reason: outcome.skipped })
    else {
      report.imported++
      report.hashFormats[outcome.imported] = (report.hashFormats[outcome.imported] ?? 0) + 1
    }
    options.onRecord?.()
  }
  return report
}

type Outcome = { imported: PasswordHashFormat } | { skipped: string } | { refused: string }

/** Imports one checked record (or, on a dry run, finds that it would be). */
async function importOne(
  ctx: { store: Store; clock: Clock },
  checked: CheckedRecord,
  seen: Record<'id' | 'email' | 'username', Map<string, number>>,
  row: number,
  { dryRun = false, verified = false }: ImportOptions,
): Promise<Outcome> {
  const dup = duplicateOf(seen, checked, row)
  if (dup !== undefined) return { refused: dup }
  const existing = await ctx.store.findUserByEmail(checked.email)
  if (existing !== undefined) {
    return { skipped: existing.id === checked.id ? 'already imported' : `email already belongs to account ${existing.id} (tokens naming ${checked.id} will not find it)` }
  }
  if ((await ctx.store.findUserById(checked.id)) !== undefined) return { refused: 'id already belongs to an account with another email' }
  if (checked.username !== null && (await ctx.store.findUserByUsername(checked.username)) !== undefined) {
    return { refused: 'username already belongs to another account' }
  }
  if (!dryRun) {
    const { format: _format, ...account } = checked
    const now = isoAt(ctx.clock.now())
    const result = await ctx.store.createUser({ ...account, emailVerifiedAt: verified ? now : null, createdAt: account.createdAt ?? now })
    if (!result.ok) return result.conflict === 'email' ? { skipped: 'email already exists' } : { refused: 'username already belongs to another account' }
  }
  return { imported: checked.format }
}

interface CheckedRecord {
  id: string
  email: string
  username: string | null
  passwordHash: string
  format: PasswordHashFormat
  roles: string[]
  createdAt: string | undefined
}

/** The normalized account, or why the record is refused. */
function checkRecord(f: Readonly<Record<string, unknown>>): CheckedRecord | string {
  const id = typeof f.id === 'number' && Number.isSafeInteger(f.id) ? String(f.id) : typeof f.id === 'bigint' ? f.id.toString() : f.id
  if (typeof id !== 'string' || !ID_RE.test(id)) return 'id must be 1 to 64 printable characters (or a whole number)'
  if (typeof f.email !== 'string' || emailProblem(f.email) !== undefined) return 'email must be a valid email address'
  const rawUsername = f.username === undefined || f.username === null || f.username === '' ? null : f.username
  if (rawUsername !== null && (typeof rawUsername !== 'string' || usernameProblem(rawUsername) !== undefined)) {
    return 'username must be 3 to 32 characters of a-z, 0-9, _ . -'
  }
  const hash = f.password_hash ?? f.password
  const format = typeof hash === 'string' ? passwordHashFormat(hash) : undefined
  if (typeof hash !== 'string' || format === undefined) {
    return 'password_hash is not a format tokenwarden verifies (Werkzeug pbkdf2/scrypt, bcrypt $2a$/$2b$/$2y$, argon2 PHC)'
  }
  const roles = parseRoles(f.roles)
  if (roles === undefined) return 'roles must be a list of role names (A-Z a-z 0-9 _ . : -, at most 32)'
  const createdAt = parseTime(f.created_at)
  if (createdAt === null) return 'created_at must be an ISO-8601 date and time'
  return { id, email: normalizeEmail(f.email), username: rawUsername === null ? null : normalizeUsername(rawUsername), passwordHash: hash, format, roles, createdAt }
}

/** An array of names, or one string of names separated by spaces, commas or semicolons. */
function parseRoles(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '') return [...DEFAULT_ROLES]
  const list = typeof value === 'string' ? value.split(/[\s,;]+/).filter((r) => r !== '') : value
  if (!Array.isArray(list) || !list.every((r): r is string => typeof r === 'string')) return undefined
  const roles = [...new Set(list)]
  return roles.length === 0 || rolesProblem(roles) !== undefined ? undefined : roles
}

/** undefined when absent, null when unreadable. Accepts ISO-8601 and SQLite's `YYYY-MM-DD HH:MM:SS` (UTC). */
function parseTime(value: unknown): string | undefined | null {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') return null
  const sqlite = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value) ? `${value.replace(' ', 'T')}Z` : value
  if (!/^\d{4}-\d{2}-\d{2}T/.test(sqlite)) return null
  const ms = Date.parse(sqlite)
  return Number.isNaN(ms) ? null : isoAt(ms)
}

function duplicateOf(seen: Record<'id' | 'email' | 'username', Map<string, number>>, r: CheckedRecord, row: number): string | undefined {
  const keys: ['id' | 'email' | 'username', string | null][] = [['id', r.id], ['email', r.email], ['username', r.username]]
  for (const [field, value] of keys) {
    const first = value === null ? undefined : seen[field].get(value)
    if (first !== undefined) return `duplicate ${field} (first seen in row ${first})`
  }
  for (const [field, value] of keys) if (value !== null) seen[field].set(value, row)
  return undefined
}
