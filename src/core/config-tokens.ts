// The token half of the server configuration: algorithm and keys, where tokens travel
// (headers, cookies, query string, JSON body) and how errors are keyed. Parsed from the same
// environment as the rest of config.ts; an invalid value throws ConfigError naming the
// variable. Key material is checked here (PEM parses, fits the algorithm, is not weak) but
// never echoed; files are read by the CLI, not here.

import { isAbsolute, join } from 'node:path'
import { boolean, ConfigError, text, type Env } from './config-env.js'
import { DEFAULT_MESSAGE_KEY } from './errors.js'
import { ALGORITHMS, createRingKey, isSymmetric, type Algorithm } from './tokens/keyring.js'
import {
  DEFAULT_COOKIE_SETTINGS,
  DEFAULT_JSON_KEYS,
  LOCATION_DEFAULTS,
  TOKEN_LOCATIONS,
  cookieAttributeProblem,
  isTokenLocation,
  type CookieSettings,
  type JsonKeys,
  type SameSite,
  type TokenLocation,
} from './tokens/locations.js'

export interface TokenConfig {
  /** JWT_ALGORITHM: HS256, HS384, HS512, RS256, PS256, ES256 or EdDSA. default: HS256 */
  algorithm: Algorithm
  /** JWT_PRIVATE_KEY: PEM private key for asymmetric algorithms (`\n` escapes accepted). default: unset */
  jwtPrivateKey: string | undefined
  /** JWT_PRIVATE_KEY_FILE: path to that PEM, read by the CLI. default: unset */
  jwtPrivateKeyFile: string | undefined
  /** JWT_KEYS_FILE: the key ring kept by `tokenwarden keys`. default: <DATA_DIR>/keys.json */
  keysFile: string
  /**
   * JWT_TOKEN_LOCATION: ordered, comma separated. default: CONSOLE_LOCATIONS (headers, cookies)
   * while the web console is on (CONSOLE, default true), else LOCATION_DEFAULTS.locations (headers)
   */
  tokenLocation: readonly TokenLocation[]
  /** JWT_HEADER_NAME. default: LOCATION_DEFAULTS.headerName */
  headerName: string
  /** JWT_HEADER_TYPE: the scheme; set it empty for a bare token. default: LOCATION_DEFAULTS.headerType */
  headerType: string
  /** JWT_COOKIE_* and friends; see CookieSettings for each default. */
  cookies: Readonly<CookieSettings>
  /** JWT_QUERY_STRING_NAME. default: LOCATION_DEFAULTS.queryStringName */
  queryStringName: string
  /** JWT_JSON_KEY and JWT_REFRESH_JSON_KEY. default: DEFAULT_JSON_KEYS */
  jsonKeys: Readonly<JsonKeys>
  /** JWT_ERROR_MESSAGE_KEY: the key of the message in error bodies. default: DEFAULT_MESSAGE_KEY */
  errorMessageKey: string
}


/**
 * The server's default locations while the web console is on: the console signs in with
 * HttpOnly cookies and the CSRF echo (double submit, on by default), so it works right after
 * `npm start` with no setup; API clients keep sending the Authorization header, tried first.
 */
export const CONSOLE_LOCATIONS: readonly TokenLocation[] = Object.freeze(['headers', 'cookies'] as TokenLocation[])

/** An HTTP token (RFC 9110 §5.6.2): valid as a header or cookie name. */
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/** A plain name: safe as a query parameter or a JSON key, and in the log redaction pattern. */
const PLAIN_NAME = /^[A-Za-z0-9_.-]+$/

/** Parses the token settings; `production` makes keys mandatory and cookies Secure by default. */
export function parseTokenConfig(env: Env, nodeEnv: string, dataDir: string, cwd: string): TokenConfig {
  const production = nodeEnv === 'production'
  const algorithm = pick(env, 'JWT_ALGORITHM', ALGORITHMS, 'HS256')
  const jwtPrivateKey = text(env, 'JWT_PRIVATE_KEY')?.replace(/\\n/g, '\n')
  const keyFileRaw = text(env, 'JWT_PRIVATE_KEY_FILE')
  const jwtPrivateKeyFile = keyFileRaw === undefined ? undefined : isAbsolute(keyFileRaw) ? keyFileRaw : join(cwd, keyFileRaw)
  const keysFileRaw = text(env, 'JWT_KEYS_FILE')
  const keysFile = keysFileRaw === undefined ? join(dataDir, 'keys.json') : isAbsolute(keysFileRaw) ? keysFileRaw : join(cwd, keysFileRaw)

  if (jwtPrivateKey !== undefined && jwtPrivateKeyFile !== undefined) {
    throw new ConfigError('JWT_PRIVATE_KEY_FILE', 'set JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE, not both')
  }
  if (isSymmetric(algorithm)) {
    if (jwtPrivateKey !== undefined || jwtPrivateKeyFile !== undefined) {
      const name = jwtPrivateKey !== undefined ? 'JWT_PRIVATE_KEY' : 'JWT_PRIVATE_KEY_FILE'
      throw new ConfigError(name, `is only used with RS256, PS256, ES256 or EdDSA (JWT_ALGORITHM is ${algorithm}; ${algorithm} uses JWT_SECRET)`)
    }
  } else {
    if (jwtPrivateKey !== undefined) {
      try {
        createRingKey({ alg: algorithm, privateKey: jwtPrivateKey })
      } catch (err) {
        // Node's and our messages name the problem, never the key material.
        throw new ConfigError('JWT_PRIVATE_KEY', `is not a usable ${algorithm} private key: ${(err as Error).message}`)
      }
    }
    if (production && jwtPrivateKey === undefined && jwtPrivateKeyFile === undefined && keysFileRaw === undefined) {
      throw new ConfigError('JWT_PRIVATE_KEY', `is required for ${algorithm} when NODE_ENV=production (or set JWT_PRIVATE_KEY_FILE, or JWT_KEYS_FILE for a ring made by \`tokenwarden keys generate\`)`)
    }
  }

  const tokenLocation = locations(env)
  const sameSite = pick(env, 'JWT_COOKIE_SAMESITE', ['lax', 'strict', 'none'] as const, 'lax') as SameSite
  const secure = boolean(env, 'JWT_COOKIE_SECURE', production)
  if (sameSite === 'none' && !secure) {
    throw new ConfigError('JWT_COOKIE_SAMESITE', 'none requires JWT_COOKIE_SECURE=true (browsers drop SameSite=None cookies that are not Secure)')
  }
  const partitioned = boolean(env, 'JWT_COOKIE_PARTITIONED', false)
  if (partitioned && !secure) {
    throw new ConfigError('JWT_COOKIE_PARTITIONED', 'requires JWT_COOKIE_SECURE=true (browsers drop Partitioned cookies that are not Secure)')
  }
  const d = DEFAULT_COOKIE_SETTINGS
  const cookies: CookieSettings = {
    accessName: httpToken(env, 'JWT_ACCESS_COOKIE_NAME', d.accessName),
    refreshName: httpToken(env, 'JWT_REFRESH_COOKIE_NAME', d.refreshName),
    csrfAccessName: httpToken(env, 'JWT_ACCESS_CSRF_COOKIE_NAME', d.csrfAccessName),
    csrfRefreshName: httpToken(env, 'JWT_REFRESH_CSRF_COOKIE_NAME', d.csrfRefreshName),
    accessPath: cookiePath(env, 'JWT_ACCESS_COOKIE_PATH', d.accessPath),
    refreshPath: cookiePath(env, 'JWT_REFRESH_COOKIE_PATH', d.refreshPath),
    domain: cookieDomain(env),
    secure,
    sameSite,
    partitioned,
    csrfProtect: boolean(env, 'JWT_COOKIE_CSRF_PROTECT', true),
    csrfHeaderName: httpToken(env, 'JWT_CSRF_HEADER_NAME', d.csrfHeaderName),
    csrfMethods: Object.freeze(csrfMethods(env)),
  }
  const headerType = env.JWT_HEADER_TYPE === undefined ? LOCATION_DEFAULTS.headerType : env.JWT_HEADER_TYPE.trim()
  if (headerType !== '' && !HTTP_TOKEN.test(headerType)) throw new ConfigError('JWT_HEADER_TYPE', `must be a single word such as Bearer, or empty (got "${headerType}")`)

  return {
    algorithm,
    jwtPrivateKey,
    jwtPrivateKeyFile,
    keysFile,
    tokenLocation,
    headerName: httpToken(env, 'JWT_HEADER_NAME', LOCATION_DEFAULTS.headerName),
    headerType,
    cookies: Object.freeze(cookies),
    queryStringName: httpToken(env, 'JWT_QUERY_STRING_NAME', LOCATION_DEFAULTS.queryStringName, PLAIN_NAME),
    jsonKeys: Object.freeze({
      access: httpToken(env, 'JWT_JSON_KEY', DEFAULT_JSON_KEYS.access, PLAIN_NAME),
      refresh: httpToken(env, 'JWT_REFRESH_JSON_KEY', DEFAULT_JSON_KEYS.refresh, PLAIN_NAME),
    }),
    errorMessageKey: httpToken(env, 'JWT_ERROR_MESSAGE_KEY', DEFAULT_MESSAGE_KEY, PLAIN_NAME),
  }
}

function pick<const T extends readonly string[]>(env: Env, name: string, allowed: T, fallback: T[number]): T[number] {
  const v = text(env, name)
  if (v === undefined) return fallback
  // Algorithms are case-sensitive (RFC 7518 §3.1); the other enumerations are not.
  const found = allowed.find((a) => a === v) ?? (name === 'JWT_ALGORITHM' ? undefined : allowed.find((a) => a === v.toLowerCase()))
  if (found === undefined) throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${v}")`)
  return found
}

function httpToken(env: Env, name: string, fallback: string, pattern = HTTP_TOKEN): string {
  const v = text(env, name)
  if (v === undefined) return fallback
  if (!pattern.test(v)) throw new ConfigError(name, `must be a single name such as ${fallback}, without spaces or separators (got "${v}")`)
  return v
}

function cookiePath(env: Env, name: string, fallback: string): string {
  const v = text(env, name)
  if (v === undefined) return fallback
  if (/\s/.test(v) || cookieAttributeProblem('path', v) !== undefined) throw new ConfigError(name, `must be a path starting with / (got "${v}")`)
  return v
}

function cookieDomain(env: Env): string | undefined {
  const v = text(env, 'JWT_COOKIE_DOMAIN')
  const problem = v === undefined ? undefined : cookieAttributeProblem('domain', v)
  if (problem !== undefined) throw new ConfigError('JWT_COOKIE_DOMAIN', `${problem} (got "${v}")`)
  return v
}

function locations(env: Env): readonly TokenLocation[] {
  const v = text(env, 'JWT_TOKEN_LOCATION')
  // CONSOLE is parsed (with its default, true) as ServerConfig.webConsole in config.ts; only its
  // effect on this default is read here, where the token settings are parsed before it.
  if (v === undefined) return boolean(env, 'CONSOLE', true) ? CONSOLE_LOCATIONS : LOCATION_DEFAULTS.locations
  const list = v.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '')
  const bad = list.find((s) => !isTokenLocation(s))
  if (bad !== undefined || list.length === 0) {
    throw new ConfigError('JWT_TOKEN_LOCATION', `must be a comma separated list of ${TOKEN_LOCATIONS.join(', ')} (got "${v}")`)
  }
  if (new Set(list).size !== list.length) throw new ConfigError('JWT_TOKEN_LOCATION', `lists a location twice (got "${v}")`)
  return Object.freeze(list as TokenLocation[])
}

function csrfMethods(env: Env): string[] {
  const v = text(env, 'JWT_CSRF_METHODS')
  if (v === undefined) return [...DEFAULT_COOKIE_SETTINGS.csrfMethods]
  const list = v.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '')
  if (list.length === 0 || list.some((m) => !/^[A-Z]+$/.test(m))) {
    throw new ConfigError('JWT_CSRF_METHODS', `must be a comma separated list of HTTP methods (got "${v}")`)
  }
  return list
}
