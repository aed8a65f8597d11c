// Opening a session: one row per login, whose id (`sid`) every token of the session carries.

import { randomUUID } from 'node:crypto'
import type { AuditRecord } from '../audit/types.js'
import { isoAt, type AuthContext, type ClientInfo, type TokenPair } from '../context.js'
import { AuthError } from '../errors.js'
import { randomToken } from '../random.js'
import type { UserRecord } from '../store.js'
import { revokeSession } from './revoke.js'

const MAX_USER_AGENT = 512

export interface OpenOptions {
  /** The access token proves a password check; false for a legacy refresh exchange or an operator's token. default: true */
  fresh?: boolean
  /**
   * Seconds the whole session lives, its access token included (an operator's `token issue`);
   * the caller keeps it within the refresh TTL. default: unset, the session lives the refresh TTL
   * and the access token the access TTL
   */
  ttl?: number
  /**
   * How the user proved who they are (RFC 8176): `['pwd']` for a password login, with `otp` and
   * `mfa` after a second factor. Stamped on both tokens, so refreshes keep it. default: none
   */
  amr?: readonly string[]
  /** The audit row of this login, written in the session insert's transaction (its sessionId is set to the new session's). default: none */
  audit?: AuditRecord
}

/**
 * A session revoked before it could be admitted (an admin change signing the user out everywhere
 * while this login was in flight) is replaced once by a new one, which carries the change.
 */
export async function openSession(ctx: AuthContext, user: UserRecord, client: ClientInfo, opts: OpenOptions = {}): Promise<TokenPair> {
  for (let attempt = 1; ; attempt++) {
    const opened = await openOnce(ctx, user, client, opts.fresh ?? true, opts.ttl, opts.amr, opts.audit)
    if (opened.pair !== undefined) return opened.pair
    // Revoked twice in a row: the account is changing under this login; let the client retry.
    if (attempt === 2) throw new AuthError('LOGIN_INTERRUPTED')
    user = opened.current
  }
}

async function openOnce(
  ctx: AuthContext,
  user: UserRecord,
  client: ClientInfo,
  fresh: boolean,
  ttl: number | undefined,
  amr: readonly string[] | undefined,
  audit: AuditRecord | undefined,
): Promise<{ pair: TokenPair; current?: undefined } | { pair?: undefined; current: UserRecord }> {
  const now = ctx.clock.now()
  const sid = randomToken(16)
  const refreshJti = randomUUID()
  const expiresAtMs = (Math.floor(now / 1000) + (ttl ?? ctx.issuer.refreshTtl)) * 1000
  try {
    await ctx.store.createSession({
      id: sid,
      userId: user.id,
      createdAt: isoAt(now),
      lastUsedAt: isoAt(now),
      expiresAt: isoAt(expiresAtMs),
      userAgent: client.userAgent?.slice(0, MAX_USER_AGENT) ?? null,
      ip: client.ip ?? null,
      refreshJti,
    }, { audit: audit && { ...audit, sessionId: sid } })
  } catch (err) {
    // Deleted since the password check: the store's sessions -> users key refused the row.
    if ((await ctx.store.findUserById(user.id)) === undefined) throw new AuthError('INVALID_CREDENTIALS')
    throw err
  }
  const admitted = ctx.gate.admit(sid, user.id, expiresAtMs)
  // An admin change (disable, delete, role removal) or a password change may have landed since
  // the caller read `user` and checked its password. Such changes write the user first and
  // revoke sessions second, so reading the user again after the row exists cannot miss one:
  // either the revocation saw this session, or this read sees the change.
  const current = await ctx.store.findUserById(user.id)
  const passwordChanged = current !== undefined && current.passwordHash !== user.passwordHash
  if (current === undefined || current.disabled || passwordChanged) {
    await revokeSession(ctx, sid, current === undefined ? 'user_deleted' : current.disabled ? 'user_disabled' : 'password_changed')
    throw new AuthError(current?.disabled === true ? 'ACCOUNT_DISABLED' : 'INVALID_CREDENTIALS')
  }
  // Revoked between the insert and admit(), e.g. by a role removal: its tokens would be dead on
  // arrival. The change is in the store by now (written before revoking), so `current` has it.
  if (!admitted) return { current }
  const accessExp = ttl === undefined ? undefined : expiresAtMs / 1000
  return { pair: issuePair(ctx, current, sid, { fresh, refreshJti, refreshExp: expiresAtMs / 1000, accessExp, amr }) }
}

/** Signs an access token and the session's current refresh token. */
export function issuePair(
  ctx: AuthContext,
  user: UserRecord,
  sid: string,
  opts: { fresh: boolean; refreshJti: string; refreshExp: number; accessExp?: number | undefined; amr?: readonly string[] | undefined },
): TokenPair {
  const refreshInput = { sub: user.id, sid, amr: opts.amr, extra: ctx.additionalClaims?.(user, 'refresh') }
  const refresh = ctx.issuer.issue('refresh', refreshInput, { jti: opts.refreshJti, exp: opts.refreshExp })
  return withAccess(ctx, user, sid, opts.fresh, refresh.token, opts.accessExp, opts.amr)
}

/**
 * Signs an access token for the session and pairs it with `refreshToken`, the session's current one.
 * `accessExp` (epoch seconds) replaces the access TTL, for a session opened with its own TTL.
 */
export function withAccess(
  ctx: AuthContext,
  user: UserRecord,
  sid: string,
  fresh: boolean,
  refreshToken: string,
  accessExp?: number,
  amr?: readonly string[],
): TokenPair {
  const input = { sub: user.id, sid, fresh, roles: user.roles, emailVerified: user.emailVerifiedAt !== null, amr, extra: ctx.additionalClaims?.(user, 'access') }
  const access = ctx.issuer.issue('access', input, accessExp === undefined ? undefined : { exp: accessExp })
  const expiresIn = accessExp === undefined ? ctx.issuer.accessTtl : accessExp - access.claims.iat
  return { accessToken: access.token, refreshToken, expiresIn, sessionId: sid }
}
