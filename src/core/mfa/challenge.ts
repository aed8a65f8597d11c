// The step between the password and the code. A password login of an account with two-factor
// on opens no session: it gets an mfa_token (32 random bytes; only its SHA-256 is stored, as an
// account token of purpose `mfa_login`), good for MFA_TOKEN_TTL and bound to that account. The
// second step takes it from the store (of two racing requests one gets it); a wrong code puts it
// back unchanged, expiry included, so a typo does not cost the user their password step, while
// the throttle on the account's codes (second-step.ts) bounds the guesses. One pending second
// step per account: a newer password login replaces it.

import { isoAt, type AuthContext } from '../context.js'
import { accountTokenHash } from '../accounts/mailed-links.js'
import { randomToken } from '../random.js'
import type { AccountTokenRecord, UserRecord } from '../store.js'

/** Seconds an mfa_token works. */
export const MFA_TOKEN_TTL = 300

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/

/** What the password step answers for an account with two-factor on. */
export interface MfaChallenge {
  /** Exchanged with a code at the second step (`POST /auth/login/mfa`). */
  mfaToken: string
  /** Seconds it works. */
  expiresIn: number
}

export async function issueMfaChallenge(ctx: AuthContext, user: UserRecord): Promise<MfaChallenge> {
  const now = ctx.clock.now()
  const mfaToken = randomToken(32)
  await ctx.store.issueAccountToken({
    tokenHash: accountTokenHash(mfaToken),
    userId: user.id,
    purpose: 'mfa_login',
    email: user.email,
    createdAt: isoAt(now),
    expiresAt: isoAt(now + MFA_TOKEN_TTL * 1000),
  })
  return { mfaToken, expiresIn: MFA_TOKEN_TTL }
}

/** Takes an mfa_token (once), or undefined when malformed, unknown, used, replaced or expired. */
export async function takeMfaChallenge(ctx: AuthContext, mfaToken: string): Promise<AccountTokenRecord | undefined> {
  if (typeof mfaToken !== 'string' || !TOKEN_SHAPE.test(mfaToken)) return undefined
  return ctx.store.consumeAccountToken(accountTokenHash(mfaToken), 'mfa_login', isoAt(ctx.clock.now()))
}

/** Puts a taken mfa_token back as it was (same hash, same expiry), after a wrong code. */
export async function giveBackMfaChallenge(ctx: AuthContext, record: AccountTokenRecord): Promise<void> {
  await ctx.store.issueAccountToken(record)
}
