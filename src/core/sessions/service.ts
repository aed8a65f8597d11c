// The sessions service: authenticate a token against its session, refresh, log out, list and
// revoke sessions, as plain methods over the flows in this folder. A revocation made here takes
// effect at once on this instance (the guard's next check refuses it) and on the others within
// the feed's bound. Expected outcomes are values (`revoke` answers false for no such session);
// refusals are AuthErrors with stable codes.

import { auditEntry } from '../audit/record.js'
import type { AuditSource } from '../audit/types.js'
import type { AuthContext, ClientInfo, TokenPair } from '../context.js'
import { isoAt } from '../context.js'
import { AuthError, isAuthError, type ErrorCode } from '../errors.js'
import type { RevocationReason } from '../events/types.js'
import type { TokenClaims, TokenType } from '../tokens/claims.js'
import { decodeToken, type DecodedToken } from '../tokens/inspect.js'
import { checkSession } from './check.js'
import { openSession } from './open.js'
import { refresh, type RefreshOptions } from './refresh.js'
import { revokeSession, revokeUserSessions } from './revoke.js'
import { publicSession, type Session } from './session.js'

export type { RefreshOptions }

/** What `inspect` finds out about a token: what it says, and whether this server accepts it now. */
export interface TokenInspection {
  /** The header and claims as the token states them, unverified; undefined when it is not a JWT. */
  readonly decoded: DecodedToken | undefined
  /** True when `authenticate` would accept it at this moment (signature, claims, live session). */
  readonly accepted: boolean
  /** Why not: the code `authenticate` refuses it with. */
  readonly code?: ErrorCode
  /** Whether its session is live: undefined when the token failed before the session was looked at, or has none (a legacy token). */
  readonly sessionLive?: boolean
}

/** An operator's token for a user (`issue`): the access token and the session it belongs to; no refresh token. */
export type IssuedAccess = Omit<TokenPair, 'refreshToken'>

export interface IssueOptions {
  /** Seconds the token and its session live, 1 to the refresh TTL. default: the access TTL */
  ttl?: number
  /** Recorded on the session, for the user's session list. default: none */
  client?: ClientInfo
  /** Who issued it, for the audit log's `token_issued` row (the CLI: `{ via: 'cli' }`). default: none (no actor) */
  source?: AuditSource
}

/** Which sessions a logout ends: this one, every one of the user's, or every other one. */
export type LogoutScope = 'local' | 'global' | 'others'

export interface Sessions {
  /**
   * Verifies a token (signature, claims, `type`: default 'access') and checks its session is
   * live. TOKEN_* codes for a bad token, TOKEN_REVOKED for an ended session; each refusal is
   * published on the activity channel (`token_rejected`).
   */
  authenticate(token: string, type?: TokenType): Promise<TokenClaims>
  /**
   * The liveness check alone, for claims already verified: throws TOKEN_REVOKED (or
   * SERVICE_UNAVAILABLE). Returns undefined when memory answers, a promise when the store must:
   * the guard's per-request fast path, so no promise is made in the common case.
   */
  check(claims: TokenClaims): void | Promise<void>
  /**
   * A new access token (not fresh) for a refresh token's session, and (with rotation, the
   * default) a new refresh token. TOKEN_* codes, TOKEN_REVOKED, REFRESH_TOKEN_REUSED.
   */
  refresh(refreshToken: string, options?: RefreshOptions): Promise<TokenPair>
  /**
   * Ends the session of `claims` (a verified access or refresh token), all of the user's
   * sessions, or all but this one; their tokens are refused at once. Returns how many ended.
   * Recorded in the audit log (`logout`, its scope as the reason) with `source`'s IP and user agent.
   */
  logout(claims: TokenClaims, scope?: LogoutScope, source?: AuditSource): Promise<number>
  /**
   * Ends one session; false when it is not live (or, with `userId`, not that user's: answer
   * both alike, so a user cannot probe others' session ids). `reason` default: 'user_revoked'.
   * Audited as `session_revoked`, made by `source` (an admin's id as its actorId; default: the session's user).
   */
  revoke(sessionId: string, options?: { userId?: string; reason?: RevocationReason; source?: AuditSource }): Promise<boolean>
  /** Ends every live session of the user but `except`; returns how many. `reason` default: 'admin_revoked'. Audited as `sessions_revoked`. */
  revokeAll(userId: string, options?: { except?: string; reason?: RevocationReason; source?: AuditSource }): Promise<number>
  /** The user's live sessions, newest first. */
  list(userId: string): Promise<Session[]>
  /**
   * Decodes a token and checks it as `authenticate` would (for its own `type`), answering a
   * value rather than throwing and publishing nothing: a person looking at a token is not a
   * request being refused. SERVICE_UNAVAILABLE still throws.
   */
  inspect(token: string): Promise<TokenInspection>
  /**
   * Opens a session for a user without a password (an operator's `tokenwarden token issue`) and
   * signs its access token, not fresh: routes that need a recent password check refuse it.
   * The session ends with the token (`ttl`); no refresh token is handed out, since refreshing
   * would extend the session past it. USER_NOT_FOUND, ACCOUNT_DISABLED; a `ttl` outside 1 to
   * the refresh TTL is a RangeError (misuse, not bad data).
   */
  issue(userId: string, options?: IssueOptions): Promise<IssuedAccess>
}

export function createSessions(ctx: AuthContext): Sessions {
  return Object.freeze({
    async authenticate(token, type = 'access') {
      try {
        const claims = ctx.verifier.verify(token, type)
        await checkSession(ctx, claims)
        return claims
      } catch (err) {
        if (isAuthError(err)) ctx.activity.publish({ type: 'token_rejected', code: err.code })
        throw err
      }
    },
    check: (claims) => checkSession(ctx, claims),
    refresh: (refreshToken, options) => refresh(ctx, refreshToken, options),
    async logout(claims, scope = 'local', source = {}) {
      const sid = claims.sid
      const audit = auditEntry(ctx, { event: 'logout', reason: scope, subjectId: claims.sub, sessionId: sid ?? null }, { ...source, actorId: claims.sub })
      if (scope === 'local') {
        if (sid !== undefined) return Number(await revokeSession(ctx, sid, 'logout', audit))
        // A legacy token has no session: only the token itself can be retired.
        if (ctx.legacy === undefined) return 0
        const event = { type: 'legacy_token_revoked', jti: claims.jti, forgetAt: ctx.legacy.forgetAt(claims) } as const
        // Applied here at once, like every event, then recorded for the other instances.
        ctx.events.publish(event)
        await ctx.store.events?.append(event)
        await ctx.store.appendAudit(audit)
        return 1
      }
      return revokeUserSessions(ctx, claims.sub, scope === 'global' ? 'logout_global' : 'logout_others', scope === 'others' ? sid : undefined, audit)
    },
    async revoke(sessionId, { userId, reason = 'user_revoked', source } = {}) {
      const session = await ctx.store.findSession(sessionId)
      const live = session !== undefined && session.revokedAt === null && Date.parse(session.expiresAt) > ctx.clock.now()
      if (!live || (userId !== undefined && session.userId !== userId)) return false
      await revokeSession(ctx, session.id, reason, auditEntry(ctx, { event: 'session_revoked', reason, subjectId: session.userId, sessionId: session.id }, source))
      return true
    },
    revokeAll: (userId, { except, reason = 'admin_revoked', source } = {}) =>
      revokeUserSessions(ctx, userId, reason, except, auditEntry(ctx, { event: 'sessions_revoked', reason, subjectId: userId }, source)),
    list: async (userId) => (await ctx.store.listLiveSessions(userId, isoAt(ctx.clock.now()))).map(publicSession),
    async inspect(token) {
      const decoded = decodeToken(token)
      let claims: TokenClaims
      try {
        claims = ctx.verifier.verify(token, decoded?.claims.type === 'refresh' ? 'refresh' : 'access')
      } catch (err) {
        if (!isAuthError(err)) throw err
        return { decoded, accepted: false, code: err.code }
      }
      try {
        await checkSession(ctx, claims)
      } catch (err) {
        if (!isAuthError(err) || err.code === 'SERVICE_UNAVAILABLE') throw err
        return { decoded, accepted: false, code: err.code, sessionLive: claims.sid === undefined ? undefined : false }
      }
      return { decoded, accepted: true, sessionLive: claims.sid === undefined ? undefined : true }
    },
    async issue(userId, { ttl = ctx.issuer.accessTtl, client = {}, source = {} } = {}) {
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > ctx.issuer.refreshTtl) {
        throw new RangeError(`ttl must be a whole number of seconds from 1 to the refresh TTL (${ctx.issuer.refreshTtl})`)
      }
      const user = await ctx.store.findUserById(userId)
      if (user === undefined) throw new AuthError('USER_NOT_FOUND')
      if (user.disabled) throw new AuthError('ACCOUNT_DISABLED')
      // Nobody signed in as the user: the row names the issuer (none from the CLI), never the user.
      const audit = auditEntry(ctx, { event: 'token_issued', subjectId: user.id, actorId: source.actorId ?? null }, { ...client, ...source })
      const { refreshToken: _, ...access } = await openSession(ctx, user, client, { fresh: false, ttl, audit })
      return access
    },
  } satisfies Sessions)
}
