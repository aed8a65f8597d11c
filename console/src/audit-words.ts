// The audit log's events and reasons in words a person reads at a glance (the server's names
// stay visible beside them, for searching the docs and the CLI).

export const EVENT_WORDS: Record<string, string> = {
  register: 'Account created',
  login: 'Sign-in',
  login_mfa: 'Sign-in, second step',
  logout: 'Signed out',
  session_revoked: 'Session ended',
  sessions_revoked: 'All sessions ended',
  refresh_reused: 'Stolen refresh token detected',
  password_changed: 'Password changed',
  password_reset: 'Password reset by email',
  email_verified: 'Email address verified',
  email_changed: 'Email address changed',
  mfa_enrolled: 'Two-factor login turned on',
  mfa_disabled: 'Two-factor login turned off',
  mfa_reset: 'Two-factor login reset',
  user_updated: 'Account changed by an administrator',
  user_deleted: 'Account deleted by an administrator',
  account_deleted: 'Account deleted',
  token_issued: 'Access token issued by an operator',
}

const REASON_WORDS: Record<string, string> = {
  invalid_credentials: 'wrong password or unknown account',
  throttled: 'too many attempts',
  disabled: 'account disabled',
  unverified: 'email not verified',
  interrupted: 'interrupted',
  mfa_failed: 'wrong code',
  mfa_required: 'password accepted, code asked for',
  local: 'this device',
  others: 'every other device',
  global: 'every device',
  user_revoked: 'by the user',
  admin_revoked: 'by an administrator',
}

/** "Sign-in failed: wrong password or unknown account". */
export function eventWords(event: string, outcome: string, reason: string | null): string {
  const base = EVENT_WORDS[event] ?? event
  const why = reason === null ? '' : `: ${REASON_WORDS[reason] ?? reason}`
  return `${base}${outcome === 'failure' ? ' failed' : ''}${why}`
}
