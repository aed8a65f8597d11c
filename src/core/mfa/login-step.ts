// The second step of a login (POST /auth/login/mfa): an mfa_token from the password step and a
// code. Each wrong code counts on the account's code throttle (LOGIN_THROTTLED with Retry-After
// once it bites) and leaves the mfa_token usable until it expires; a right one spends both the
// token and the code and opens the session, with `amr` saying how the user got in (RFC 8176).

import { auditRefusedLogin } from '../audit/login.js'
import { auditEntry } from '../audit/record.js'
import type { AuthContext, ClientInfo, TokenPair } from '../context.js'
import { AuthError } from '../errors.js'
import { loginOutcome, throttledCheck } from '../accounts/login.js'
import { openSession } from '../sessions/open.js'
import type { UserRecord } from '../store.js'
import { giveBackMfaChallenge, takeMfaChallenge } from './challenge.js'
import { checkSecondFactor, codeThrottleKey, type SecondFactor } from './second-factor.js'

/**
 * Exchanges an mfa_token and a second factor for a session, and publishes the outcome once on
 * the activity channel. MFA_TOKEN_INVALID, MFA_CODE_INVALID, LOGIN_THROTTLED, ACCOUNT_DISABLED.
 * The audit log records it as `login_mfa`: a success with the session (one transaction), a
 * refusal with its reason (naming the account once the mfa_token has named it).
 */
export async function completeMfaLogin(
  ctx: AuthContext,
  mfaToken: string,
  factor: SecondFactor,
  client: ClientInfo,
): Promise<TokenPair & { user: UserRecord; amr: readonly string[] }> {
  let userId: string | undefined
  try {
    const challenge = await takeMfaChallenge(ctx, mfaToken)
    if (challenge === undefined) throw new AuthError('MFA_TOKEN_INVALID')
    const id = (userId = challenge.userId)
    let amr: readonly string[] | undefined
    try {
      amr = await throttledCheck(ctx, codeThrottleKey(id), () => checkSecondFactor(ctx, id, factor))
    } catch (err) {
      // Throttled (or the store failed): the user may try again with the same token.
      await giveBackMfaChallenge(ctx, challenge)
      throw err
    }
    if (amr === undefined) {
      await giveBackMfaChallenge(ctx, challenge)
      throw new AuthError('MFA_CODE_INVALID')
    }
    const user = await ctx.store.findUserById(id)
    if (user === undefined) throw new AuthError('MFA_TOKEN_INVALID')
    if (user.disabled) throw new AuthError('ACCOUNT_DISABLED')
    const pair = await openSession(ctx, user, client, { amr, audit: auditEntry(ctx, { event: 'login_mfa', subjectId: user.id }, client) })
    ctx.activity.publish({ type: 'login', outcome: 'success', userId, sessionId: pair.sessionId })
    return { ...pair, user, amr }
  } catch (err) {
    const outcome = loginOutcome(err)
    ctx.activity.publish({ type: 'login', outcome, userId, sessionId: undefined })
    if (outcome !== 'error') await auditRefusedLogin(ctx, 'login_mfa', outcome, client, { userId })
    throw err
  }
}
