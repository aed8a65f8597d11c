// Legacy tokens: tokens a Flask + PyJWT / Flask-JWT-Extended app signed with the same secret
// before the move to tokenwarden. They verify against our key ring like any token (no `kid`
// means the signing key) but carry no `sid`, so no session stands behind them. Accepted only
// with LEGACY_TOKENS=accept, for the cutover; off by default.
//
// Security model: with no session to revoke, a legacy token lives while (1) its user exists
// and is not disabled, (2) it was issued after the user's last mass revocation in this process
// (disable, delete, role removal, password change, global logout all call revokeUserSessions,
// which records a per-user cutoff: legacy tokens with `iat` at or before it are dead), and
// (3) its own jti is not spent (a logged-out access token, an exchanged refresh token). A
// legacy refresh token is exchanged once for a real session (RFC 9700 §4.14.2 applies from
// there on); presenting it again is reuse: REFRESH_TOKEN_REUSED, and the session it opened
// is revoked. Liveness is answered from memory: the user row comes from the shared UserCache
// (accounts/user-cache.ts: 30 s by default, dropped at once by any user write through core
// here). Cutoffs and logged-out legacy tokens reach other instances as auth events (a restart
// forgets them: the user row is still checked). Spent refresh jtis are this process's only: a
// refresh token exchanged on one instance could be exchanged once more on another.

import type { AuthContext, ClientInfo, TokenPair } from '../context.js'
import { AuthError } from '../errors.js'
import type { UserCache } from '../accounts/user-cache.js'
import type { TokenClaims } from '../tokens/claims.js'
import { openSession } from './open.js'
import { revokeSession } from './revoke.js'

/** LEGACY_TOKENS: `off` refuses sid-less tokens (TOKEN_CLAIM_INVALID); `accept` takes them as above. */
export type LegacyTokenMode = 'off' | 'accept'

interface Spent {
  /** Epoch ms after which the token cannot verify anyway, so the entry can go. */
  forgetAt: number
  /** The session a refresh exchange opened. */
  sid: string | undefined
  /** Presented again while the exchange was still opening its session. */
  reused: boolean
}

/**
 * The in-memory state behind legacy tokens: per-user cutoffs, spent jtis.
 *
 * @example
 * const legacy = new LegacyTokens(leewaySeconds)
 * await legacy.check(claims, ctx.users) // throws AuthError('TOKEN_REVOKED') when dead
 */
export class LegacyTokens {
  /** userId -> epoch seconds; kept for the life of the process (one number per affected user). */
  readonly #cutoff = new Map<string, number>()
  readonly #spent = new Map<string, Spent>()
  readonly #leewayMs: number

  constructor(leewaySeconds = 0) {
    this.#leewayMs = leewaySeconds * 1000
  }

  /** Resolves (or returns, from memory) when the legacy token is live; throws TOKEN_REVOKED otherwise. */
  check(claims: TokenClaims, users: UserCache): void | Promise<void> {
    if (this.#spent.has(claims.jti)) throw new AuthError('TOKEN_REVOKED')
    const cutoff = this.#cutoff.get(claims.sub)
    if (cutoff !== undefined && issuedAt(claims) <= cutoff) throw new AuthError('TOKEN_REVOKED')
    const found = users.get(claims.sub)
    if (!(found instanceof Promise)) {
      if (found !== undefined && !found.disabled) return
      throw new AuthError('TOKEN_REVOKED')
    }
    return found.then((user) => {
      // A revocation landed while the store was read: its answer may predate it.
      if (this.#cutoff.get(claims.sub) !== cutoff) throw new AuthError('TOKEN_REVOKED')
      if (user === undefined || user.disabled) throw new AuthError('TOKEN_REVOKED')
    })
  }

  /** Every legacy token of the user issued until now stops working. */
  revokeUser(userId: string, now: number): void {
    // The write that caused this (disable, delete, ...) already dropped the user's cached row.
    this.#cutoff.set(userId, Math.max(this.#cutoff.get(userId) ?? 0, Math.floor(now / 1000)))
  }

  /** The token with this jti stops working until `forgetAt` (epoch ms). */
  revokeJti(jti: string, forgetAt: number): void {
    if (!this.#spent.has(jti)) this.#spent.set(jti, { forgetAt, sid: undefined, reused: false })
  }

  isSpent(jti: string): boolean {
    return this.#spent.has(jti)
  }

  /** Marks a refresh token spent; returns its earlier entry (flagged as reused) when it already was. */
  spend(claims: TokenClaims): Spent | undefined {
    const prior = this.#spent.get(claims.jti)
    if (prior !== undefined) {
      prior.reused = true
      return prior
    }
    this.#spent.set(claims.jti, { forgetAt: this.forgetAt(claims), sid: undefined, reused: false })
    return undefined
  }

  /** Undoes `spend` after an unexpected failure, so the client may retry. */
  unspend(jti: string): void {
    this.#spent.delete(jti)
  }

  /** Records the session an exchange opened; false when the token was presented again meanwhile. */
  bind(jti: string, sid: string): boolean {
    const entry = this.#spent.get(jti)
    if (entry === undefined) return true
    entry.sid = sid
    return !entry.reused
  }

  /** Forgets spent jtis that can no longer verify; returns how many. */
  prune(now: number): number {
    let n = 0
    for (const [jti, e] of this.#spent) if (e.forgetAt <= now && this.#spent.delete(jti)) n++
    return n
  }

  /** Epoch ms after which this token cannot verify anyway, so what is remembered of it can go. */
  forgetAt(claims: TokenClaims): number {
    return claims.exp * 1000 + this.#leewayMs
  }
}

/** A token without `iat` is taken as issued at the epoch: any cutoff kills it. */
function issuedAt(claims: TokenClaims): number {
  return typeof claims.iat === 'number' ? claims.iat : 0
}

/**
 * Exchanges a legacy refresh token (no sid) for a new tokenwarden session, once.
 * The new access token is not fresh (a refresh never proves the password).
 */
export async function exchangeLegacyRefresh(ctx: AuthContext, legacy: LegacyTokens, claims: TokenClaims, client: ClientInfo): Promise<TokenPair> {
  if (legacy.isSpent(claims.jti)) return reused(ctx, legacy, claims)
  await legacy.check(claims, ctx.users)
  // Check-and-set with no await in between: of two concurrent exchanges, one gets here first.
  if (legacy.spend(claims) !== undefined) return reused(ctx, legacy, claims)
  let pair: TokenPair
  try {
    const user = await ctx.store.findUserById(claims.sub)
    if (user === undefined || user.disabled) throw new AuthError('TOKEN_REVOKED')
    pair = await openSession(ctx, user, client, { fresh: false })
  } catch (err) {
    if (err instanceof AuthError) {
      // Disabled, deleted or re-passworded while the session opened: the token stays spent.
      throw err.code === 'TOKEN_REVOKED' ? err : new AuthError('TOKEN_REVOKED')
    }
    legacy.unspend(claims.jti)
    throw err
  }
  if (!legacy.bind(claims.jti, pair.sessionId)) {
    await revokeSession(ctx, pair.sessionId, 'refresh_token_reused')
    throw new AuthError('REFRESH_TOKEN_REUSED')
  }
  return pair
}

async function reused(ctx: AuthContext, legacy: LegacyTokens, claims: TokenClaims): Promise<never> {
  const sid = legacy.spend(claims)?.sid
  if (sid !== undefined) await revokeSession(ctx, sid, 'refresh_token_reused')
  throw new AuthError('REFRESH_TOKEN_REUSED')
}
