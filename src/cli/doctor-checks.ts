// `tokenwarden doctor`'s checks besides the keys (doctor-keys.ts): file modes, the database and
// its migrations, and the settings that matter in production. Each is a value, ok / warn / fail
// with what to do; none changes anything (no file is created or chmod-ed, no migration is run)
// and none prints a secret (the database URL is shown masked).

import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { ServerConfig } from '../core/config.js'
import { DEFAULT_ARGON2 } from '../core/passwords/hash.js'
import { isSymmetric } from '../core/tokens/keyring.js'
import { createStore } from '../store/create.js'
import { dialectFor } from '../store/kysely/dialects/index.js'
import { sqlitePath } from '../store/kysely/dialects/sqlite.js'
import { devKeyPath } from './dev-keys.js'
import { redactSecrets } from './redact.js'
import { SECRET_FILE } from './secret.js'

export type CheckStatus = 'ok' | 'warn' | 'fail'

export interface Check {
  status: CheckStatus
  /** What was checked: keys, files, database, production. */
  name: string
  /** What was found and, unless ok, what to do. */
  message: string
}

/** How long the database gets to answer before doctor calls it unreachable. */
const DATABASE_TIMEOUT_MS = 5_000

function mode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o777
  } catch {
    return undefined
  }
}

const octal = (m: number) => `0${m.toString(8)}`

/** DATA_DIR and the files holding secrets: readable by group or others is a problem. */
export function fileChecks(config: ServerConfig, cwd = process.cwd()): Check[] {
  const checks: Check[] = []
  const dir = mode(config.dataDir)
  if (dir === undefined) checks.push({ status: 'ok', name: 'files', message: `DATA_DIR ${config.dataDir} does not exist yet (created with mode 0700 at first start)` })
  else if ((dir & 0o077) !== 0) checks.push({ status: 'warn', name: 'files', message: `DATA_DIR ${config.dataDir} has mode ${octal(dir)}: other users can list it; chmod 700 ${config.dataDir}` })
  else checks.push({ status: 'ok', name: 'files', message: `DATA_DIR ${config.dataDir} mode ${octal(dir)}` })
  const secrets = new Set([config.keysFile, join(config.dataDir, SECRET_FILE)])
  if (!isSymmetric(config.algorithm)) secrets.add(devKeyPath(config.dataDir, config.algorithm))
  if (config.jwtPrivateKeyFile !== undefined) secrets.add(config.jwtPrivateKeyFile)
  for (const path of secrets) {
    const m = mode(path)
    if (m === undefined) continue
    if ((m & 0o077) !== 0) checks.push({ status: 'fail', name: 'files', message: `${path} holds key material and has mode ${octal(m)}: chmod 600 ${path}` })
    else checks.push({ status: 'ok', name: 'files', message: `${path} mode ${octal(m)}` })
  }
  // .env usually holds JWT_SECRET or a database password; the SQLite file holds password hashes.
  const others = [join(cwd, '.env')]
  if (dialectFor(config.databaseUrl).name === 'sqlite' && sqlitePath(config.databaseUrl) !== ':memory:') others.push(sqlitePath(config.databaseUrl))
  for (const path of others) {
    const m = mode(path)
    if (m !== undefined && (m & 0o077) !== 0) checks.push({ status: 'warn', name: 'files', message: `${path} has mode ${octal(m)}: readable by other users; chmod 600 ${path}` })
  }
  return checks
}

/** Reachable within DATABASE_TIMEOUT_MS, and no migration pending. */
export async function databaseChecks(config: ServerConfig): Promise<Check[]> {
  const where = redactSecrets(config.databaseUrl)
  const dialect = dialectFor(config.databaseUrl)
  if (dialect.name === 'sqlite') {
    const path = sqlitePath(config.databaseUrl)
    if (path === ':memory:') return [{ status: config.env === 'production' ? 'fail' : 'warn', name: 'database', message: 'sqlite::memory: keeps nothing across restarts: set DATABASE_URL to a file or a server' }]
    // Opening a missing file would create it: doctor changes nothing.
    if (!existsSync(path)) return [{ status: 'warn', name: 'database', message: `${where}: no database file yet; tokenwarden migrate (or serve) creates it` }]
  }
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${DATABASE_TIMEOUT_MS / 1000} s`)), DATABASE_TIMEOUT_MS)
  })
  let store: Awaited<ReturnType<typeof createStore>> | undefined
  try {
    store = await Promise.race([createStore({ databaseUrl: config.databaseUrl, poolMax: 1 }), timeout])
    const pending = await Promise.race([store.pendingMigrations(), timeout])
    const reached: Check = { status: 'ok', name: 'database', message: `${where} reachable (${dialect.name})` }
    if (pending.length === 0) return [reached, { status: 'ok', name: 'database', message: 'migrations up to date' }]
    return [reached, { status: 'warn', name: 'database', message: `${pending.length} migration(s) pending (${pending.join(', ')}): run tokenwarden migrate (serve applies them at start)` }]
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown }
    const reason = redactSecrets(typeof e.code === 'string' ? e.code : String(e.message ?? err))
    return [{ status: 'fail', name: 'database', message: `${where} unreachable (${reason}): check DATABASE_URL and that the server is up` }]
  } finally {
    clearTimeout(timer)
    await store?.close().catch(() => {})
  }
}

/** Settings that are fine on a laptop and wrong, or worth a second look, in production. */
export function settingChecks(config: ServerConfig, env: Record<string, string | undefined>): Check[] {
  const checks: Check[] = []
  const add = (status: CheckStatus, message: string) => checks.push({ status, name: 'settings', message })
  const production = config.env === 'production'
  if (!production) add('warn', `NODE_ENV=${config.env}: development defaults (generated keys, cookies without Secure); set NODE_ENV=production when deploying`)
  if (production && config.tokenLocation.includes('cookies') && !config.cookies.secure) add('fail', 'JWT_COOKIE_SECURE=false in production: cookies with tokens would travel over plain HTTP; remove it (Secure is the production default)')
  if (config.metrics && config.metricsToken === undefined && config.metricsPort === undefined) add(production ? 'fail' : 'warn', 'METRICS=true without METRICS_TOKEN or METRICS_PORT: /metrics is open to anyone who reaches the port; set METRICS_TOKEN (openssl rand -hex 32) or METRICS_PORT')
  if (production && config.corsOrigins.some((o) => o.startsWith('http://') && !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|$)/.test(o))) add('warn', 'CORS_ORIGINS has a plain http:// origin in production: use its https:// origin')
  if (production && config.corsOrigins.some((o) => /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:|$)/.test(o))) add('warn', 'CORS_ORIGINS allows a localhost origin in production: remove it')
  if (config.trustProxy) add('warn', 'TRUST_PROXY=true: client IPs (rate limits, session lists) come from X-Forwarded-For; right only behind a proxy that sets it, else any client can choose its IP')
  if (production && (config.logLevel === 'debug' || config.logLevel === 'trace')) add('warn', `LOG_LEVEL=${config.logLevel} in production: verbose; info is the usual level`)
  if (production && config.adminPassword !== undefined) add('warn', 'ADMIN_PASSWORD is set: once the admin exists, remove it from the environment (and change that password)')
  if (config.legacyTokens === 'accept') add('warn', 'LEGACY_TOKENS=accept: sid-less tokens signed with JWT_SECRET are honoured; turn it off once the migration is over')
  if (production && config.rateLimitMax === 0) add('warn', 'RATE_LIMIT_MAX=0 in production: no per-IP limit on login, register and refresh')
  if (production && config.loginMaxFailures === 0) add('warn', 'LOGIN_MAX_FAILURES=0 in production: no brute-force protection on passwords')
  if (production && config.argon2.memoryCost < DEFAULT_ARGON2.memoryCost) add('warn', `ARGON2_MEMORY_COST=${config.argon2.memoryCost} KiB is below the default ${DEFAULT_ARGON2.memoryCost} KiB: passwords are cheaper to guess`)
  if (env.TOKENWARDEN_PASSWORD !== undefined && env.TOKENWARDEN_PASSWORD !== '') add('warn', 'TOKENWARDEN_PASSWORD is set in this environment: unset it once the account is created')
  if (checks.length === 0) add('ok', 'production settings look right')
  return checks
}
