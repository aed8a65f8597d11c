// `tokenwarden token inspect | issue`: tokens for operators, checked and signed with the keys the
// server uses (the ring file, or the configured key) against the same database.
//
// inspect  decodes a token (header and claims, as it states them), verifies it as the server
//          would and says whether its session is live; exit 0 accepted, 1 refused. The token
//          is read from the argument or, with none or `-`, from standard input (an argument shows
//          in `ps` and shell history); it is never printed back, and a `csrf` claim is masked.
// issue    opens a session for a user without a password and prints its access token (not
//          fresh: routes that need a recent password check refuse it), on stdout alone, for
//          `TOKEN=$(tokenwarden token issue --user ada@example.com)`; what it is goes to stderr.

import { Command } from 'commander'
import { createAuth, type Auth } from '../core/auth.js'
import { parseDuration, type ServerConfig } from '../core/config.js'
import { ERRORS, isAuthError } from '../core/errors.js'
import type { TokenInspection } from '../core/sessions/service.js'
import type { Store } from '../core/store.js'
import { loadEnv } from './env.js'
import { consoleIo, EXIT_USAGE, exits, readStdin, runProgram, type CliIo } from './program.js'
import { loadKeyring } from './ring.js'
import { withConfig, withStore } from './run-with.js'

type Env = Record<string, string | undefined>

export interface TokenIo extends CliIo {
  /** All of standard input, as text. */
  readStdin(): Promise<string>
}

export const consoleTokenIo: TokenIo = { ...consoleIo, readStdin }

/** Claims whose values are not shown: the double-submit CSRF value is half of a cookie session's proof. */
const MASKED_CLAIMS = new Set(['csrf'])

/** `tokenwarden token ...` declared for the parser; each action returns its exit code. */
export function tokenCommand(env: Env, io: TokenIo): Command {
  const token = new Command('token').description('inspect a token, or issue one for a user')
  token
    .command('inspect')
    .description('decode a token, verify it against the configured keys and say whether its session is live (exit 0 accepted, 1 refused)')
    .argument('[jwt]', 'the token; none or - reads it from standard input (an argument shows in ps and shell history)')
    .option('--json', 'print JSON: header, claims, accepted, code, session_live')
    .action(exits(async (jwt: string | undefined, o: { json?: boolean }) => {
      const text = (jwt === undefined || jwt === '-' ? await io.readStdin() : jwt).trim()
      if (text === '') {
        io.err('tokenwarden token inspect: no token: give it as an argument or on standard input')
        return EXIT_USAGE
      }
      return withConfig(env, io, (config) => withStore(config, async (store) => inspect(operatorAuth(store, config), text, o.json === true, io)))
    }))
  token
    .command('issue')
    .description('open a session for a user (no password) and print its access token; not fresh, no refresh token')
    .requiredOption('--user <email>', 'the account\'s email')
    .option('--ttl <duration>', 'how long the token and its session live, e.g. 900, 15m, 12h, 7d (at most REFRESH_TOKEN_TTL; default ACCESS_TOKEN_TTL)')
    .option('--json', 'print JSON: access_token, token_type, expires_in, session_id, user_id')
    .action(exits((o: { user: string; ttl?: string; json?: boolean }) =>
      withConfig(env, io, async (config) => {
        const ttl = o.ttl === undefined ? config.accessTtl : parseTtl(o.ttl)
        if (ttl === undefined || ttl > config.refreshTtl) {
          io.err(`tokenwarden token issue: --ttl must be a duration from 1s to REFRESH_TOKEN_TTL (${config.refreshTtl}s), e.g. 900, 15m, 12h`)
          return EXIT_USAGE
        }
        return withStore(config, async (store) => issue(operatorAuth(store, config), o.user, ttl, o.json === true, io))
      }),
    ))
  return token
}

/**
 * Runs `tokenwarden token <argv>`; returns the exit code.
 *
 * @example
 * process.exitCode = await tokenMain(['issue', '--user', 'ada@example.com', '--ttl', '1h'])
 */
export async function tokenMain(argv: string[], env: Env = loadEnv(), io: TokenIo = consoleTokenIo): Promise<number> {
  return runProgram(new Command('tokenwarden').addCommand(tokenCommand(env, io)), ['token', ...argv], io)
}

/** An Auth with the server's keys and token settings, so it verifies and signs as the server does. */
function operatorAuth(store: Store, config: ServerConfig): Auth {
  return createAuth({
    store,
    keyring: loadKeyring(config, Date.now()).keyring,
    accessTtl: config.accessTtl,
    refreshTtl: config.refreshTtl,
    leeway: config.leeway,
    issuer: config.issuer,
    audience: config.audience,
    legacyTokens: config.legacyTokens,
    argon2: config.argon2,
  })
}

function parseTtl(text: string): number | undefined {
  const seconds = parseDuration(text)
  return seconds !== undefined && seconds >= 1 ? seconds : undefined
}

async function inspect(auth: Auth, token: string, json: boolean, io: CliIo): Promise<number> {
  const result = await auth.sessions.inspect(token)
  const decoded = result.decoded === undefined ? undefined : { header: result.decoded.header, claims: masked(result.decoded.claims) }
  if (json) {
    io.out(JSON.stringify({ header: decoded?.header ?? null, claims: decoded?.claims ?? null, accepted: result.accepted, code: result.code ?? null, session_live: result.sessionLive ?? null }, null, 2))
    return result.accepted ? 0 : 1
  }
  if (decoded === undefined) {
    io.out('Not a JWT: three base64url parts whose first two are JSON objects.')
  } else {
    io.out(`Header: ${JSON.stringify(decoded.header)}`)
    io.out(`Claims: ${JSON.stringify(decoded.claims, null, 2)}`)
    const c = decoded.claims
    for (const [name, label] of [['iat', 'Issued'], ['exp', 'Expires']] as const) {
      if (typeof c[name] === 'number') io.out(`${label}: ${new Date((c[name] as number) * 1000).toISOString()}`)
    }
  }
  io.out(verdict(result))
  return result.accepted ? 0 : 1
}

function masked(claims: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, MASKED_CLAIMS.has(k) ? '[MASKED]' : v]))
}

function verdict(r: TokenInspection): string {
  const session = r.sessionLive === undefined ? (r.accepted ? 'no session (a legacy token)' : 'not looked at') : r.sessionLive ? 'live' : 'ended'
  if (r.accepted) return `Accepted: this server accepts it now. Session: ${session}.`
  const reason = r.code === undefined ? '' : ` ${r.code} (${ERRORS[r.code].message})`
  return `Refused:${reason}. Session: ${session}.`
}

async function issue(auth: Auth, email: string, ttl: number, json: boolean, io: CliIo): Promise<number> {
  const prefix = 'tokenwarden token issue'
  const user = await auth.accounts.findByEmail(email)
  if (user === undefined) {
    io.err(`${prefix}: USER_NOT_FOUND: no account <${email}>`)
    return 1
  }
  let issued
  try {
    issued = await auth.sessions.issue(user.id, { ttl, client: { userAgent: 'tokenwarden token issue' }, source: { via: 'cli' } })
  } catch (err) {
    if (!isAuthError(err)) throw err
    io.err(`${prefix}: ${err.code}: ${err.message}`)
    return 1
  }
  if (json) {
    io.out(JSON.stringify({ access_token: issued.accessToken, token_type: 'Bearer', expires_in: issued.expiresIn, session_id: issued.sessionId, user_id: user.id }))
    return 0
  }
  io.out(issued.accessToken)
  const until = new Date((Math.floor(auth.clock.now() / 1000) + issued.expiresIn) * 1000).toISOString()
  io.err(`Access token for ${user.id} <${user.email}>, not fresh, valid until ${until}; session ${issued.sessionId} (tokenwarden users revoke ${user.email} ends it early, with the account's other sessions)`)
  return 0
}
