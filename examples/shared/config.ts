// An example's configuration: the server's environment variables (PORT, HOST, DATA_DIR,
// DATABASE_URL, JWT_SECRET, ACCESS_TOKEN_TTL, ...; README.md, Configuration), read by the
// server's own parser, with the example's defaults: its own port, and its own data directory
// so it never shares users with `npm start`. Like the server, it reads `.env` in the working
// directory under the real environment, and without JWT_SECRET it generates a development
// secret once into DATA_DIR (mode 0600) and reuses it; NODE_ENV=production refuses to start
// without one (ConfigError naming JWT_SECRET).

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'
import { ConfigError, parseConfig, type ServerConfig } from '../../src/index.js'
// Not a public export (yet): the server's own development-secret file, so an example and
// `tokenwarden serve` pointed at the same DATA_DIR agree on the secret.
import { ensureDevSecret } from '../../src/cli/secret.js'

export interface ExampleDefaults {
  /** The example's name: its default data directory is ./data/<name>. */
  name: string
  /** Its default PORT. */
  port: number
}

export interface ExampleConfig extends ServerConfig {
  /** JWT_SECRET, or the development secret from DATA_DIR. */
  readonly jwtSecret: string
  /** Where a development secret was generated just now (to say so once at start). default: none */
  readonly generatedSecret?: string
}

/** `.env` in `cwd` (if any) under `env`, which wins. */
export function loadEnv(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  let fromFile: Record<string, string | undefined> = {}
  try {
    fromFile = parseEnv(readFileSync(join(cwd, '.env'), 'utf8'))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  return { ...fromFile, ...env }
}

/**
 * Throws ConfigError (naming the variable) for a bad value, and for a missing JWT_SECRET under
 * NODE_ENV=production.
 *
 * @example
 * const config = exampleConfig({ name: 'smilecook', port: 3104 }) // PORT=3104, DATA_DIR=./data/smilecook
 */
export function exampleConfig(defaults: ExampleDefaults, env: Record<string, string | undefined> = loadEnv(), cwd = process.cwd()): ExampleConfig {
  const config = parseConfig({ PORT: String(defaults.port), DATA_DIR: join('data', defaults.name), ...definedOnly(env) }, cwd)
  // The examples sign with one HMAC secret: no key ring, no asymmetric keys.
  if (!config.algorithm.startsWith('HS')) throw new ConfigError('JWT_ALGORITHM', 'must be HS256, HS384 or HS512 in this example (it signs with JWT_SECRET)')
  if (config.jwtSecret !== undefined) return Object.freeze({ ...config, jwtSecret: config.jwtSecret })
  if (config.env === 'production') throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production (use: openssl rand -base64 48)')
  const dev = ensureDevSecret(config.dataDir)
  return Object.freeze({ ...config, jwtSecret: dev.secret, ...(dev.created ? { generatedSecret: dev.path } : {}) })
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined))
}
