// The CORS half of the server configuration: which other origins' browsers may call the server
// and read its answers (CORS_ORIGINS), and how long they may cache a preflight (CORS_MAX_AGE).
// Origins are exact (Fetch standard §3.2.5 compares the serialized origin byte for byte), never a
// wildcard or a pattern: the server answers with credentials, and a credentialed answer must name
// one origin, never `*` (Fetch §3.2.3).

import { ConfigError, duration, text, type Env } from './config-env.js'

export interface CorsConfig {
  /**
   * CORS_ORIGINS: comma separated exact origins (`https://app.example.com`, `http://localhost:5173`),
   * normalized as browsers send them (lower-case host, default port dropped). Empty means no CORS
   * headers at all. default: empty
   */
  corsOrigins: readonly string[]
  /** CORS_MAX_AGE, seconds a browser may cache a preflight (accepts 600, 10m). default: 600 */
  corsMaxAge: number
}

/**
 * Parses CORS_ORIGINS and CORS_MAX_AGE; a value that is not a bare http(s) origin throws
 * ConfigError naming CORS_ORIGINS.
 *
 * @example
 * parseCorsConfig({ CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' })
 * // { corsOrigins: ['https://app.example.com', 'http://localhost:5173'], corsMaxAge: 600 }
 */
export function parseCorsConfig(env: Env): CorsConfig {
  const raw = text(env, 'CORS_ORIGINS')
  const list = raw === undefined ? [] : raw.split(',').map((s) => s.trim()).filter((s) => s !== '')
  const origins = list.map(origin)
  const twice = origins.find((o, i) => origins.indexOf(o) !== i)
  if (twice !== undefined) throw new ConfigError('CORS_ORIGINS', `lists ${twice} twice`)
  return { corsOrigins: Object.freeze(origins), corsMaxAge: duration(env, 'CORS_MAX_AGE', 600, true) }
}

const SHAPE = 'must be a comma separated list of origins such as https://app.example.com (http or https, host, optional port; no path, no trailing slash)'

/** One listed origin, serialized as a browser sends it in the Origin header. */
function origin(v: string): string {
  if (v === '*' || v.toLowerCase() === 'null') {
    // `null` is the Origin of sandboxed frames and file: pages: any site can produce it.
    throw new ConfigError('CORS_ORIGINS', `must list exact origins, not "${v}": the server answers with credentials (cookies, Authorization), and a credentialed CORS answer must never be open to every origin`)
  }
  if (v.includes('*')) throw new ConfigError('CORS_ORIGINS', `takes no wildcards; list each origin (got "${v}")`)
  // `new URL` forgives a trailing slash, a path, a query, credentials, `https:host`: refuse them rather than guess.
  if (!/^https?:\/\/[^/?#@\\]+$/i.test(v)) throw new ConfigError('CORS_ORIGINS', `${SHAPE} (got "${v}")`)
  try {
    return new URL(v).origin
  } catch {
    throw new ConfigError('CORS_ORIGINS', `${SHAPE} (got "${v}")`)
  }
}
