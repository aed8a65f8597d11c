// `tokenwarden users create | list | import | disable | ...`: accounts from the command line, e.g. the first admin
// (`users create --email root@example.com --admin`). The password never travels as an
// argument (it would show in `ps` and shell history): it comes from stdin with
// --password-stdin, or from TOKENWARDEN_PASSWORD. Output never includes a password or hash.

import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { ADMIN_ROLES } from '../core/accounts/bootstrap.js'
import { DEFAULT_ROLES } from '../core/accounts/rules.js'
import { createAuth } from '../core/auth.js'
import { ConfigError, parseConfig, type ServerConfig } from '../core/config.js'
import { isAuthError } from '../core/errors.js'
import type { User } from '../core/accounts/user.js'
import type { Store } from '../core/store.js'
import { Keyring } from '../core/tokens/keyring.js'
import { createStore } from '../store/create.js'
import { loadEnv } from './env.js'
import { importMain } from './users-import.js'
import { adminCommand, isAdminCommand } from './users-admin.js'

export const USERS_USAGE = `Usage: tokenwarden users <create|list|import|disable|enable|roles|delete|revoke> [options]

  create --email EMAIL [--username NAME] [--admin] [--password-stdin]
         the password is read from stdin with --password-stdin, else from TOKENWARDEN_PASSWORD
  list [--q TEXT] [--limit N] [--offset N] [--json]
  import (--from DATABASE_URL [--table user] [--columns F=COL,...] | FILE.jsonl | FILE.csv) [--dry-run] [--json]
         keeps ids and password hashes (tokenwarden users import --help)
  disable | enable | delete | revoke (--email EMAIL | --id ID)
         revoke ends every session; running servers refuse the account's tokens within their bound
  roles (--email EMAIL | --id ID) --set ROLE[,ROLE...]
         the complete new role list; removing a role ends the account's sessions`

export interface UsersIo {
  out(line: string): void
  err(line: string): void
  /** All of standard input, as text. */
  readStdin(): Promise<string>
}

const consoleIo: UsersIo = {
  out: (l) => console.log(l),
  err: (l) => console.error(l),
  async readStdin() {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  },
}

type Env = Record<string, string | undefined>

/**
 * Runs `tokenwarden users ...`; returns the exit code (0 done, 1 refused, 2 usage or configuration).
 *
 * @example
 * // echo "$PASSWORD" | tokenwarden users create --email root@example.com --admin --password-stdin
 * process.exitCode = await usersMain(['create', '--email', 'root@example.com', '--admin', '--password-stdin'])
 */
export async function usersMain(argv: string[], env: Env = loadEnv(), io: UsersIo = consoleIo): Promise<number> {
  // `import` has options of its own (--from, --table, --columns, --dry-run).
  if (argv[0] === 'import') return importMain(argv.slice(1), env, io)
  if (argv.some((a) => a === '--password' || a.startsWith('--password='))) {
    io.err('tokenwarden users: --password is not accepted (it would show in ps and shell history); use --password-stdin or TOKENWARDEN_PASSWORD')
    return 2
  }
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        email: { type: 'string' },
        id: { type: 'string' },
        set: { type: 'string' },
        username: { type: 'string' },
        admin: { type: 'boolean' },
        'password-stdin': { type: 'boolean' },
        q: { type: 'string' },
        limit: { type: 'string' },
        offset: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (err) {
    io.err(`tokenwarden users: ${(err as Error).message}\n\n${USERS_USAGE}`)
    return 2
  }
  const { positionals, values } = parsed
  const command = positionals[0]
  if (values.help === true || (command !== 'create' && command !== 'list' && !isAdminCommand(command))) {
    ;(values.help === true ? io.out : io.err)(USERS_USAGE)
    return values.help === true ? 0 : 2
  }
  let config
  try {
    config = parseConfig(env)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    io.err(`tokenwarden: configuration error: ${err.message}`)
    return 2
  }
  if (isAdminCommand(command)) {
    return withStore(config, (store) => adminCommand(accountService(store, config), command, { email: values.email, id: values.id, set: values.set }, io))
  }
  if (command === 'create') {
    if (values.email === undefined) {
      io.err(`tokenwarden users create: --email is required\n\n${USERS_USAGE}`)
      return 2
    }
    const password = values['password-stdin'] === true ? stripNewline(await io.readStdin()) : env.TOKENWARDEN_PASSWORD
    if (password === undefined || password === '') {
      io.err('tokenwarden users create: no password: pipe it with --password-stdin or set TOKENWARDEN_PASSWORD')
      return 2
    }
    return withStore(config, (store) =>
      create(store, config, { email: values.email!, username: values.username, password, admin: values.admin === true, json: values.json === true }, io),
    )
  }
  const limit = count(values.limit, 50, 1, 1000)
  const offset = count(values.offset, 0, 0, Number.MAX_SAFE_INTEGER)
  if (limit === undefined || offset === undefined) {
    io.err('tokenwarden users list: --limit must be 1 to 1000 and --offset a whole number')
    return 2
  }
  return withStore(config, (store) => list(store, { q: values.q, limit, offset, json: values.json === true }, io))
}

async function withStore(config: { databaseUrl: string; databasePoolMax: number }, run: (store: Store) => Promise<number>): Promise<number> {
  const store = await createStore({ databaseUrl: config.databaseUrl, poolMax: config.databasePoolMax })
  try {
    await store.migrate()
    return await run(store)
  } finally {
    await store.close()
  }
}

/** The auth service for account work: the CLI issues no tokens, so a throwaway key fills the ring. */
function accountService(store: Store, config: Pick<ServerConfig, 'argon2' | 'passwordMinLength'> | undefined) {
  return createAuth({
    store,
    argon2: config?.argon2,
    passwordMinLength: config?.passwordMinLength,
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
    const user = await auth.accounts.register({ email: o.email, username: o.username, password: o.password, roles: o.admin ? ADMIN_ROLES : DEFAULT_ROLES })
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

function count(text: string | undefined, fallback: number, min: number, max: number): number | undefined {
  if (text === undefined) return fallback
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) return undefined
  return Number(text)
}
