// The rules an account's fields follow. Shared by the HTTP schemas and the CLI so both
// accept exactly the same input.

export const EMAIL_MAX = 254
export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 1024
/** Schemas count UTF-16 units, rules count characters: an astral character is two units. */
export const PASSWORD_MAX_UTF16 = PASSWORD_MAX * 2
export const USERNAME_PATTERN = '^[A-Za-z0-9_.-]{3,32}$'
/** RFC 5321 length limits and one @ with a dotted domain, no control characters; deliverability is not our concern. */
export const EMAIL_PATTERN = '^[^\\s@\\x00-\\x1f\\x7f]{1,64}@[^\\s@\\x00-\\x1f\\x7f]+\\.[^\\s@\\x00-\\x1f\\x7f]+$'
export const DEFAULT_ROLES: readonly string[] = Object.freeze(['user'])

const USERNAME_RE = new RegExp(USERNAME_PATTERN)
const EMAIL_RE = new RegExp(EMAIL_PATTERN)

/** Emails compare trimmed and lowercased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

/** Usernames are unique case-insensitively, so they are kept lowercased. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase()
}

/** Why a field is unacceptable, or undefined when it is fine. Messages never echo the value. */
export function emailProblem(email: string): string | undefined {
  const e = normalizeEmail(email)
  if (e.length > EMAIL_MAX || !EMAIL_RE.test(e)) return 'email must be a valid email address'
  return undefined
}

export function usernameProblem(username: string): string | undefined {
  if (!USERNAME_RE.test(username.trim())) return 'username must be 3 to 32 characters of a-z, 0-9, _ . -'
  return undefined
}

export function passwordProblem(password: string): string | undefined {
  const length = [...password].length
  if (length < PASSWORD_MIN || length > PASSWORD_MAX) return `password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`
  return undefined
}
