// The server's refusals in the words a person at the console needs; the code stays visible
// beside them, so a reader can look it up in docs/errors.md.

import type { ApiError } from '../api.js'

const WORDS: Record<string, (err: ApiError) => string> = {
  INVALID_CREDENTIALS: () => 'Wrong email, username or password.',
  LOGIN_THROTTLED: (err) =>
    `Too many failed sign-ins for this account. ${err.retryAfter === undefined ? 'Wait a little' : `Wait ${err.retryAfter} seconds`} and try again.`,
  RATE_LIMITED: (err) => `Too many requests from here. ${err.retryAfter === undefined ? 'Wait a little' : `Wait ${err.retryAfter} seconds`} and try again.`,
  ROLE_REQUIRED: () => 'This page is for administrators: your account does not have the admin role.',
  LAST_ADMIN: () =>
    'This is the last enabled administrator: the account cannot lose the admin role, be disabled or be deleted. Make another user an admin first.',
  TOKEN_NOT_FRESH: () => 'This change needs your password confirmed. Try again and enter it when asked.',
  PASSWORD_INCORRECT: () => 'That is not the current password.',
  ACCOUNT_DISABLED: () => 'This account is disabled. An administrator can enable it again.',
  EMAIL_NOT_VERIFIED: () => 'Confirm your email address first: follow the link in the message we sent you, or send it again below.',
  VERIFICATION_TOKEN_INVALID: () => 'This link or code is not valid any more: it was used, replaced by a newer one, or expired. Ask for a new one.',
  PASSWORD_RESET_TOKEN_INVALID: () => 'This link or code is not valid any more: it was used, replaced by a newer one or a password change, or expired. Ask for a new one.',
  // The profile words one case itself: the code a fresh sign-in just spent (profile-mfa.tsx).
  MFA_CODE_INVALID: (err) =>
    err.message.startsWith('Signing in again') ? err.message : 'That code is not right, or was already used. Enter the current code from your authenticator app, or an unused recovery code.',
  MFA_TOKEN_INVALID: () => 'This sign-in took too long or was replaced by a newer one. Sign in again with your password.',
  MFA_REQUIRED: () => 'This needs a sign-in with a second factor: turn on two-factor login on your profile, then sign in again with a code.',
  MFA_ALREADY_ENABLED: () => 'Two-factor login is already on for this account.',
  MFA_NOT_ENABLED: () => 'Two-factor login is not on for this account.',
  COOKIE_LOGIN_DISABLED: () => 'This server does not deliver tokens as cookies, which the console signs in with. Add cookies to JWT_TOKEN_LOCATION.',
}

export function describe(err: ApiError): string {
  return WORDS[err.code]?.(err) ?? err.message
}
