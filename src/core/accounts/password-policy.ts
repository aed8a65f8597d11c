// What a new password must be: long enough (PASSWORD_MIN_LENGTH), valid Unicode, and not one
// attackers try first (NIST SP 800-63B §3.1.1.2): not on the common-password list, not only
// whitespace, not the account's email, its local part or its username. These rules apply
// where a password is set (register, change, the ADMIN_PASSWORD bootstrap, `users create`),
// never at login: an account whose password predates them still logs in.

import type { AuthContext } from '../context.js'
import { AuthError } from '../errors.js'
import { commonPasswords } from '../passwords/common.js'
import { normalizeEmail, normalizePassword, normalizeUsername, passwordProblem } from './rules.js'

/** Who the password is for: a password equal to one of these is refused. */
export interface PasswordOwner {
  email: string
  username?: string | null | undefined
}

/**
 * Why `password` (already NFC) is too weak for `owner`, or undefined when it is not.
 * Comparisons ignore case and surrounding whitespace.
 *
 * @example
 * await passwordWeakness('12345678', { email: 'ada@example.com' }) // 'password is too common'
 */
export async function passwordWeakness(password: string, owner: PasswordOwner): Promise<string | undefined> {
  const folded = password.trim().toLowerCase()
  if (folded === '') return 'password must not be only whitespace'
  const email = normalizeEmail(owner.email)
  const mine = [email, email.slice(0, email.lastIndexOf('@')), owner.username == null ? '' : normalizeUsername(owner.username)]
  if (mine.includes(folded)) return 'password must not be your email or username'
  if ((await commonPasswords()).has(password.toLowerCase())) return 'password is too common'
  return undefined
}

/**
 * Checks a password being set and returns the form to hash (NFC). VALIDATION_FAILED for the
 * length or a lone surrogate, PASSWORD_TOO_WEAK for a guessable one; `field` names the
 * request field in the message and details (`password`, `new_password`).
 *
 * @example
 * const password = await acceptNewPassword(ctx, input.password, { email: input.email })
 */
export async function acceptNewPassword(ctx: AuthContext, password: string, owner: PasswordOwner, field = 'password'): Promise<string> {
  const named = (message: string) => message.replace(/^password/, field)
  const problem = passwordProblem(password, ctx.settings.passwordMinLength)
  if (problem !== undefined) throw new AuthError('VALIDATION_FAILED', named(problem), { details: { field } })
  const normalized = normalizePassword(password)!
  const weakness = await passwordWeakness(normalized, owner)
  if (weakness !== undefined) throw new AuthError('PASSWORD_TOO_WEAK', named(weakness), { details: { field } })
  return normalized
}
