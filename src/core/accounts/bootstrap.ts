// The first administrator: created at startup from ADMIN_EMAIL and ADMIN_PASSWORD when no
// account has that email yet (the way Keycloak bootstraps its admin user). An existing
// account is left exactly as it is: its password and roles are never overwritten from the
// environment, so removing the variables later (or leaving them set) changes nothing.

import type { AuthContext } from '../context.js'
import { AuthError } from '../errors.js'
import type { UserRecord } from '../store.js'
import { ADMIN_ROLE } from './last-admin.js'
import { register } from './register.js'
import { normalizeEmail } from './rules.js'

export const ADMIN_ROLES: readonly string[] = Object.freeze(['user', ADMIN_ROLE])

export interface AdminSeed {
  email: string
  password: string
  username?: string | null
}

/**
 * Creates the admin account unless an account with that email exists.
 *
 * @example
 * const { created } = await ensureAdmin(ctx, { email: 'root@example.com', password })
 */
export async function ensureAdmin(ctx: AuthContext, seed: AdminSeed): Promise<{ user: UserRecord; created: boolean }> {
  const existing = await ctx.store.findUserByEmail(normalizeEmail(seed.email))
  if (existing !== undefined) return { user: existing, created: false }
  try {
    // The operator gave this address: it is taken as verified.
    return { user: await register(ctx, { ...seed, roles: ADMIN_ROLES, emailVerified: true }), created: true }
  } catch (err) {
    // Another instance starting at the same moment created it first.
    if (err instanceof AuthError && err.code === 'EMAIL_TAKEN') {
      const user = await ctx.store.findUserByEmail(normalizeEmail(seed.email))
      if (user !== undefined) return { user, created: false }
    }
    throw err
  }
}
