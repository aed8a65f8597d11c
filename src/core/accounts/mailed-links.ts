// Single-use links mailed to a user (verify an address, reset a password): the part the flows
// share. A link's token is 256 bits from the CSPRNG; only its SHA-256 is stored, so a copy of the
// database holds no working link. The store keeps one per user and purpose (a newer one replaces
// the older), deletes it as it is taken (of two racing requests one wins), and refuses it past
// its expiry. A user is sent at most one link per purpose per AUTH_DEFAULTS.emailResendInterval,
// whichever instance is asked (the stored token's creation time says when the last one went); the
// per-IP limit bounds the requests.

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

/**
 * True when the user was sent a link for `purpose` within the resend interval: by this instance
 * (its own record, checked and claimed before any await, so two requests here cannot both pass),
 * or by any instance (the stored token's creation time, when the store can tell).
 */
export async function sentRecently(ctx: AuthContext, purpose: MailLinkPurpose, userId: string): Promise<boolean> {
  const lastSent = ctx.mail?.lastSent
  if (lastSent === undefined) return false
  const now = ctx.clock.now()
  const interval = AUTH_DEFAULTS.emailResendInterval * 1000
  const key = `${purpose}:${userId}`
  const last = lastSent.get(key)
  if (last !== undefined && now - last < interval) return true
  // Claimed now: a second request on this instance sees it while this one asks the store.
  lastSent.set(key, now)
  const stored = await ctx.store.findAccountToken?.(userId, purpose)
  if (stored === undefined || now - Date.parse(stored.createdAt) >= interval) return false
  // Another instance sent it: remember its time, not this claim's.
  lastSent.set(key, Date.parse(stored.createdAt))
  return true
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
