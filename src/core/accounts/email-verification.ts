// Email verification: proving an address is the user's by a link mailed to it.
//
// Security model: the link carries 256 bits from the CSPRNG; only its SHA-256 is stored, so a
// copy of the database holds no working link. A token is single use (the store deletes it as it
// is taken, and of two racing requests one wins), expires after emailVerifyTtl, and is replaced
// by a newer one. It proves the address it was sent to, and only while that is still the
// account's address. A resend answers the same whether the address has an account, is already
// verified, or was just sent one (no enumeration); it sends at most one message per account per
// AUTH_DEFAULTS.emailResendInterval on this instance, and the per-IP limit bounds the rest.

import { createHash } from 'node:crypto'
import { AUTH_DEFAULTS } from '../auth-options.js'
import { isoAt, type AuthContext } from '../context.js'
import { AuthError } from '../errors.js'
import { inWords } from '../mail/templates.js'
import { randomToken } from '../random.js'
import type { UserRecord } from '../store.js'
import { normalizeEmail } from './rules.js'

/** SHA-256 of a mailed secret, hex: what the store keeps and looks up. */
export function accountTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Tokens are 32 random bytes, base64url: 43 characters. Anything else is no token of ours. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/

/**
 * Issues a verification token for the user's current address and mails the link. Resolves once
 * the token is stored; the message is sent in the background (a slow mail server must not hold
 * up the request), its failure counted on the activity channel. False when there is no mail.
 */
export async function sendVerification(ctx: AuthContext, user: UserRecord): Promise<boolean> {
  const mail = ctx.mail
  if (mail === undefined) return false
  const now = ctx.clock.now()
  const token = randomToken(32)
  const ttl = ctx.settings.emailVerifyTtl
  await ctx.store.issueAccountToken({
    tokenHash: accountTokenHash(token),
    userId: user.id,
    purpose: 'verify_email',
    email: user.email,
    createdAt: isoAt(now),
    expiresAt: isoAt(now + ttl * 1000),
  })
  mail.lastSent.set(user.id, now)
  void mail.sender.send('verify_email', user.email, {
    app_name: mail.appName,
    email: user.email,
    link: mail.link('verify_email', token),
    token,
    expires_in: inWords(ttl),
  })
  return true
}

/**
 * Marks the address a token was sent to as verified, and returns the account. One refusal for
 * every failure (unknown, used, replaced, expired, the address changed since, the account gone):
 * VERIFICATION_TOKEN_INVALID.
 */
export async function verifyEmail(ctx: AuthContext, token: string): Promise<UserRecord> {
  if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) throw new AuthError('VERIFICATION_TOKEN_INVALID')
  const now = ctx.clock.now()
  const taken = await ctx.store.consumeAccountToken(accountTokenHash(token), 'verify_email', isoAt(now))
  if (taken === undefined) throw new AuthError('VERIFICATION_TOKEN_INVALID')
  const user = await ctx.store.findUserById(taken.userId)
  if (user === undefined || user.email !== taken.email) throw new AuthError('VERIFICATION_TOKEN_INVALID')
  if (user.emailVerifiedAt !== null) return user
  const updated = await ctx.store.updateUser(user.id, { emailVerifiedAt: isoAt(now), updatedAt: isoAt(now) })
  if (updated === undefined || 'conflict' in updated) throw new AuthError('VERIFICATION_TOKEN_INVALID')
  return updated
}

/**
 * Sends a new link to `email` when it names an account whose address is not verified and that
 * was not sent one within the resend interval. Answers nothing either way.
 */
export async function resendVerification(ctx: AuthContext, email: string): Promise<void> {
  if (ctx.mail === undefined) return
  const user = await ctx.store.findUserByEmail(normalizeEmail(email))
  if (user === undefined || user.emailVerifiedAt !== null || user.disabled) return
  const last = ctx.mail.lastSent.get(user.id)
  if (last !== undefined && ctx.clock.now() - last < AUTH_DEFAULTS.emailResendInterval * 1000) return
  await sendVerification(ctx, user)
}

/** Forgets resend times past the interval (called by auth.prune). */
export function pruneResendTimes(ctx: AuthContext, now: number): void {
  const lastSent = ctx.mail?.lastSent
  if (lastSent === undefined) return
  for (const [id, at] of lastSent) if (now - at >= AUTH_DEFAULTS.emailResendInterval * 1000) lastSent.delete(id)
}
