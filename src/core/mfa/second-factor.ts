// Checking a second factor for an account: a TOTP code (RFC 6238) or a recovery code. The
// answer is the authentication methods it adds (RFC 8176 §2), or undefined for a wrong one.
// A TOTP code is accepted once: the step it matched must be later than the last one used, which
// the store records with a conditional write, so a replay fails on every instance (§5.2).

import type { AuthContext } from '../context.js'
import { recoveryCodeHash } from './recovery-codes.js'
import { matchTotp } from './totp.js'

/** What a user presents at a second step: a code from the authenticator, or one recovery code. */
export type SecondFactor = { code: string } | { recoveryCode: string }

/** `amr` after a TOTP code: password, one-time password, and so more than one factor. */
export const AMR_TOTP: readonly string[] = Object.freeze(['pwd', 'otp', 'mfa'])
/** `amr` after a recovery code: a second factor, but no one-time password device. */
export const AMR_RECOVERY: readonly string[] = Object.freeze(['pwd', 'mfa'])

/** Throttle key of an account's codes: guesses count however many password logins they span. */
export function codeThrottleKey(userId: string): string {
  return `mfa:${userId}`
}

/**
 * Checks `factor` against the user's confirmed factor (and spends it: the TOTP step, or the
 * recovery code); the methods it proves, or undefined.
 */
export async function checkSecondFactor(ctx: AuthContext, userId: string, factor: SecondFactor): Promise<readonly string[] | undefined> {
  if ('recoveryCode' in factor) {
    const hash = typeof factor.recoveryCode === 'string' ? recoveryCodeHash(factor.recoveryCode) : undefined
    return hash !== undefined && (await ctx.store.consumeRecoveryCode(userId, hash)) ? AMR_RECOVERY : undefined
  }
  const step = await matchTotpOf(ctx, userId, factor.code)
  return step !== undefined && (await ctx.store.useTotpStep(userId, step)) ? AMR_TOTP : undefined
}

/** The step `code` matches on the user's confirmed factor, or undefined (no factor, wrong code). */
async function matchTotpOf(ctx: AuthContext, userId: string, code: string): Promise<number | undefined> {
  const totp = await ctx.store.findTotp(userId)
  if (totp === undefined || totp.confirmedAt === null || typeof code !== 'string') return undefined
  return matchTotp(totp.secret, code, ctx.clock.now())
}
