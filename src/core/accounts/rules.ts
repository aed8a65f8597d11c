// The rules an account's fields follow. Shared by the HTTP schemas and the CLI so both
// accept exactly the same input.

export const EMAIL_MAX = 254
/** PASSWORD_MIN_LENGTH's default and its floor: NIST SP 800-63B §3.1.1.2 asks for at least 8 characters. */
export const PASSWORD_MIN = 8
/** The highest PASSWORD_MIN_LENGTH accepted: well past any sane policy, low enough to catch a typo. */
export const PASSWORD_MIN_CEILING = 128
export const PASSWORD_MAX = 1024
/** Schemas count UTF-16 units, rules count characters: an astral character is two units. */
export const PASSWORD_MAX_UTF16 = PASSWORD_MAX * 2
/** Every password field's over-length message, in the schemas and in passwordProblem alike. */
export const PASSWORD_TOO_LONG = `must be at most ${PASSWORD_MAX} characters`
/** What USERNAME_PATTERN allows, in words (usernameProblem and the schemas). */
export const USERNAME_RULE = 'must be 3 to 32 characters of a-z, 0-9, _ . -'
export const USERNAME_PATTERN = '^[A-Za-z0-9_.-]{3,32}$'
/** RFC 5321 length limits and one @ with a dotted domain, no control characters; deliverability is not our concern. */
export const EMAIL_PATTERN = '^[^\\s@\\x00-\\x1f\\x7f]{1,64}@[^\\s@\\x00-\\x1f\\x7f]+\\.[^\\s@\\x00-\\x1f\\x7f]+$'
export const DEFAULT_ROLES: readonly string[] = Object.freeze(['user'])

const USERNAME_RE = new RegExp(USERNAME_PATTERN)
const EMAIL_RE = new RegExp(EMAIL_PATTERN)
/** A UTF-16 surrogate that is not half of a pair (in `u` mode a well-formed pair is one code point, not Cs). */
const LONE_SURROGATE = /\p{Cs}/u

/** Emails compare trimmed and lowercased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase()
}

/**
 * The one form a password is hashed and compared in: Unicode NFC, the normalization of
 * RFC 8265's OpaqueString profile (§4.2.2), so a password typed where input arrives
 * decomposed (NFD) matches the same password typed elsewhere; the profile's other rules are
 * not applied. Undefined when the string has a lone surrogate: it is not Unicode text, and
 * hashing would encode every lone surrogate as U+FFFD, so different inputs would match.
 */
export function normalizePassword(password: string): string | undefined {
  return LONE_SURROGATE.test(password) ? undefined : password.normalize('NFC')
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
  if (!USERNAME_RE.test(username.trim())) return `username ${USERNAME_RULE}`
  return undefined
}

/** The length rule counts characters of the NFC form; `minLength` is PASSWORD_MIN_LENGTH. */
export function passwordProblem(password: string, minLength = PASSWORD_MIN): string | undefined {
  const normalized = normalizePassword(password)
  if (normalized === undefined) return 'password must be valid Unicode text (it has an unpaired UTF-16 surrogate)'
  const length = [...normalized].length
  // The same words as the schemas' PASSWORD_TOO_LONG, so login and register agree.
  if (length < minLength) return `password must be at least ${minLength} characters`
  if (length > PASSWORD_MAX) return `password ${PASSWORD_TOO_LONG}`
  return undefined
}
