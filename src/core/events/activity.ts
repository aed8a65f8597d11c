// Activity events: what this instance did, as one closed union: a login's outcome, a refresh's,
// a token refused at a guard, a password hash's duration. Unlike auth events (types.ts) they
// change no state another instance must learn, so they are never written to the store's event
// log nor carried by the feed: they go to this process's subscribers (metrics, the audit log)
// and nowhere else. Each is published once, where its outcome is decided (accounts/login.ts,
// sessions/refresh.ts, sessions/service.ts and the guard for refused tokens, passwords/hash.ts,
// mail/send.ts).
// They carry ids where an audit log needs them, and never an email, a password or a token.

import type { ErrorCode } from '../errors.js'
import type { MailKind } from '../mail/templates.js'
import { EventChannel } from './bus.js'

/** How a login ended. A closed set: metrics count by it. */
export const LOGIN_OUTCOMES = [
  'success',
  // Unknown account or wrong password (the two are never told apart).
  'invalid_credentials',
  // LOGIN_THROTTLED: refused before the password was checked.
  'throttled',
  // ACCOUNT_DISABLED: the right password for a disabled account.
  'disabled',
  // EMAIL_NOT_VERIFIED: the right password, with verification required and the address not verified.
  'unverified',
  // LOGIN_INTERRUPTED: the account changed while the session was being opened.
  'interrupted',
  // The right password for an account with two-factor on: an mfa_token, no session yet.
  'mfa_required',
  // The second step refused: MFA_CODE_INVALID (wrong, replayed or used code) or MFA_TOKEN_INVALID.
  'mfa_failed',
  // Anything unexpected (the database down).
  'error',
] as const
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number]

/** How a refresh ended. A closed set: metrics count by it. */
export const REFRESH_OUTCOMES = [
  // A new refresh token replaced the presented one.
  'rotated',
  // `rotate: false`: a new access token, the refresh token stays current.
  'kept',
  // The token spent last, again within REFRESH_REUSE_INTERVAL (a client retry): the current lineage.
  'retried',
  // A legacy (Flask) refresh token exchanged for a new session.
  'legacy_exchanged',
  // REFRESH_TOKEN_REUSED: a spent refresh token; the session was revoked.
  'reused',
  // TOKEN_EXPIRED.
  'expired',
  // No refresh token, or any other refusal of the token itself (signature, claims, type, CSRF).
  'invalid',
  // TOKEN_REVOKED: the session ended, or its account is disabled or deleted.
  'revoked',
  // Anything unexpected (the database down).
  'error',
] as const
export type RefreshOutcome = (typeof REFRESH_OUTCOMES)[number]

/** The password hash formats a hasher verifies (argon2id is the one it writes). */
export const HASH_ALGORITHMS = ['argon2id', 'argon2i', 'argon2d', 'pbkdf2', 'scrypt', 'bcrypt'] as const
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number]
export type HashOperation = 'hash' | 'verify'

export interface LoginAttempted {
  readonly type: 'login'
  readonly outcome: LoginOutcome
  /** The account, when one was found and the password matched (success, disabled, interrupted). */
  readonly userId: string | undefined
  /** The session opened (success only). */
  readonly sessionId: string | undefined
}

export interface RefreshAttempted {
  readonly type: 'refresh'
  readonly outcome: RefreshOutcome
  /** The token's `sub`, when its signature and claims verified. */
  readonly userId: string | undefined
  /** The token's `sid` (the session refreshed, or revoked on reuse), when it verified. */
  readonly sessionId: string | undefined
}

/**
 * A guard (or `sessions.authenticate`) refused a request's token, by its stable code. No ids:
 * the claims of a refused token are not to be trusted (a forged `sub` is still a string).
 */
export interface TokenRejected {
  readonly type: 'token_rejected'
  readonly code: ErrorCode
}

/** One hash or verify the hasher ran, timed from when it got its slot (queueing excluded). */
export interface PasswordHashed {
  readonly type: 'password_hashed'
  readonly algorithm: HashAlgorithm
  readonly operation: HashOperation
  readonly seconds: number
}

/** A message handed to the mail transport, or not (core/mail/send.ts). No address, no body. */
export interface MailAttempted {
  readonly type: 'mail'
  readonly kind: MailKind
  readonly outcome: 'sent' | 'failed'
  /** Failed only: the transport's error code (ECONNREFUSED, EAUTH, ...) or error class. */
  readonly error: string | undefined
}

export type ActivityEvent = LoginAttempted | RefreshAttempted | TokenRejected | PasswordHashed | MailAttempted
export type ActivityEventType = ActivityEvent['type']

/**
 * This instance's activity, for its own subscribers. Publishers on the request path check
 * `active` first, so with no subscriber (metrics off) they build nothing.
 *
 * @example
 * const activity = new ActivityChannel()
 * activity.subscribe((e) => { if (e.type === 'login') logins.inc({ outcome: e.outcome }) })
 * activity.publish({ type: 'login', outcome: 'throttled', userId: undefined, sessionId: undefined })
 */
export class ActivityChannel extends EventChannel<ActivityEvent> {
  publish(event: ActivityEvent): void {
    this.emit(event, undefined)
  }
}
