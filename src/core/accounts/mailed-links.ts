// Single-use links mailed to a user (verify an address, reset a password): the part the flows
// share. A link's token is 256 bits from the CSPRNG; only its SHA-256 is stored, so a copy of the
// database holds no working link. The store keeps one per user and purpose (a newer one replaces
// the older), deletes it as it is taken (of two racing requests one wins), and refuses it past
// its expiry. A user is sent at most one link per purpose per AUTH_DEFAULTS.emailResendInterval
// from this instance; the per-IP limit bounds the rest.

import { createHash } from 'node:crypto'
import { AUTH_DEFAULTS, type MailLinkPurpose } from '../auth-options.js'
import { isoAt, type AuthContext } from '../context.js'
import { inWords } from '../mail/templates.js'
import { randomToken } from '../random.js'
import type { AccountTokenRecord, UserRecord } from '../store.js'

/** SHA-256 of a mailed secret, hex: what the store keeps and looks up. */
export function accountTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** Tokens are 32 random bytes, base64url: 43 characters. Anything else is no token of ours. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/

/** The link's lifetime for each purpose. */
function ttlOf(ctx: AuthContext, purpose: MailLinkPurpose): number {
  return purpose === 'password_reset' ? ctx.settings.passwordResetTtl : ctx.settings.emailVerifyTtl
}

/** True when this instance sent the user a link for `purpose` within the resend interval. */
export function sentRecently(ctx: AuthContext, purpose: MailLinkPurpose, userId: string): boolean {
  const last = ctx.mail?.lastSent.get(`${purpose}:${userId}`)
  return last !== undefined && ctx.clock.now() - last < AUTH_DEFAULTS.emailResendInterval * 1000
}

/**
 * Stores a new token for `to` (default: the user's current address; an email change's new one)
 * replacing the user's older one of that purpose, and mails the link there. Resolves once the token is stored; the message goes in the background (a slow mail
 * server must not hold up the request) and a failure is counted on the activity channel.
 * False when the Auth has no mail.
 */
export async function mailLink(ctx: AuthContext, user: UserRecord, purpose: MailLinkPurpose, to = user.email): Promise<boolean> {
  const mail = ctx.mail
  if (mail === undefined) return false
  const now = ctx.clock.now()
  const token = randomToken(32)
  const ttl = ttlOf(ctx, purpose)
  // Before the first await: a second request checking sentRecently meanwhile sees this one.
  mail.lastSent.set(`${purpose}:${user.id}`, now)
  await ctx.store.issueAccountToken({
    tokenHash: accountTokenHash(token),
    userId: user.id,
    purpose,
    email: to,
    createdAt: isoAt(now),
    expiresAt: isoAt(now + ttl * 1000),
  })
  const values = { app_name: mail.appName, email: to, link: mail.link(purpose === 'email_change' ? 'verify_email' : purpose, token), token, expires_in: inWords(ttl) }
  void mail.sender.send(purpose, to, values)
  return true
}

/** Takes a mailed token (once), or undefined when it is malformed, unknown, used, replaced or expired. */
export async function takeToken(ctx: AuthContext, token: string, purpose: MailLinkPurpose): Promise<AccountTokenRecord | undefined> {
  if (typeof token !== 'string' || !TOKEN_SHAPE.test(token)) return undefined
  return ctx.store.consumeAccountToken(accountTokenHash(token), purpose, isoAt(ctx.clock.now()))
}

/** Forgets send times past the resend interval (called by auth.prune). */
export function pruneSendTimes(ctx: AuthContext, now: number): void {
  const lastSent = ctx.mail?.lastSent
  if (lastSent === undefined) return
  for (const [key, at] of lastSent) if (now - at >= AUTH_DEFAULTS.emailResendInterval * 1000) lastSent.delete(key)
}
