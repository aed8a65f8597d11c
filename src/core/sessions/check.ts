// The per-request liveness check: a verified token is only accepted while its session lives.
// Answered from the gate's memory when it can (the common case: no I/O, no promise); the store
// is asked once for a session this process has not seen, e.g. one opened by another instance.
// Fail closed: while this instance is behind the auth-event feed (events/feed.ts), "live" from
// memory is not trusted and every check asks the store; a store that cannot answer gives
// SERVICE_UNAVAILABLE, never a pass. A token with no sid is refused, unless
// LEGACY_TOKENS=accept (see legacy.ts).

import type { AuthContext } from '../context.js'
import { AuthError } from '../errors.js'
import type { TokenClaims } from '../tokens/claims.js'

/**
 * Resolves (or returns, when answered from memory) when the token's session is live;
 * throws AuthError('TOKEN_REVOKED') otherwise.
 */
export function checkSession(ctx: AuthContext, claims: TokenClaims): void | Promise<void> {
  const sid = claims.sid
  if (sid === undefined) {
    if (ctx.legacy === undefined) throw new AuthError('TOKEN_CLAIM_INVALID', 'sid claim is required')
    return ctx.legacy.check(claims, ctx.users)
  }
  const now = ctx.clock.now()
  const state = ctx.gate.check(sid, claims.sub, now)
  if (state === 'dead') throw new AuthError('TOKEN_REVOKED')
  if (state === 'live' && ctx.trustMemory()) return
  return ctx.store.findSession(sid).then(
    (session) => {
      const learned = ctx.gate.learn(session, sid, now, claims.exp * 1000)
      if (learned !== 'live' || session?.userId !== claims.sub) throw new AuthError('TOKEN_REVOKED')
    },
    (err: unknown) => {
      throw new AuthError('SERVICE_UNAVAILABLE', undefined, { cause: err, retryAfter: 1 })
    },
  )
}
