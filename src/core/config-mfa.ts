// Two-factor login settings from the environment: MFA_REQUIRED_ROLES, the roles whose holders
// must log in with a second factor (AuthOptions.mfaRequiredRoles).

import { ROLE_PATTERN } from './accounts/admin.js'
import { AUTH_DEFAULTS } from './auth-options.js'
import { ConfigError, text, type Env } from './config-env.js'

const ROLE_RE = new RegExp(ROLE_PATTERN)

export interface MfaConfig {
  /**
   * MFA_REQUIRED_ROLES: comma-separated role names (e.g. `admin`). A holder without a second factor
   * gets 403 MFA_REQUIRED from role-guarded routes until they enroll and log in with a code.
   * default: AUTH_DEFAULTS.mfaRequiredRoles (none)
   */
  mfaRequiredRoles: readonly string[]
}

/** Parses MFA_REQUIRED_ROLES. */
export function parseMfaConfig(env: Env): MfaConfig {
  const raw = text(env, 'MFA_REQUIRED_ROLES')
  if (raw === undefined) return { mfaRequiredRoles: AUTH_DEFAULTS.mfaRequiredRoles }
  const roles = [...new Set(raw.split(',').map((s) => s.trim()).filter((s) => s !== ''))]
  const bad = roles.find((r) => !ROLE_RE.test(r))
  if (bad !== undefined) throw new ConfigError('MFA_REQUIRED_ROLES', 'must list role names (letters, digits, _ . : -, up to 64 characters each), separated by commas')
  return { mfaRequiredRoles: Object.freeze(roles) }
}
