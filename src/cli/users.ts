// `tokenwarden users create | list | import | disable | ...`: accounts from the command line, e.g. the first admin
// (`users create --email root@example.com --admin`). The password never travels as an
// argument (it would show in `ps` and shell history): it comes from stdin with
// --password-stdin, or from TOKENWARDEN_PASSWORD. Output never includes a password or hash.

import { randomBytes } from 'node:crypto'
import { Command, Option } from 'commander'
import { ADMIN_ROLES } from '../core/accounts/bootstrap.js'
import { DEFAULT_ROLES } from '../core/accounts/rules.js'
import { createAuth } from '../core/auth.js'
import type { ServerConfig } from '../core/config.js'
import { isAuthError } from '../core/errors.js'
import type { User } from '../core/accounts/user.js'
import type { Store } from '../core/store.js'
import { Keyring } from '../core/tokens/keyring.js'
import { loadEnv } from './env.js'
import { importCommand } from './users-import.js'
import { ADMIN_COMMANDS, ADMIN_DESCRIPTIONS, adminCommand, CLI_SOURCE } from './users-admin.js'
import { consoleIo, EXIT_USAGE, exits, readStdin, runProgram, wholeNumber, type CliIo } from './program.js'
import { withConfig, withStore } from './run-with.js'

export interface UsersIo extends CliIo {
  /** All of standard input, as text. */
  readStdin(): Promise<string>
  /** Asks a yes/no question on the terminal; absent when stdin or stdout is not a terminal. */
  confirm?(question: string): Promise<boolean>
}

/** The real terminal's io: `confirm` only when both stdin and stdout are a terminal. */
export function consoleUsersIo(): UsersIo {
  const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true
  return { ...consoleIo, readStdin, ...(terminal ? { confirm: askYesNo } : {}) }
}

async function askYesNo(question: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises')
  const rl = createInterface({ input: process.stdin, output: process.stdout })
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim())
  } finally {
    rl.close()
  }
}

type Env = Record<string, string | undefined>

/** `tokenwarden users ...` declared for the parser; each action returns its exit code (0 done, 1 refused, 2 usage or configuration). */
export function usersCommand(env: Env, io: UsersIo): Command {
  const users = new Command('users').description('create, list, import and change accounts')
  users
    .command('create')
    .description('create an account; the password comes from stdin (--password-stdin) or TOKENWARDEN_PASSWORD, never an argument')
    .requiredOption('--email <email>', 'its email address')
    .option('--username <name>', 'an optional username')
    .option('--admin', 'give it the admin role')
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'print the account as JSON')
    // Refused with the reason, rather than as an unknown option.
    .addOption(new Option('--password <password>').hideHelp())
    .action(exits((o: { email: string; username?: string; admin?: boolean; passwordStdin?: boolean; json?: boolean; password?: string }) => {
      if (o.password !== undefined) {
        io.err('tokenwarden users create: --password is not accepted (it would show in ps and shell history); use --password-stdin or TOKENWARDEN_PASSWORD')
        return EXIT_USAGE
      }
      return createCommand(env, io, o)
    }))
  users
    .command('list')
    .description('list accounts, newest first')
    .option('--q <text>', 'only accounts whose email or username contains TEXT')
    .option('--limit <n>', 'at most N (1 to 1000)', wholeNumber(1, 1000), 50)
    .option('--offset <n>', 'skip the first N', wholeNumber(0, Number.MAX_SAFE_INTEGER), 0)
    .option('--json', 'print JSON')
    .action(exits((o: { q?: string; limit: number; offset: number; json?: boolean }) =>
      withConfig(env, io, (config) => withStore(config, (store) => list(store, { q: o.q, limit: o.limit, offset: o.offset, json: o.json === true }, io))),
    ))
  users.addCommand(importCommand(env, io))
  for (const command of ADMIN_COMMANDS) {
    const cmd = users.command(command).description(ADMIN_DESCRIPTIONS[command]).argument('[email]', 'the account\'s email (or --email / --id)')
    if (command === 'set-roles') cmd.alias('roles').argument('[roles]', 'the complete new role list, comma-separated (or --set)')
    cmd.option('--email <email>', 'the account\'s email').option('--id <id>', 'the account\'s id')
    if (command === 'set-roles') cmd.option('--set <roles>', "the complete new role list, comma-separated ('' removes every role)")
    if (command === 'delete') cmd.option('-y, --yes', 'do not ask for confirmation (required when not on a terminal)')
    cmd.action(exits(async (...args: unknown[]) => {
      const positional = args.slice(0, command === 'set-roles' ? 2 : 1) as (string | undefined)[]
      const o = args[positional.length] as { email?: string; id?: string; set?: string; yes?: boolean }
      const target = { email: positional[0] ?? o.email, id: o.id, set: positional[1] ?? o.set, yes: o.yes === true, both: positional[0] !== undefined && o.email !== undefined }
      return withConfig(env, io, (config) => withStore(config, (store) => adminCommand(accountService(store, config), command, target, io)))
    }))
  }
  return users
}

/**
 * Runs `tokenwarden users <argv>`; returns the exit code (0 done, 1 refused, 2 usage or configuration).
 *
 * @example
 * // echo "$PASSWORD" | tokenwarden users create --email root@example.com --admin --password-stdin
 * process.exitCode = await usersMain(['create', '--email', 'root@example.com', '--admin', '--password-stdin'])
 */
export async function usersMain(argv: string[], env: Env = loadEnv(), io: UsersIo = consoleUsersIo()): Promise<number> {
  return runProgram(new Command('tokenwarden').addCommand(usersCommand(env, io)), ['users', ...argv], io)
}

async function createCommand(env: Env, io: UsersIo, o: { email: string; username?: string; admin?: boolean; passwordStdin?: boolean; json?: boolean }): Promise<number> {
  return withConfig(env, io, async (config) => {
    const password = o.passwordStdin === true ? stripNewline(await io.readStdin()) : env.TOKENWARDEN_PASSWORD
    if (password === undefined || password === '') {
      io.err('tokenwarden users create: no password: pipe it with --password-stdin or set TOKENWARDEN_PASSWORD')
      return EXIT_USAGE
    }
    return withStore(config, (store) => create(store, config, { email: o.email, username: o.username, password, admin: o.admin === true, json: o.json === true }, io))
  })
}



/** The auth service for account work: the CLI issues no tokens, so a throwaway key fills the ring. */
export function accountService(store: Store, config: Partial<Pick<ServerConfig, 'argon2' | 'passwordMinLength' | 'auditRetention'>> | undefined) {
  return createAuth({
    store,
    argon2: config?.argon2,
    passwordMinLength: config?.passwordMinLength,
    auditRetention: config?.auditRetention,
    keyring: Keyring.of([{ alg: 'HS256', secret: randomBytes(32).toString('base64url') }]),
  })
}

interface CreateOptions {
  email: string
  username: string | undefined
  password: string
  admin: boolean
  json: boolean
}

async function create(store: Store, config: ServerConfig, o: CreateOptions, io: UsersIo): Promise<number> {
  const auth = accountService(store, config)
  try {
    // The operator gives the address: it counts as verified (no link is mailed from the CLI).
    const user = await auth.accounts.register({ email: o.email, username: o.username, password: o.password, roles: o.admin ? ADMIN_ROLES : DEFAULT_ROLES, emailVerified: true }, CLI_SOURCE)
    io.out(o.json ? JSON.stringify(view(user)) : `Created user ${user.id} <${user.email}> roles: ${user.roles.join(', ')}`)
    return 0
  } catch (err) {
    if (!isAuthError(err)) throw err
    io.err(`tokenwarden users create: ${err.code}: ${err.message}`)
    // Input the caller must change (a weak or malformed password) is a usage error, like a bad flag.
    return err.code === 'VALIDATION_FAILED' || err.code === 'PASSWORD_TOO_WEAK' ? 2 : 1
  }
}

async function list(store: Store, o: { q: string | undefined; limit: number; offset: number; json: boolean }, io: UsersIo): Promise<number> {
  const auth = accountService(store, undefined)
  const { users, total } = await auth.admin.listUsers({ q: o.q, limit: o.limit, offset: o.offset })
  if (o.json) {
    io.out(JSON.stringify({ users: users.map(view), total, limit: o.limit, offset: o.offset }))
    return 0
  }
  const rows = [['ID', 'EMAIL', 'USERNAME', 'ROLES', 'DISABLED', 'CREATED'], ...users.map((u) => [u.id, u.email, u.username ?? '-', u.roles.join(','), u.disabled ? 'yes' : 'no', u.createdAt])]
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  for (const r of rows) io.out(r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd())
  io.out(`${users.length} of ${total} users`)
  return 0
}

function view(u: User) {
  return { id: u.id, email: u.email, username: u.username, roles: u.roles, disabled: u.disabled, created_at: u.createdAt }
}

/** `echo pw | ...` appends one newline: strip exactly that, never other whitespace. */
function stripNewline(text: string): string {
  return text.replace(/\r?\n$/, '')
}
