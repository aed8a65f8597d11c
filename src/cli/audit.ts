// `tokenwarden audit`: the audit log from the command line, through the same audit service as
// GET /admin/audit (filters checked alike: a bad one is a usage error, exit 2), and
// `tokenwarden audit prune`, which deletes rows past AUDIT_RETENTION as the server does on its
// own every hour. The table names accounts by their current email where one exists.

import { Command } from 'commander'
import type { AuditRecord } from '../core/audit/types.js'
import { AUDIT_EVENTS } from '../core/audit/types.js'
import { MAX_AUDIT_PAGE } from '../core/audit/service.js'
import type { Auth } from '../core/auth.js'
import { parseDuration } from '../core/config.js'
import { isAuthError } from '../core/errors.js'
import { loadEnv } from './env.js'
import { consoleIo, EXIT_USAGE, exits, runProgram, wholeNumber, type CliIo } from './program.js'
import { withConfig, withStore } from './run-with.js'
import { accountService } from './users.js'

type Env = Record<string, string | undefined>

interface ListOptions {
  user?: string
  event?: string
  since?: string
  until?: string
  limit: number
  offset: number
  json?: boolean
}

/** `tokenwarden audit ...` declared for the parser; each action returns its exit code. */
export function auditCommand(env: Env, io: CliIo, now: () => number = Date.now): Command {
  const audit = new Command('audit')
    .description('show the audit log (security events, newest first); `audit prune` deletes rows past AUDIT_RETENTION')
    .option('--user <email|id>', 'only events the account made or that were about it')
    .option('--event <name>', `only this event: ${AUDIT_EVENTS.join(', ')}`)
    .option('--since <time>', 'only events at or after TIME: ISO-8601 (2026-01-31, 2026-01-31T12:00:00Z) or a duration ago (24h, 7d)')
    .option('--until <time>', 'only events before TIME (same forms)')
    .option('--limit <n>', `at most N (1 to ${MAX_AUDIT_PAGE})`, wholeNumber(1, MAX_AUDIT_PAGE), 50)
    .option('--offset <n>', 'skip the first N', wholeNumber(0, Number.MAX_SAFE_INTEGER), 0)
    .option('--json', 'print JSON: { records, total }')
    .action(exits((o: ListOptions) => withConfig(env, io, (config) => withStore(config, (store) => list(accountService(store, config), o, io, now)))))
  audit
    .command('prune')
    .description('delete audit rows older than AUDIT_RETENTION (0 keeps every row)')
    .action(exits(() =>
      withConfig(env, io, (config) =>
        withStore(config, async (store) => {
          const deleted = await accountService(store, config).audit.prune()
          io.out(config.auditRetention === 0 ? 'AUDIT_RETENTION is 0: every row is kept.' : `Deleted ${deleted} audit rows older than ${config.auditRetention / 86400} days.`)
          return 0
        }),
      ),
    ))
  return audit
}

/**
 * Runs `tokenwarden audit <argv>`; returns the exit code (0 done, 2 usage or configuration).
 *
 * @example
 * process.exitCode = await auditMain(['--user', 'ada@example.com', '--since', '7d'])
 */
export async function auditMain(argv: string[], env: Env = loadEnv(), io: CliIo = consoleIo, now: () => number = Date.now): Promise<number> {
  return runProgram(new Command('tokenwarden').addCommand(auditCommand(env, io, now)), ['audit', ...argv], io)
}

/** `--since 7d` is seven days before now; anything else goes to the service as a time, which checks it. */
function timeArg(value: string | undefined, now: () => number): string | undefined {
  if (value === undefined) return undefined
  const seconds = /^\d+[smhdw]$/.test(value.trim()) ? parseDuration(value) : undefined
  return seconds === undefined ? value : new Date(now() - seconds * 1000).toISOString()
}

async function list(auth: Auth, o: ListOptions, io: CliIo, now: () => number): Promise<number> {
  let userId = o.user
  if (o.user?.includes('@') === true) {
    userId = (await auth.accounts.findByEmail(o.user))?.id
    if (userId === undefined) {
      io.err(`tokenwarden audit: USER_NOT_FOUND: no account <${o.user}> (a deleted account's events are found by its --user ID)`)
      return 1
    }
  }
  let page
  try {
    page = await auth.audit.list({ userId, event: o.event, from: timeArg(o.since, now), to: timeArg(o.until, now), limit: o.limit, offset: o.offset })
  } catch (err) {
    if (!isAuthError(err)) throw err
    const field = err.details?.field === 'from' ? '--since' : err.details?.field === 'to' ? '--until' : `--${String(err.details?.field ?? '')}`
    io.err(`tokenwarden audit: ${err.code}: ${field}: ${err.message}`)
    return EXIT_USAGE
  }
  if (o.json === true) {
    io.out(JSON.stringify({ records: page.records.map(jsonView), total: page.total, limit: o.limit, offset: o.offset }))
    return 0
  }
  const who = await namer(auth)
  const rows = [['AT', 'EVENT', 'OUTCOME', 'REASON', 'ACTOR', 'SUBJECT', 'IP'], ...(await Promise.all(page.records.map(async (r) => [
    r.at, r.event, r.outcome, r.reason ?? '-', r.actorId === null ? (r.detail?.via === 'cli' ? '(cli)' : '-') : await who(r.actorId), r.subjectId === null ? '-' : await who(r.subjectId), r.ip ?? '-',
  ])))]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  for (const r of rows) io.out(r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd())
  io.out(`${page.records.length} of ${page.total} events`)
  return 0
}

/** An account's current email (looked up once), or its id when it is gone. */
async function namer(auth: Auth): Promise<(id: string) => Promise<string>> {
  const names = new Map<string, string>()
  return async (id) => {
    let name = names.get(id)
    if (name === undefined) {
      name = (await auth.accounts.findUser(id))?.email ?? id
      names.set(id, name)
    }
    return name
  }
}

/** The row as GET /admin/audit shows it (snake_case). */
function jsonView(r: AuditRecord) {
  const d = r.detail
  const detail = d === null ? null : { ...(d.via && { via: d.via }), ...(d.roles && { roles: d.roles }), ...(d.previousRoles && { previous_roles: d.previousRoles }), ...(d.disabled !== undefined && { disabled: d.disabled }) }
  return { id: r.id, at: r.at, event: r.event, outcome: r.outcome, reason: r.reason, actor_id: r.actorId, subject_id: r.subjectId, session_id: r.sessionId, ip: r.ip, user_agent: r.userAgent, detail }
}
