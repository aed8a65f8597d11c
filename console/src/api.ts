// The console's one door to the server: same-origin fetch() with the browser's cookies, the CSRF
// value echoed on writes (double submit), and one silent refresh when the access token has
// expired. The tokens live in HttpOnly cookies: nothing here reads, stores or logs one; only the
// readable CSRF values are read, from document.cookie, at the moment they are sent.

export interface Settings {
  cookies: boolean
  token_location: string[]
  csrf_protect: boolean
  csrf_header: string
  csrf_access_cookie: string
  csrf_refresh_cookie: string
}

export interface User {
  id: string
  email: string
  username: string | null
  roles: string[]
  email_verified: boolean
  created_at: string
  /** Two-factor login is on (GET /auth/me and the admin's view of one user). */
  mfa_enabled?: boolean
}

/** What the password step answers: cookies were set, or (two-factor on) a second step is needed. */
export interface SignInAnswer {
  mfa_required?: true
  mfa_token?: string
  /** The account must turn two-factor login on (MFA_REQUIRED_ROLES). */
  mfa_enrollment_required?: true
}

export interface AdminUser extends User {
  disabled: boolean
  updated_at: string
}

export interface Session {
  id: string
  created_at: string
  last_used_at: string
  expires_at: string
  user_agent: string | null
  ip: string | null
  current: boolean
}

interface AuditCommon {
  id: string
  at: string
  event: string
  outcome: 'success' | 'failure'
  reason: string | null
  ip: string | null
  user_agent: string | null
  detail: { via?: 'cli'; roles?: string[]; previous_roles?: string[]; disabled?: boolean } | null
}

/** A row of GET /admin/audit. */
export interface AuditRecord extends AuditCommon {
  actor_id: string | null
  subject_id: string | null
  session_id: string | null
}

/** A row of GET /auth/me/activity: who acted as a kind, never another account's id. */
export interface ActivityEvent extends AuditCommon {
  actor: 'self' | 'admin' | 'operator' | 'nobody'
  session_id: string | null
}

/** A refusal, as the server worded it: `{ statusCode, code, error, message }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds, from Retry-After (429). */
    readonly retryAfter?: number,
  ) {
    super(message)
  }
}

/** The session could not be renewed (no refresh cookie, or a dead one): sign in again. */
export class SessionEnded extends ApiError {}

let settings: Settings = { cookies: true, token_location: [], csrf_protect: true, csrf_header: 'X-CSRF-TOKEN', csrf_access_cookie: 'csrf_access_token', csrf_refresh_cookie: 'csrf_refresh_token' }

export async function loadSettings(): Promise<Settings> {
  const res = await fetch('/console/settings.json', { credentials: 'same-origin', cache: 'no-store' })
  if (!res.ok) throw await errorOf(res)
  settings = (await res.json()) as Settings
  return settings
}

function readCookie(name: string): string | undefined {
  const pair = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`))
  return pair === undefined ? undefined : decodeURIComponent(pair.slice(name.length + 1))
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

function send(method: string, path: string, body: unknown, csrfCookie: string): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const csrf = WRITES.has(method) ? readCookie(csrfCookie) : undefined
  if (csrf !== undefined) headers[settings.csrf_header] = csrf
  return fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}

async function errorOf(res: Response): Promise<ApiError> {
  let body: { code?: unknown; message?: unknown } = {}
  try {
    body = (await res.json()) as typeof body
  } catch {
    // not JSON: keep the status
  }
  const retry = Number(res.headers.get('retry-after'))
  return new ApiError(
    res.status,
    typeof body.code === 'string' ? body.code : `HTTP_${res.status}`,
    typeof body.message === 'string' ? body.message : res.statusText || 'The server refused the request',
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
  )
}

async function parse<T>(res: Response): Promise<T> {
  if (!res.ok) throw await errorOf(res)
  if (res.status === 204) return undefined as T
  return (await res.json()) as T
}

/** An expired access token, or its cookie gone with it (the cookie's Max-Age is the token's). */
const RENEWABLE = new Set(['TOKEN_EXPIRED', 'TOKEN_MISSING'])
let refreshing: Promise<void> | undefined

/** POST /auth/refresh with the refresh cookie; one at a time however many requests wait on it. */
export function refresh(): Promise<void> {
  refreshing ??= (async () => {
    try {
      const res = await send('POST', '/auth/refresh', undefined, settings.csrf_refresh_cookie)
      if (!res.ok) {
        const err = await errorOf(res)
        throw err.status === 401 || err.status === 403 ? new SessionEnded(err.status, err.code, err.message) : err
      }
    } finally {
      refreshing = undefined
    }
  })()
  return refreshing
}

/** A 401 that no retry can mend: the session was revoked, its account is gone, the token is bad. */
function isDead(err: ApiError): boolean {
  return err.status === 401 && (err.code.startsWith('TOKEN_') || err.code === 'REFRESH_TOKEN_REUSED') && err.code !== 'TOKEN_NOT_FRESH'
}

/**
 * A request on the signed-in session: refreshed once and retried when the access token has
 * expired; SessionEnded when the session cannot go on.
 */
export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  let res = await send(method, path, body, settings.csrf_access_cookie)
  if (res.status === 401 && RENEWABLE.has((await errorOf(res.clone())).code)) {
    // The refresh cookie comes with a readable CSRF cookie: without that, there is nothing to refresh.
    if (settings.csrf_protect && readCookie(settings.csrf_refresh_cookie) === undefined) {
      throw new SessionEnded(401, 'TOKEN_MISSING', 'No session')
    }
    await refresh()
    res = await send(method, path, body, settings.csrf_access_cookie)
  }
  if (res.status === 401) {
    const err = await errorOf(res)
    throw isDead(err) ? new SessionEnded(err.status, err.code, err.message) : err
  }
  return parse<T>(res)
}

/** A request that needs no session (sign in, register, the token inspector). */
export async function publicApi<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  return parse<T>(await send(method, path, body, settings.csrf_access_cookie))
}

/** Signs in with cookies: an email when the identifier has an @, else a username. */
export function signIn(identifier: string, password: string): Promise<SignInAnswer> {
  const id = identifier.trim()
  return publicApi<SignInAnswer>('POST', '/auth/login?cookies=true', { ...(id.includes('@') ? { email: id } : { username: id }), password })
}

/** The second step of a sign-in with two-factor on: the mfa_token and a code or a recovery code; sets the cookies. */
export function signInWithCode(mfaToken: string, factor: { code: string } | { recovery_code: string }): Promise<SignInAnswer> {
  return publicApi<SignInAnswer>('POST', '/auth/login/mfa?cookies=true', { mfa_token: mfaToken, ...factor })
}
