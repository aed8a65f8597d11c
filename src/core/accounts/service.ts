// The accounts service: register, log in, look up and change one's own account, as plain
// methods over the flows in this folder. The server's routes, the CLI and a host app's own
// handlers all call these. Answers are domain values (a User never carries its password hash);
// expected refusals are AuthErrors with stable codes (EMAIL_TAKEN, INVALID_CREDENTIALS, ...).

import type { AuditSource } from '../audit/types.js'
import type { AuthContext, ClientInfo, TokenPair } from '../context.js'
import { AuthError } from '../errors.js'
import type { TokenClaims } from '../tokens/claims.js'
import { resendVerification, sendVerification, verifyEmail } from './email-verification.js'
import { forgotPassword, resetPassword } from './password-reset.js'
import { requestEmailChange } from './email-change.js'
import { changePassword, deleteOwnAccount, renameUser } from './self.js'
import { login, type LoginIdentifier } from './login.js'
import { completeMfaLogin } from '../mfa/login-step.js'
import type { MfaChallenge } from '../mfa/challenge.js'
import { confirmTotp, startTotp, type TotpEnrollment } from '../mfa/enroll.js'
import { disableTotp } from '../mfa/disable.js'
import type { SecondFactor } from '../mfa/second-factor.js'
import { mfaEnabled, mfaStatus, type MfaStatus } from '../mfa/status.js'
import { register, type RegisterInput } from './register.js'
import { normalizeEmail, normalizeUsername } from './rules.js'
import { publicUser, type User } from './user.js'

/**
 * What a login presents: the password and exactly one of `email` or `username` (both typed
 * optional, so a request body's fields can be passed as they are; neither or both is
 * VALIDATION_FAILED).
 */
export interface Credentials {
  /** Compared trimmed and lowercased. */
  email?: string | undefined
  /** Compared lowercased. */
  username?: string | undefined
  password: string
}

/** A successful login: the session's tokens and the account. */
export interface Login extends TokenPair {
  user: User
}

/**
 * The password step's answer: a session (`mfaRequired: false`), or for an account with
 * two-factor login on an mfa_token to exchange with a code through `completeSignIn`.
 */
export type SignIn =
  | (Login & { mfaRequired: false; /** The user must turn two-factor login on (MFA_REQUIRED_ROLES). */ mfaEnrollmentRequired: boolean })
  | (MfaChallenge & { mfaRequired: true; user: User })

export interface PasswordChange {
  currentPassword: string
  newPassword: string
  /** The session that stays signed in (the caller's own, `claims.sid`); every other one is revoked. default: none, every session is revoked */
  keepSessionId?: string | undefined
}

export interface Accounts {
  /**
   * Creates an account (argon2id hash, `roles` default ['user']). VALIDATION_FAILED (email,
   * username, password length), PASSWORD_TOO_WEAK, EMAIL_TAKEN, USERNAME_TAKEN. With mail
   * (AuthOptions.mail) and `emailVerified` unset, the address is sent a verification link.
   * Audited (`register`) with `source`: who and from where (the server passes the request's IP
   * and user agent; the CLI `via: 'cli'`). Every audited method takes one, optional.
   */
  register(input: RegisterInput, source?: AuditSource): Promise<User>
  /**
   * Marks the address the token was mailed to as verified, or (an email change's token) makes it
   * the account's address. VERIFICATION_TOKEN_INVALID, EMAIL_TAKEN.
   */
  verifyEmail(token: string, source?: AuditSource): Promise<User>
  /**
   * Mails a new verification link to `email` if it names an unverified, enabled account not sent
   * one in the last minute; resolves alike in every case (no enumeration).
   */
  resendVerification(email: string): Promise<void>
  /**
   * Mails a password reset link to `email` if it names an enabled account not sent one in the
   * last minute. Returns before any of that is done (no enumeration, by answer or by time).
   */
  forgotPassword(email: string): void
  /**
   * Mails a link to `newEmail` that makes it the account's address once followed, and a notice to
   * the current one; the address is unchanged until then. VALIDATION_FAILED, EMAIL_TAKEN,
   * MAIL_NOT_CONFIGURED, USER_NOT_FOUND.
   */
  requestEmailChange(userId: string, newEmail: string): Promise<void>
  /**
   * Sets a new password with a mailed reset token, signs out every session of the account, and
   * mails a notice. PASSWORD_RESET_TOKEN_INVALID, ACCOUNT_DISABLED, VALIDATION_FAILED,
   * PASSWORD_TOO_WEAK (the token then stays usable).
   */
  resetPassword(token: string, newPassword: string, source?: AuditSource): Promise<{ user: User; revoked: number }>
  /**
   * Checks the password and opens a session: a fresh access token and a refresh token.
   * INVALID_CREDENTIALS (unknown account and wrong password alike, in about the same time),
   * ACCOUNT_DISABLED, LOGIN_THROTTLED (with `retryAfter`), VALIDATION_FAILED.
   * `client` (user agent, IP) is shown in the session list.
   */
  login(credentials: Credentials, client?: ClientInfo): Promise<Login>
  /**
   * Like `login`, for accounts with two-factor login too: a session, or an mfa_token (5 minutes,
   * single use, bound to the account) for `completeSignIn`. `login` refuses such accounts with
   * MFA_REQUIRED instead, so an app that never asks for codes never bypasses them.
   */
  signIn(credentials: Credentials, client?: ClientInfo): Promise<SignIn>
  /**
   * The second step: the mfa_token and a TOTP code or a recovery code; the session's access
   * token carries `amr` ['pwd', 'otp', 'mfa'] (['pwd', 'mfa'] after a recovery code).
   * MFA_TOKEN_INVALID, MFA_CODE_INVALID (wrong, replayed or used; the mfa_token stays usable),
   * LOGIN_THROTTLED, ACCOUNT_DISABLED.
   */
  completeSignIn(mfaToken: string, factor: SecondFactor, client?: ClientInfo): Promise<Login>
  /** Starts (or restarts) TOTP enrollment: the secret, its otpauth URI and QR code. MFA_ALREADY_ENABLED, USER_NOT_FOUND. */
  startTotp(userId: string): Promise<TotpEnrollment>
  /**
   * Turns two-factor login on with a first code; returns ten recovery codes, shown this once.
   * MFA_CODE_INVALID, MFA_ENROLLMENT_NOT_STARTED, MFA_ALREADY_ENABLED, USER_NOT_FOUND.
   */
  confirmTotp(userId: string, code: string, source?: AuditSource): Promise<{ recoveryCodes: string[] }>
  /** Turns two-factor login off after checking a code or a recovery code. MFA_CODE_INVALID, MFA_NOT_ENABLED, LOGIN_THROTTLED, USER_NOT_FOUND. */
  disableTotp(userId: string, factor: SecondFactor, source?: AuditSource): Promise<void>
  /** Whether two-factor login is on, pending, required by a role, and the recovery codes left. USER_NOT_FOUND. */
  mfaStatus(userId: string): Promise<MfaStatus>
  /** Whether the user has two-factor login on (one store read; false for an unknown user). */
  mfaEnabled(userId: string): Promise<boolean>
  /**
   * The account with this id, or undefined. Read through the user cache: a change made through
   * this Auth shows at once, another instance's within AuthOptions.userCacheTtl.
   */
  findUser(userId: string): Promise<User | undefined>
  /** The account with this email (trimmed, lowercased), or undefined. */
  findByEmail(email: string): Promise<User | undefined>
  /** The account with this username (lowercased), or undefined. */
  findByUsername(username: string): Promise<User | undefined>
  /**
   * The account a verified token stands for (Flask-JWT-Extended's current_user):
   * TOKEN_USER_NOT_FOUND when it was deleted, TOKEN_REVOKED when it was disabled (its
   * sessions' revocation may still be on its way to this instance). Read like findUser.
   */
  currentUser(claims: TokenClaims): Promise<User>
  /**
   * Changes the password after checking the current one, and revokes every other session.
   * VALIDATION_FAILED, PASSWORD_TOO_WEAK (for the new one), PASSWORD_INCORRECT,
   * LOGIN_THROTTLED, USER_NOT_FOUND.
   */
  changePassword(userId: string, change: PasswordChange, source?: AuditSource): Promise<{ revoked: number }>
  /** Sets (or with null clears) the username. VALIDATION_FAILED, USERNAME_TAKEN, USER_NOT_FOUND. */
  rename(userId: string, username: string | null): Promise<User>
  /**
   * Deletes the account and its sessions after checking its password. PASSWORD_INCORRECT,
   * LOGIN_THROTTLED, LAST_ADMIN (the only enabled admin), USER_NOT_FOUND.
   */
  deleteOwnAccount(userId: string, password: string, source?: AuditSource): Promise<void>
}

/** The identifier a login names, or VALIDATION_FAILED when it names none or two. */
function identifierOf({ email, username }: Credentials): LoginIdentifier {
  if ((email === undefined) === (username === undefined)) {
    throw new AuthError('VALIDATION_FAILED', 'credentials must have either email or username, not both', { details: { field: 'email' } })
  }
  return email !== undefined ? { email } : { username: username! }
}

export function createAccounts(ctx: AuthContext): Accounts {
  const found = (record: Parameters<typeof publicUser>[0] | undefined) => (record === undefined ? undefined : publicUser(record))
  return Object.freeze({
    async register(input, source) {
      const user = await register(ctx, input, source)
      if (user.emailVerifiedAt === null) await sendVerification(ctx, user)
      return publicUser(user)
    },
    verifyEmail: async (token, source) => publicUser(await verifyEmail(ctx, token, source)),
    resendVerification: (email) => resendVerification(ctx, email),
    forgotPassword: (email) => forgotPassword(ctx, email),
    requestEmailChange: (userId, newEmail) => requestEmailChange(ctx, userId, newEmail),
    async resetPassword(token, newPassword, source) {
      const { user, revoked } = await resetPassword(ctx, token, newPassword, source)
      return { user: publicUser(user), revoked }
    },
    async login(credentials, client = {}) {
      const result = await login(ctx, { identifier: identifierOf(credentials), password: credentials.password }, client)
      if (result.mfaRequired) {
        // The caller cannot take a second step: the challenge just issued goes unused.
        await ctx.store.deleteAccountTokens(result.user.id, 'mfa_login')
        throw new AuthError('MFA_REQUIRED')
      }
      const { user, accessToken, refreshToken, expiresIn, sessionId } = result
      return { accessToken, refreshToken, expiresIn, sessionId, user: publicUser(user) }
    },
    async signIn(credentials, client = {}) {
      const result = await login(ctx, { identifier: identifierOf(credentials), password: credentials.password }, client)
      return { ...result, user: publicUser(result.user) }
    },
    async completeSignIn(mfaToken, factor, client = {}) {
      const { user, accessToken, refreshToken, expiresIn, sessionId } = await completeMfaLogin(ctx, mfaToken, factor, client)
      return { accessToken, refreshToken, expiresIn, sessionId, user: publicUser(user) }
    },
    startTotp: (userId) => startTotp(ctx, userId),
    confirmTotp: (userId, code, source) => confirmTotp(ctx, userId, code, source),
    disableTotp: (userId, factor, source) => disableTotp(ctx, userId, factor, source),
    async mfaStatus(userId) {
      const user = await ctx.users.get(userId)
      if (user === undefined) throw new AuthError('USER_NOT_FOUND')
      return mfaStatus(ctx, userId, user.roles)
    },
    mfaEnabled: (userId) => mfaEnabled(ctx, userId),
    findUser: async (userId) => found(await ctx.users.get(userId)),
    findByEmail: async (email) => found(await ctx.store.findUserByEmail(normalizeEmail(email))),
    findByUsername: async (username) => found(await ctx.store.findUserByUsername(normalizeUsername(username))),
    async currentUser(claims) {
      const user = await ctx.users.get(claims.sub)
      if (user === undefined) throw new AuthError('TOKEN_USER_NOT_FOUND')
      if (user.disabled) throw new AuthError('TOKEN_REVOKED')
      return publicUser(user)
    },
    changePassword: (userId, change, source) => changePassword(ctx, userId, change.keepSessionId, change.currentPassword, change.newPassword, source),
    rename: async (userId, username) => publicUser(await renameUser(ctx, userId, username)),
    deleteOwnAccount: (userId, password, source) => deleteOwnAccount(ctx, userId, password, source),
  } satisfies Accounts)
}
