// Server configuration: the typed shape, its defaults, and the parser from environment
// variables. Misuse is not bad data: an invalid value throws ConfigError naming the variable,
// once, before anything listens. The secret is never echoed.

import { availableParallelism } from 'node:os'
import { isAbsolute, join } from 'node:path'
export { ConfigError, parseDuration } from './config-env.js'
import { boolean, ConfigError, duration, integer, oneOf, text, type Env } from './config-env.js'
import { parseTokenConfig, type TokenConfig } from './config-tokens.js'
import { parseCorsConfig, type CorsConfig } from './config-cors.js'
import { parseDatabaseConfig, type DatabaseConfig } from './config-database.js'
import { parseMailConfig, type MailConfig } from './config-mail.js'
import { parseMetricsConfig, type MetricsConfig } from './config-metrics.js'
import { parseMfaConfig, type MfaConfig } from './config-mfa.js'
import { emailProblem, PASSWORD_MIN, PASSWORD_MIN_CEILING, passwordProblem } from './accounts/rules.js'
import { THROTTLE_DEFAULTS } from './accounts/throttle.js'
import { AUTH_DEFAULTS, LEGACY_TOKEN_MODES } from './auth-options.js'
import { DEFAULT_ARGON2, type Argon2Params } from './passwords/hash.js'
import type { LegacyTokenMode } from './sessions/legacy.js'
import { ISSUE_DEFAULTS } from './tokens/issue.js'
import { isSymmetric, MIN_SECRET_BYTES } from './tokens/keyring.js'
import { VERIFY_DEFAULTS } from './tokens/verify.js'

export type NodeEnv = 'development' | 'production' | 'test'
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/**
 * The token settings (JWT_ALGORITHM, keys, token locations, cookies) live in TokenConfig; CORS_* in CorsConfig; DATABASE_*, REDIS_URL and INVALIDATION_* in DatabaseConfig; METRICS* in MetricsConfig; SMTP_URL, MAIL_* and APP_NAME in MailConfig; MFA_REQUIRED_ROLES in MfaConfig.
 * A setting that configures a lower layer takes that layer's default (named on the field), never a copy of it.
 */
export interface ServerConfig extends TokenConfig, CorsConfig, DatabaseConfig, MetricsConfig, MailConfig, MfaConfig {
  /** PORT. default: 3000 */
  port: number
  /** HOST. default: 127.0.0.1 */
  host: string
  /** WORKERS (or `serve --workers`): processes sharing the port through node:cluster, each a full instance; `auto` is one per CPU (os.availableParallelism()). default: 1, one process and no cluster */
  workers: number
  /** DATA_DIR: generated secrets and the default SQLite file live here. default: ./data */
  dataDir: string
  /** JWT_SECRET (>= 32 bytes). default: generated once into DATA_DIR outside production */
  jwtSecret: string | undefined
  /** ACCESS_TOKEN_TTL, seconds (accepts 900, 15m, 1h). default: ISSUE_DEFAULTS.accessTtl */
  accessTtl: number
  /** REFRESH_TOKEN_TTL, seconds. default: ISSUE_DEFAULTS.refreshTtl */
  refreshTtl: number
  /** JWT_LEEWAY, seconds of clock skew tolerated. default: VERIFY_DEFAULTS.leeway */
  leeway: number
  /** JWT_ISSUER: stamped as iss and required on verify. default: unset */
  issuer: string | undefined
  /** JWT_AUDIENCE: stamped as aud and required on verify. default: unset */
  audience: string | undefined
  /** REFRESH_REUSE_INTERVAL, seconds a spent refresh token is tolerated. default: AUTH_DEFAULTS.refreshReuseInterval */
  refreshReuseInterval: number
  /** ARGON2_MEMORY_COST (KiB), ARGON2_TIME_COST, ARGON2_PARALLELISM. default: DEFAULT_ARGON2 */
  argon2: Argon2Params
  /** LOG_LEVEL. default: info (silent under NODE_ENV=test) */
  logLevel: LogLevel
  /** NODE_ENV. default: development */
  env: NodeEnv
  /** TRUST_PROXY: honour X-Forwarded-For for client IPs. default: false */
  trustProxy: boolean
  /** LOGIN_MAX_FAILURES: failed logins per identifier before waits begin; 0 disables. default: THROTTLE_DEFAULTS.maxFailures */
  loginMaxFailures: number
  /** RATE_LIMIT_MAX: requests per client IP per window on the /auth/* routes that take no access token (login, register, refresh); 0 disables. default: 1000 */
  rateLimitMax: number
  /** RATE_LIMIT_SESSION_MAX: requests per session (the access token's sid) per window on routes that need an access token; 0 disables. default: 6000 */
  rateLimitSessionMax: number
  /** RATE_LIMIT_WINDOW, seconds (accepts 60, 1m). default: 60 */
  rateLimitWindow: number
  /** ADMIN_EMAIL: with ADMIN_PASSWORD, the admin created at startup if absent. default: unset */
  adminEmail: string | undefined
  /** ADMIN_PASSWORD: never logged or echoed. default: unset */
  adminPassword: string | undefined
  /** PASSWORD_MIN_LENGTH: characters a new password needs (NIST SP 800-63B §3.1.1.2), PASSWORD_MIN to PASSWORD_MIN_CEILING. default: AUTH_DEFAULTS.passwordMinLength */
  passwordMinLength: number
  /** OPENAPI: serve the OpenAPI document at GET /openapi.json and its reference page at GET /docs. default: true */
  openapi: boolean
  /** CONSOLE: serve the web console at /console. default: true */
  webConsole: boolean
  /** LEGACY_TOKENS: `accept` takes sid-less tokens a Flask app signed with JWT_SECRET, during a migration. default: AUTH_DEFAULTS.legacyTokens */
  legacyTokens: LegacyTokenMode
  /** AUDIT_RETENTION, seconds the audit log keeps a row (accepts 90d, 12w); 0 keeps every row. default: AUTH_DEFAULTS.auditRetention (90 days) */
  auditRetention: number
}

/**
 * Reads the configuration from environment variables (already merged with `.env`).
 *
 * @example
 * const config = parseConfig({ ...process.env, PORT: '8080' })
 */
export function parseConfig(env: Env, cwd = process.cwd()): ServerConfig {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development')
  const dataDirRaw = text(env, 'DATA_DIR') ?? './data'
  const dataDir = isAbsolute(dataDirRaw) ? dataDirRaw : join(cwd, dataDirRaw)
  const jwtSecret = env.JWT_SECRET === undefined || env.JWT_SECRET === '' ? undefined : env.JWT_SECRET
  if (jwtSecret !== undefined && Buffer.byteLength(jwtSecret, 'utf8') < MIN_SECRET_BYTES) {
    throw new ConfigError('JWT_SECRET', `must be at least ${MIN_SECRET_BYTES} bytes (use: openssl rand -base64 48)`)
  }
  const tokens = parseTokenConfig(env, nodeEnv, dataDir, cwd)
  // Asymmetric algorithms sign with JWT_PRIVATE_KEY (checked in config-tokens); a ring file can stand in for either.
  if (jwtSecret === undefined && nodeEnv === 'production' && isSymmetric(tokens.algorithm) && text(env, 'JWT_KEYS_FILE') === undefined) {
    throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production (use: openssl rand -base64 48)')
  }
  const accessTtl = duration(env, 'ACCESS_TOKEN_TTL', ISSUE_DEFAULTS.accessTtl)
  const refreshTtl = duration(env, 'REFRESH_TOKEN_TTL', ISSUE_DEFAULTS.refreshTtl)
  if (refreshTtl < accessTtl) throw new ConfigError('REFRESH_TOKEN_TTL', 'must not be shorter than ACCESS_TOKEN_TTL')
  const passwordMinLength = integer(env, 'PASSWORD_MIN_LENGTH', AUTH_DEFAULTS.passwordMinLength, PASSWORD_MIN, PASSWORD_MIN_CEILING)
  const port = integer(env, 'PORT', 3000, 0, 65535)
  const workers = parseWorkers(text(env, 'WORKERS'), 'WORKERS')
  return Object.freeze({
    ...tokens,
    port,
    host: text(env, 'HOST') ?? '127.0.0.1',
    workers,
    dataDir,
    ...parseDatabaseConfig(env, dataDir),
    jwtSecret,
    accessTtl,
    refreshTtl,
    leeway: duration(env, 'JWT_LEEWAY', VERIFY_DEFAULTS.leeway, true),
    issuer: text(env, 'JWT_ISSUER'),
    audience: text(env, 'JWT_AUDIENCE'),
    refreshReuseInterval: duration(env, 'REFRESH_REUSE_INTERVAL', AUTH_DEFAULTS.refreshReuseInterval, true),
    argon2: Object.freeze({
      memoryCost: integer(env, 'ARGON2_MEMORY_COST', DEFAULT_ARGON2.memoryCost, 8, 4_194_304),
      timeCost: integer(env, 'ARGON2_TIME_COST', DEFAULT_ARGON2.timeCost, 1, 100),
      parallelism: integer(env, 'ARGON2_PARALLELISM', DEFAULT_ARGON2.parallelism, 1, 255),
    }),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, nodeEnv === 'test' ? 'silent' : 'info'),
    env: nodeEnv,
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    loginMaxFailures: integer(env, 'LOGIN_MAX_FAILURES', THROTTLE_DEFAULTS.maxFailures, 0, 1000),
    rateLimitMax: integer(env, 'RATE_LIMIT_MAX', 1000, 0, 1_000_000_000),
    rateLimitSessionMax: integer(env, 'RATE_LIMIT_SESSION_MAX', 6000, 0, 1_000_000_000),
    rateLimitWindow: duration(env, 'RATE_LIMIT_WINDOW', 60),
    openapi: boolean(env, 'OPENAPI', true),
    webConsole: boolean(env, 'CONSOLE', true),
    legacyTokens: oneOf(env, 'LEGACY_TOKENS', LEGACY_TOKEN_MODES, AUTH_DEFAULTS.legacyTokens),
    auditRetention: duration(env, 'AUDIT_RETENTION', AUTH_DEFAULTS.auditRetention, true),
    passwordMinLength,
    ...adminSeed(env, passwordMinLength),
    ...parseCorsConfig(env),
    ...parseMetricsConfig(env, nodeEnv, port, workers),
    ...parseMailConfig(env, cwd, { nodeEnv, host: text(env, 'HOST') ?? '127.0.0.1', port }),
    ...parseMfaConfig(env),
  })
}

/** The largest WORKERS accepted: far past any core count, low enough to catch a typo. */
export const MAX_WORKERS = 1024

/**
 * WORKERS, or the `serve --workers` value (`name` is what a ConfigError names): a whole number
 * from 1 to MAX_WORKERS, or `auto` for os.availableParallelism(). Unset is 1.
 *
 * @example
 * parseWorkers('auto', '--workers') // 2 on a two-CPU machine
 */
export function parseWorkers(value: string | undefined, name: string): number {
  if (value === undefined) return 1
  if (value.toLowerCase() === 'auto') return Math.min(availableParallelism(), MAX_WORKERS)
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_WORKERS) {
    throw new ConfigError(name, `must be a whole number from 1 to ${MAX_WORKERS}, or auto (got "${value}")`)
  }
  return Number(value)
}

/**
 * ADMIN_EMAIL and ADMIN_PASSWORD come together or not at all; the password is never echoed.
 * Its length and Unicode are checked here; the common-password and own-email rules when the
 * admin is created (accounts/bootstrap.ts), which answers PASSWORD_TOO_WEAK.
 */
function adminSeed(env: Env, passwordMinLength: number): { adminEmail: string | undefined; adminPassword: string | undefined } {
  const adminEmail = text(env, 'ADMIN_EMAIL')
  const adminPassword = env.ADMIN_PASSWORD === undefined || env.ADMIN_PASSWORD === '' ? undefined : env.ADMIN_PASSWORD
  if (adminEmail === undefined && adminPassword === undefined) return { adminEmail, adminPassword }
  if (adminEmail === undefined) throw new ConfigError('ADMIN_EMAIL', 'is required when ADMIN_PASSWORD is set')
  if (adminPassword === undefined) throw new ConfigError('ADMIN_PASSWORD', 'is required when ADMIN_EMAIL is set')
  if (emailProblem(adminEmail) !== undefined) throw new ConfigError('ADMIN_EMAIL', 'must be a valid email address')
  const problem = passwordProblem(adminPassword, passwordMinLength)
  if (problem !== undefined) throw new ConfigError('ADMIN_PASSWORD', problem.replace(/^password /, ''))
  return { adminEmail, adminPassword }
}
