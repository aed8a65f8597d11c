// Where a token may travel in a request, and the names it travels under. The defaults are
// Flask-JWT-Extended's, so a browser client written for a Flask API keeps working.

/** Token locations, tried in the configured order (JWT_TOKEN_LOCATION). */
export const TOKEN_LOCATIONS = ['headers', 'cookies', 'query_string', 'json'] as const
export type TokenLocation = (typeof TOKEN_LOCATIONS)[number]

export function isTokenLocation(value: unknown): value is TokenLocation {
  return typeof value === 'string' && (TOKEN_LOCATIONS as readonly string[]).includes(value)
}

export type SameSite = 'lax' | 'strict' | 'none'

/**
 * Where tokens are looked for and under which names, by default (Flask-JWT-Extended's): written
 * once here; the plugin's options and the server's JWT_* variables refer to these.
 */
export const LOCATION_DEFAULTS = Object.freeze({
  /** JWT_TOKEN_LOCATION */
  locations: Object.freeze(['headers'] as TokenLocation[]) as readonly TokenLocation[],
  /** JWT_HEADER_NAME (matched case-insensitively) */
  headerName: 'Authorization',
  /** JWT_HEADER_TYPE; '' for a bare token */
  headerType: 'Bearer',
  /** JWT_QUERY_STRING_NAME */
  queryStringName: 'jwt',
})

/** Cookie delivery settings (Flask-JWT-Extended's JWT_*_COOKIE_* family). */
export interface CookieSettings {
  /** JWT_ACCESS_COOKIE_NAME. default: access_token_cookie */
  accessName: string
  /** JWT_REFRESH_COOKIE_NAME. default: refresh_token_cookie */
  refreshName: string
  /** JWT_ACCESS_CSRF_COOKIE_NAME. default: csrf_access_token */
  csrfAccessName: string
  /** JWT_REFRESH_CSRF_COOKIE_NAME. default: csrf_refresh_token */
  csrfRefreshName: string
  /** JWT_ACCESS_COOKIE_PATH. default: / */
  accessPath: string
  /** JWT_REFRESH_COOKIE_PATH. default: / */
  refreshPath: string
  /** JWT_COOKIE_DOMAIN. default: unset (host-only cookies) */
  domain: string | undefined
  /** JWT_COOKIE_SECURE. default: true in production, false otherwise */
  secure: boolean
  /** JWT_COOKIE_SAMESITE. default: lax */
  sameSite: SameSite
  /**
   * JWT_COOKIE_PARTITIONED: the `Partitioned` attribute (CHIPS), so a browser that blocks
   * third-party cookies still keeps them, in a jar keyed by the top-level site. Requires `secure`.
   * default: false
   */
  partitioned: boolean
  /** JWT_COOKIE_CSRF_PROTECT: double-submit CSRF check on cookie-authenticated writes. default: true */
  csrfProtect: boolean
  /** JWT_CSRF_HEADER_NAME. default: X-CSRF-TOKEN */
  csrfHeaderName: string
  /** JWT_CSRF_METHODS: the methods that must echo the CSRF value. default: POST, PUT, PATCH, DELETE */
  csrfMethods: readonly string[]
}

export const DEFAULT_COOKIE_SETTINGS: Readonly<CookieSettings> = Object.freeze({
  accessName: 'access_token_cookie',
  refreshName: 'refresh_token_cookie',
  csrfAccessName: 'csrf_access_token',
  csrfRefreshName: 'csrf_refresh_token',
  accessPath: '/',
  refreshPath: '/',
  domain: undefined,
  secure: true,
  sameSite: 'lax',
  partitioned: false,
  csrfProtect: true,
  csrfHeaderName: 'X-CSRF-TOKEN',
  csrfMethods: Object.freeze(['POST', 'PUT', 'PATCH', 'DELETE']),
})

/** A Domain attribute value (RFC 6265 §4.1.1: a hostname, optionally with a leading dot). */
const COOKIE_DOMAIN = /^\.?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i
/** A Path attribute value: starts with /, then printable ASCII but `;` (RFC 6265 §4.1.1). */
const COOKIE_PATH = /^\/[\x20-\x3a\x3c-\x7e]*$/

/** A cookie name: an HTTP token (RFC 6265 §4.1.1, RFC 9110 §5.6.2). */
const COOKIE_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/

/** Why a cookie name, domain or path cannot go in a Set-Cookie header, or undefined when it can. */
export function cookieAttributeProblem(kind: 'name' | 'domain' | 'path', value: string): string | undefined {
  if (kind === 'name') return COOKIE_NAME.test(value) ? undefined : 'must be a single name without spaces or separators'
  if (kind === 'domain') return COOKIE_DOMAIN.test(value) ? undefined : 'must be a host name such as example.com or .example.com'
  return COOKIE_PATH.test(value) ? undefined : 'must be a path starting with /, in printable ASCII without ;'
}

/** Body keys for the `json` location (JWT_JSON_KEY, JWT_REFRESH_JSON_KEY). */
export interface JsonKeys {
  /** default: access_token */
  access: string
  /** default: refresh_token */
  refresh: string
}

export const DEFAULT_JSON_KEYS: Readonly<JsonKeys> = Object.freeze({ access: 'access_token', refresh: 'refresh_token' })
