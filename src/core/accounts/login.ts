// Logging in: a password check that answers the same, in about the same time, whether the
// account is unknown or the password is wrong (a dummy argon2id verify for unknown accounts),
// then a new session. Legacy or weaker hashes are upgraded after a successful check.

import { isoAt, type AuthContext, type ClientInfo, type TokenPair } from '../context.js'
import { AuthError } from '../errors.js'
import { openSession } from '../sessions/open.js'
import type { UserRecord } from '../store.js'
import { normalizeEmail, normalizeUsername } from './rules.js'
import { throttleKey } from './throttle.js'

export type LoginIdentifier = { email: string } | { username: string }

export interface Credentials {
  identifier: LoginIdentifier
  password: string
}

/** Finds the account and checks its password; undefined when either is wrong. */
export async function checkCredentials(ctx: AuthContext, { identifier, password }: Credentials): Promise<UserRecord | undefined> {
  const user =
    'email' in identifier
      ? await ctx.store.findUserByEmail(normalizeEmail(identifier.email))
      : await ctx.store.findUserByUsername(normalizeUsername(identifier.username))
  if (user === undefined) {
    await ctx.hasher.verifyDummy(password)
    return undefined
  }
  const check = await ctx.hasher.verify(user.passwordHash, password)
  if (!check.ok) return undefined
  if (check.needsRehash) {
    const passwordHash = await ctx.hasher.hash(password)
    await ctx.store.updateUser(user.id, { passwordHash, updatedAt: isoAt(ctx.clock.now()) })
    // The hash this login now stands on: openSession refuses the login if it has changed again.
    return { ...user, passwordHash }
  }
  return user
}

export async function login(ctx: AuthContext, credentials: Credentials, client: ClientInfo): Promise<TokenPair & { user: UserRecord }> {
  const user = await throttledCheck(ctx, throttleKey(credentials.identifier), () => checkCredentials(ctx, credentials))
  if (user === undefined) throw new AuthError('INVALID_CREDENTIALS')
  if (user.disabled) throw new AuthError('ACCOUNT_DISABLED')
  return { ...(await openSession(ctx, user, client)), user }
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
