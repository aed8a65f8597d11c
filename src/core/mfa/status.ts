// Where a user stands with two-factor login: for their profile, the admin's view of them, and
// the login answer (MFA_REQUIRED_ROLES).

import type { AuthContext } from '../context.js'

export interface MfaStatus {
  /** A confirmed TOTP factor: logins ask for a code. */
  enabled: boolean
  /** Enrollment started and not confirmed yet. */
  pending: boolean
  /** Recovery codes not used yet (0 when off). */
  recoveryCodesLeft: number
  /** The user holds a role of MFA_REQUIRED_ROLES: role-guarded routes need a login with a second factor. */
  required: boolean
}

export async function mfaStatus(ctx: AuthContext, userId: string, roles: readonly string[]): Promise<MfaStatus> {
  const totp = await ctx.store.findTotp(userId)
  const enabled = totp !== undefined && totp.confirmedAt !== null
  return {
    enabled,
    pending: totp !== undefined && totp.confirmedAt === null,
    recoveryCodesLeft: enabled ? await ctx.store.countRecoveryCodes(userId) : 0,
    required: mfaRequiredFor(ctx, roles),
  }
}

/** Whether `roles` include one that MFA_REQUIRED_ROLES names. */
export function mfaRequiredFor(ctx: AuthContext, roles: readonly string[]): boolean {
  return roles.some((r) => ctx.settings.mfaRequiredRoles.includes(r))
}

/** Whether the user has a confirmed factor. */
export async function mfaEnabled(ctx: AuthContext, userId: string): Promise<boolean> {
  const totp = await ctx.store.findTotp(userId)
  return totp !== undefined && totp.confirmedAt !== null
}
