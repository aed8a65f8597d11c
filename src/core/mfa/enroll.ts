// Turning two-factor login on, in two steps (as Supabase Auth, better-auth and Keycloak do):
// `startTotp` makes a secret and hands it to the user (as text, an otpauth:// URI and its QR
// code) without changing how they log in; `confirmTotp` takes a first code, which proves the
// authenticator holds the secret, and only then turns the factor on, with ten recovery codes
// shown this once. Starting again before confirming replaces the pending secret.

import { renderSVG } from 'uqr'
import { auditEntry } from '../audit/record.js'
import type { AuditSource } from '../audit/types.js'
import { isoAt, type AuthContext } from '../context.js'
import { AuthError } from '../errors.js'
import { requireUser } from '../accounts/self.js'
import { newRecoveryCodes, recoveryCodeHash } from './recovery-codes.js'
import { matchTotp, newTotpSecret, totpUri } from './totp.js'

/** What a user scans or types into an authenticator app. */
export interface TotpEnrollment {
  /** The shared secret, base32: for typing in by hand. */
  secret: string
  /** The `otpauth://totp/...` URI. */
  uri: string
  /** The URI as a QR code, an SVG document. */
  qrSvg: string
}

/** Starts (or restarts) enrollment. MFA_ALREADY_ENABLED, USER_NOT_FOUND. */
export async function startTotp(ctx: AuthContext, userId: string): Promise<TotpEnrollment> {
  const user = await requireUser(ctx, userId)
  const secret = newTotpSecret()
  if (!(await ctx.store.savePendingTotp(user.id, secret, isoAt(ctx.clock.now())))) throw new AuthError('MFA_ALREADY_ENABLED')
  const uri = totpUri(secret, ctx.settings.totpIssuer, user.email)
  return { secret, uri, qrSvg: renderSVG(uri) }
}

/**
 * Turns the pending factor on with a first code; returns the recovery codes (their only
 * showing). MFA_CODE_INVALID, MFA_ENROLLMENT_NOT_STARTED, MFA_ALREADY_ENABLED, USER_NOT_FOUND.
 */
export async function confirmTotp(ctx: AuthContext, userId: string, code: string, source?: AuditSource): Promise<{ recoveryCodes: string[] }> {
  const user = await requireUser(ctx, userId)
  const totp = await ctx.store.findTotp(user.id)
  if (totp === undefined) throw new AuthError('MFA_ENROLLMENT_NOT_STARTED')
  if (totp.confirmedAt !== null) throw new AuthError('MFA_ALREADY_ENABLED')
  const step = matchTotp(totp.secret, code, ctx.clock.now())
  if (step === undefined) throw new AuthError('MFA_CODE_INVALID')
  const recoveryCodes = newRecoveryCodes()
  // The confirming step counts as used: the same code cannot then log in.
  const audit = auditEntry(ctx, { event: 'mfa_enrolled', subjectId: user.id }, source)
  const confirmed = await ctx.store.confirmTotp(user.id, step, recoveryCodes.map((c) => recoveryCodeHash(c)!), isoAt(ctx.clock.now()), { audit })
  // Confirmed (or replaced) by a racing request meanwhile.
  if (!confirmed) throw new AuthError('MFA_ALREADY_ENABLED')
  return { recoveryCodes }
}
