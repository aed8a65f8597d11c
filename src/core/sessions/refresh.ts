// Refresh with rotation and reuse detection (RFC 9700 §4.14.2).
//
// Security model: each session has exactly one spendable refresh token (its `refreshJti`).
// Spending it swaps in a new jti by compare-and-swap in the store, so of many concurrent
// refreshes exactly one rotates. The token spent last (`prevRefreshJti`) is tolerated for
// `refreshReuseInterval` seconds after the swap (a client retry, a second tab): the caller
// gets the current lineage back. Any other refresh token of the session, or the previous one
// presented later, can only be a stolen copy: the whole session is revoked, which kills its
// access tokens too, and the caller gets REFRESH_TOKEN_REUSED. With LEGACY_TOKENS=accept, a
// refresh token with no sid (from a Flask app) is exchanged once for a new session (legacy.ts).
//
// `rotate: false` is Flask-JWT-Extended's refresh, for clients that keep their one refresh token:
// the current refresh token buys a new access token and stays the session's current one (no
// swap, so the session's expiry and last-used time stay as they were). Reuse detection still
// holds for every token the session spent before.
//
// Every refresh publishes its outcome once on the activity channel (rotated, kept, retried,
// legacy_exchanged, reused, expired, invalid, revoked, error).

import { randomUUID } from 'node:crypto'
import { auditEntry } from '../audit/record.js'
import { isoAt, type AuthContext, type ClientInfo, type TokenPair } from '../context.js'
import { AuthError, isAuthError } from '../errors.js'
import type { RefreshOutcome } from '../events/activity.js'
import type { SessionRecord } from '../store.js'
import type { TokenClaims } from '../tokens/claims.js'
import { exchangeLegacyRefresh } from './legacy.js'
import { issuePair, withAccess } from './open.js'
import { revokeSession } from './revoke.js'

export interface RefreshOptions {
  /** Recorded on a session a legacy refresh token opens (LEGACY_TOKENS=accept). default: none */
  client?: ClientInfo
  /**
   * true: a new refresh token replaces the presented one, and a spent one used again later
   * revokes the session (RFC 9700 §4.14.2). false: the presented refresh token stays current
   * and only a new access token is signed, for clients that keep one refresh token
   * (Flask-JWT-Extended's refresh); the session's expiry is not extended. default: true
   */
  rotate?: boolean
}

export async function refresh(ctx: AuthContext, refreshToken: string, options: RefreshOptions = {}): Promise<TokenPair> {
  let claims: TokenClaims | undefined
  try {
    claims = ctx.verifier.verify(refreshToken, 'refresh')
    const { outcome, pair } = await refreshVerified(ctx, claims, refreshToken, options)
    ctx.activity.publish({ type: 'refresh', outcome, userId: claims.sub, sessionId: pair.sessionId })
    return pair
  } catch (err) {
    ctx.activity.publish({ type: 'refresh', outcome: refreshOutcome(err), userId: claims?.sub, sessionId: claims?.sid })
    throw err
  }
}

/**
 * The outcome a refused refresh counts as: a refusal of the token itself (TOKEN_*, CSRF_FAILED)
 * is `expired` or `invalid`. Also for callers that check a refresh token before handing it here
 * (the server's refresh route verifies a cookie and its CSRF echo first).
 */
export function refreshOutcome(err: unknown): RefreshOutcome {
  if (!isAuthError(err)) return 'error'
  switch (err.code) {
    case 'REFRESH_TOKEN_REUSED':
      return 'reused'
    case 'TOKEN_REVOKED':
      return 'revoked'
    case 'TOKEN_EXPIRED':
      return 'expired'
    default:
      return err.code.startsWith('TOKEN_') || err.code === 'CSRF_FAILED' ? 'invalid' : 'error'
  }
}

type Refreshed = { outcome: RefreshOutcome; pair: TokenPair }

async function refreshVerified(ctx: AuthContext, claims: TokenClaims, refreshToken: string, { client = {}, rotate = true }: RefreshOptions): Promise<Refreshed> {
  const sid = claims.sid
  if (sid === undefined) {
    if (ctx.legacy === undefined) throw new AuthError('TOKEN_CLAIM_INVALID', 'sid claim is required')
    return { outcome: 'legacy_exchanged', pair: await exchangeLegacyRefresh(ctx, ctx.legacy, claims, client) }
  }
  let session = await liveSession(ctx, sid, claims.sub)
  const user = await ctx.store.findUserById(claims.sub)
  if (user === undefined || user.disabled) {
    await revokeSession(ctx, sid, user === undefined ? 'user_deleted' : 'user_disabled')
    throw new AuthError('TOKEN_REVOKED')
  }

  // The session's authentication methods ride in its refresh tokens (we signed them): a refresh keeps them.
  const amr = amrOf(claims)
  if (claims.jti === session.refreshJti && !rotate) return { outcome: 'kept', pair: withAccess(ctx, user, sid, false, refreshToken, undefined, amr) }
  if (claims.jti === session.refreshJti) {
    const now = ctx.clock.now()
    const toJti = randomUUID()
    const expMs = (Math.floor(now / 1000) + ctx.issuer.refreshTtl) * 1000
    const swapped = await ctx.store.rotateRefresh({
      sessionId: sid,
      fromJti: claims.jti,
      toJti,
      at: isoAt(now),
      expiresAt: isoAt(expMs),
    })
    if (swapped) {
      // Revoked between the swap and now (logout, theft, disable): the new pair would be dead on arrival.
      if (!ctx.gate.admit(sid, user.id, expMs)) throw new AuthError('TOKEN_REVOKED')
      return { outcome: 'rotated', pair: issuePair(ctx, user, sid, { fresh: false, refreshJti: toJti, refreshExp: expMs / 1000, amr }) }
    }
    // Another request rotated first: judge this one against the row as it is now.
    session = await liveSession(ctx, sid, claims.sub)
  }

  const now = ctx.clock.now()
  const rotatedAt = session.rotatedAt === null ? NaN : Date.parse(session.rotatedAt)
  if (claims.jti === session.prevRefreshJti && now - rotatedAt <= ctx.settings.refreshReuseInterval * 1000) {
    const pair = issuePair(ctx, user, sid, { fresh: false, refreshJti: session.refreshJti, refreshExp: Date.parse(session.expiresAt) / 1000, amr })
    return { outcome: 'retried', pair }
  }
  // Whoever presented it may be the thief: the row names no actor, and where the copy came from.
  await revokeSession(ctx, sid, 'refresh_token_reused', auditEntry(ctx, { event: 'refresh_reused', subjectId: user.id, sessionId: sid, actorId: null }, client))
  throw new AuthError('REFRESH_TOKEN_REUSED')
}

/** The `amr` of a refresh token, when it is a list of strings (RFC 8176). */
function amrOf(claims: TokenClaims): readonly string[] | undefined {
  const amr: unknown = claims.amr
  return Array.isArray(amr) && amr.every((m) => typeof m === 'string') ? (amr as string[]) : undefined
}

async function liveSession(ctx: AuthContext, sid: string, userId: string): Promise<SessionRecord> {
  const now = ctx.clock.now()
  const session = await ctx.store.findSession(sid)
  if (ctx.gate.learn(session, sid, now, now) !== 'live' || session === undefined || session.userId !== userId) {
    throw new AuthError('TOKEN_REVOKED')
  }
  return session
}
