// Logging in: a password check that answers the same, in about the same time, whether the
// account is unknown or the password is wrong (a dummy argon2id verify for unknown accounts),
// then a new session. Legacy or weaker hashes are upgraded after a successful check.

import { auditRefusedLogin } from '../audit/login.js'
import { auditEntry } from '../audit/record.js'
import { isoAt, type AuthContext, type ClientInfo, type TokenPair } from '../context.js'
import { AuthError, isAuthError } from '../errors.js'
import type { LoginOutcome } from '../events/activity.js'
import { issueMfaChallenge, type MfaChallenge } from '../mfa/challenge.js'
import { mfaEnabled, mfaRequiredFor } from '../mfa/status.js'
import { openSession } from '../sessions/open.js'
import type { UserRecord } from '../store.js'
import type { PasswordCheck } from '../passwords/hash.js'
import { normalizeEmail, normalizePassword, normalizeUsername } from './rules.js'
import { throttleKey } from './throttle.js'

export type LoginIdentifier = { email: string } | { username: string }

/** Credentials with their identifier resolved (the accounts service's `Credentials` checked to one of email or username). */
export interface IdentifiedCredentials {
  identifier: LoginIdentifier
  password: string
}

/** Finds the account and checks its password; undefined when either is wrong. */
export async function checkCredentials(ctx: AuthContext, { identifier, password }: IdentifiedCredentials): Promise<UserRecord | undefined> {
  const user =
    'email' in identifier
      ? await ctx.store.findUserByEmail(normalizeEmail(identifier.email))
      : await ctx.store.findUserByUsername(normalizeUsername(identifier.username))
  const check = await matchPassword(ctx, user?.passwordHash, password)
  if (user === undefined || !check.ok) return undefined
  if (check.needsRehash) {
    const passwordHash = await ctx.hasher.hash(check.password)
    await ctx.store.updateUser(user.id, { passwordHash, updatedAt: isoAt(ctx.clock.now()) })
    // The hash this login now stands on: openSession refuses the login if it has changed again.
    return { ...user, passwordHash }
  }
  return user
}

/**
 * Checks a submitted password against a stored hash (`undefined`: no account, a dummy verify
 * spends the same time). Passwords are hashed in their NFC form (rules.ts), but hashes made
 * before that, and imported Werkzeug hashes, are of the raw string as typed: when the NFC form
 * does not match and the input is not NFC already, the raw input is tried too, and a match
 * there asks for a rehash, which stores the NFC form. A password with a lone surrogate never
 * matches; it costs one dummy verify, like a wrong password.
 * `password` in the result is the form to hash when `needsRehash`.
 */
export async function matchPassword(ctx: AuthContext, stored: string | undefined, password: string): Promise<PasswordCheck & { password: string }> {
  const normalized = normalizePassword(password)
  const mismatch = { ok: false, needsRehash: false, password }
  if (normalized === undefined || stored === undefined) {
    await ctx.hasher.verifyDummy(password)
    // The second verify a known account would spend on a non-NFC input.
    if (normalized !== undefined && normalized !== password) await ctx.hasher.verifyDummy(password)
    return mismatch
  }
  const check = await ctx.hasher.verify(stored, normalized)
  if (check.ok || normalized === password) return { ...check, password: normalized }
  const raw = await ctx.hasher.verify(stored, password)
  return raw.ok ? { ok: true, needsRehash: true, password: normalized } : mismatch
}

/** `amr` of a login by password alone (RFC 8176 §2). */
export const AMR_PASSWORD: readonly string[] = Object.freeze(['pwd'])

/**
 * What the password step ends with: a session, or (two-factor on) an mfa_token for the second
 * step (mfa/login-step.ts). `mfaEnrollmentRequired`: the user holds a role of MFA_REQUIRED_ROLES
 * and has no factor yet, so role-guarded routes refuse this session's tokens until they enroll.
 */
export type LoginResult =
  | (TokenPair & { user: UserRecord; mfaRequired: false; mfaEnrollmentRequired: boolean })
  | (MfaChallenge & { user: UserRecord; mfaRequired: true })

/**
 * Logs in, and publishes the outcome once on the activity channel (with the account's id when the
 * password matched). The audit log records it: a success with the session (one transaction), a
 * refusal with its reason.
 */
export async function login(ctx: AuthContext, credentials: IdentifiedCredentials, client: ClientInfo): Promise<LoginResult> {
  let userId: string | undefined
  try {
    const user = await throttledCheck(ctx, throttleKey(credentials.identifier), () => checkCredentials(ctx, credentials))
    if (user === undefined) throw new AuthError('INVALID_CREDENTIALS')
    userId = user.id
    if (user.disabled) throw new AuthError('ACCOUNT_DISABLED')
    // After the password: it tells nothing to someone without it.
    if (ctx.settings.requireEmailVerification && user.emailVerifiedAt === null) throw new AuthError('EMAIL_NOT_VERIFIED')
    if (await mfaEnabled(ctx, user.id)) {
      const challenge = await issueMfaChallenge(ctx, user)
      ctx.activity.publish({ type: 'login', outcome: 'mfa_required', userId, sessionId: undefined })
      // The password was right; no session yet: `login_mfa` records the second step.
      await ctx.store.appendAudit(auditEntry(ctx, { event: 'login', reason: 'mfa_required', subjectId: user.id, sessionId: null }, client))
      return { ...challenge, user, mfaRequired: true }
    }
    const pair = await openSession(ctx, user, client, { amr: AMR_PASSWORD, audit: auditEntry(ctx, { event: 'login', subjectId: user.id }, client) })
    ctx.activity.publish({ type: 'login', outcome: 'success', userId, sessionId: pair.sessionId })
    return { ...pair, user, mfaRequired: false, mfaEnrollmentRequired: mfaRequiredFor(ctx, user.roles) }
  } catch (err) {
    const outcome = loginOutcome(err)
    ctx.activity.publish({ type: 'login', outcome, userId, sessionId: undefined })
    // An unexpected failure (the database down) is no event about the account.
    if (outcome !== 'error') await auditRefusedLogin(ctx, 'login', outcome, client, { userId, identifier: credentials.identifier })
    throw err
  }
}

/** The outcome a failed login (either step) counts as. */
export function loginOutcome(err: unknown): LoginOutcome {
  if (!isAuthError(err)) return 'error'
  switch (err.code) {
    case 'INVALID_CREDENTIALS':
      return 'invalid_credentials'
    case 'LOGIN_THROTTLED':
      return 'throttled'
    case 'ACCOUNT_DISABLED':
      return 'disabled'
    case 'EMAIL_NOT_VERIFIED':
      return 'unverified'
    case 'LOGIN_INTERRUPTED':
      return 'interrupted'
    case 'MFA_CODE_INVALID':
    case 'MFA_TOKEN_INVALID':
      return 'mfa_failed'
    default:
      return 'error'
  }
}

/**
 * Runs a password check under the login throttle (when the context has one): refuses with
 * LOGIN_THROTTLED and a Retry-After while `key` must wait, otherwise records the outcome.
 * The answer depends on the key alone, never on whether an account exists.
 */
export async function throttledCheck<T>(ctx: AuthContext, key: string, check: () => Promise<T | undefined>): Promise<T | undefined> {
  const throttle = ctx.throttle
  if (throttle === undefined) return check()
  const wait = await throttle.acquire(key)
  if (wait > 0) throw new AuthError('LOGIN_THROTTLED', undefined, { retryAfter: wait })
  let result: T | undefined
  try {
    result = await check()
  } catch (err) {
    await throttle.settle(key, 'aborted')
    throw err
  }
  await throttle.settle(key, result === undefined ? 'failure' : 'success')
  return result
}
