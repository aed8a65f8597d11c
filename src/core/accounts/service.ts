// The accounts service: register, log in, look up and change one's own account, as plain
// methods over the flows in this folder. The server's routes, the CLI and a host app's own
// handlers all call these. Answers are domain values (a User never carries its password hash);
// expected refusals are AuthErrors with stable codes (EMAIL_TAKEN, INVALID_CREDENTIALS, ...).

import type { AuthContext, ClientInfo, TokenPair } from '../context.js'
import { AuthError } from '../errors.js'
import type { TokenClaims } from '../tokens/claims.js'
import { resendVerification, sendVerification, verifyEmail } from './email-verification.js'
import { forgotPassword, resetPassword } from './password-reset.js'
import { requestEmailChange } from './email-change.js'
import { changePassword, deleteOwnAccount, renameUser } from './self.js'
import { login, type LoginIdentifier } from './login.js'
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
   */
  register(input: RegisterInput): Promise<User>
  /**
   * Marks the address the token was mailed to as verified, or (an email change's token) makes it
   * the account's address. VERIFICATION_TOKEN_INVALID, EMAIL_TAKEN.
   */
  verifyEmail(token: string): Promise<User>
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
  resetPassword(token: string, newPassword: string): Promise<{ user: User; revoked: number }>
  /**
   * Checks the password and opens a session: a fresh access token and a refresh token.
   * INVALID_CREDENTIALS (unknown account and wrong password alike, in about the same time),
   * ACCOUNT_DISABLED, LOGIN_THROTTLED (with `retryAfter`), VALIDATION_FAILED.
   * `client` (user agent, IP) is shown in the session list.
   */
  login(credentials: Credentials, client?: ClientInfo): Promise<Login>
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
  changePassword(userId: string, change: PasswordChange): Promise<{ revoked: number }>
  /** Sets (or with null clears) the username. VALIDATION_FAILED, USERNAME_TAKEN, USER_NOT_FOUND. */
  rename(userId: string, username: string | null): Promise<User>
  /**
   * Deletes the account and its sessions after checking its password. PASSWORD_INCORRECT,
   * LOGIN_THROTTLED, LAST_ADMIN (the only enabled admin), USER_NOT_FOUND.
   */
  deleteOwnAccount(userId: string, password: string): Promise<void>
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
    async register(input) {
      const user = await register(ctx, input)
      if (user.emailVerifiedAt === null) await sendVerification(ctx, user)
      return publicUser(user)
    },
    verifyEmail: async (token) => publicUser(await verifyEmail(ctx, token)),
    resendVerification: (email) => resendVerification(ctx, email),
    forgotPassword: (email) => forgotPassword(ctx, email),
    requestEmailChange: (userId, newEmail) => requestEmailChange(ctx, userId, newEmail),
    async resetPassword(token, newPassword) {
      const { user, revoked } = await resetPassword(ctx, token, newPassword)
      return { user: publicUser(user), revoked }
    },
    async login(credentials, client = {}) {
      const { user, ...pair } = await login(ctx, { identifier: identifierOf(credentials), password: credentials.password }, client)
      return { ...pair, user: publicUser(user) }
    },
    findUser: async (userId) => found(await ctx.users.get(userId)),
    findByEmail: async (email) => found(await ctx.store.findUserByEmail(normalizeEmail(email))),
    findByUsername: async (username) => found(await ctx.store.findUserByUsername(normalizeUsername(username))),
    async currentUser(claims) {
      const user = await ctx.users.get(claims.sub)
      if (user === undefined) throw new AuthError('TOKEN_USER_NOT_FOUND')
      if (user.disabled) throw new AuthError('TOKEN_REVOKED')
      return publicUser(user)
    },
    changePassword: (userId, change) => changePassword(ctx, userId, change.keepSessionId, change.currentPassword, change.newPassword),
    rename: async (userId, username) => publicUser(await renameUser(ctx, userId, username)),
    deleteOwnAccount: (userId, password) => deleteOwnAccount(ctx, userId, password),
  } satisfies Accounts)
}
