// The tutorial's own words for its refusals, by tokenwarden error code: a client written for
// the Flask app that shows `error` reads what it did before. Every body still carries the
// precise `code` (docs/errors.md), and the statuses are the corrected ones (README.md).

import type { AuthError, ErrorCode } from '../../src/index.js'

export const TUTORIAL_MESSAGES: Readonly<Partial<Record<ErrorCode, string>>> = Object.freeze({
  // login_required: 'no Authorization header found' (a 400 there, a 401 here).
  TOKEN_MISSING: 'no Authorization header found',
  // One answer for an unknown username and a wrong password (the tutorial's 404 and 401 told them apart).
  INVALID_CREDENTIALS: 'username or password incorrect',
  // user_signup's exceptions (a 401 there, a 409 here).
  USERNAME_TAKEN: 'username already taken',
  EMAIL_TAKEN: 'email already signed-up',
  // roles_required (a 401 there, a 403 here).
  ROLE_REQUIRED: "you don't have the required roles",
})

export function tutorialMessage(error: AuthError): string | undefined {
  return TUTORIAL_MESSAGES[error.code]
}
