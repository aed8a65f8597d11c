// TypeBox schemas for request validation and the response shapes (also the OpenAPI source).
// Field limits come from core/accounts/rules so the CLI and HTTP accept the same input.

import { Type, type Static } from 'typebox'
import { EMAIL_MAX, PASSWORD_MAX_UTF16, PASSWORD_TOO_LONG, USERNAME_PATTERN, USERNAME_RULE } from '../core/accounts/rules.js'
import type { User } from '../core/accounts/user.js'

// `errorMessage` words a field's rule for clients where the schema alone would not
// (src/http/validation.ts; a pattern or a UTF-16 bound says little to a person).
export const Email = Type.String({ minLength: 3, maxLength: EMAIL_MAX + 64, errorMessage: 'must be a valid email address' })
/**
 * Any password field: the bound counts UTF-16 units, so it only refuses what is surely over
 * the limit in characters. The minimum (PASSWORD_MIN_LENGTH) is passwordProblem's to check
 * where a password is set, in the same words at every route.
 */
export const Password = Type.String({ maxLength: PASSWORD_MAX_UTF16, errorMessage: PASSWORD_TOO_LONG })
export const Username = Type.String({ pattern: USERNAME_PATTERN, errorMessage: USERNAME_RULE })

export const RegisterBody = Type.Object({
  email: Email,
  password: Password,
  username: Type.Optional(Type.Union([Username, Type.Null()])),
})
export type RegisterBody = Static<typeof RegisterBody>

export const LoginBody = Type.Object({
  email: Type.Optional(Type.String({ minLength: 1, maxLength: EMAIL_MAX + 64 })),
  username: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  // No minimum here: a short password is simply wrong, and says nothing about the account.
  password: Password,
})
export type LoginBody = Static<typeof LoginBody>

export const LogoutQuery = Type.Object({
  scope: Type.Optional(Type.Union([Type.Literal('local'), Type.Literal('global'), Type.Literal('others')])),
})

export const UserView = Type.Object({
  id: Type.String(),
  email: Type.String(),
  username: Type.Union([Type.String(), Type.Null()]),
  roles: Type.Array(Type.String()),
  /** Whether the address was proven by a mailed link (or given by an operator). */
  email_verified: Type.Boolean(),
  created_at: Type.String(),
  /** Whether two-factor login is on (GET /auth/me and the admin's view of one user). */
  mfa_enabled: Type.Optional(Type.Boolean()),
})
export type UserView = Static<typeof UserView>

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.String(),
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
})

/** POST /auth/refresh's optional body: the refresh token under its configured key (JWT_JSON_KEY's refresh counterpart). */
export function RefreshBody(key: string) {
  return Type.Object({ [key]: Type.Optional(Type.String()) })
}

/** A 204: no body. */
export const NoContent = Type.Unsafe<void>({ type: 'null', description: 'No content' })

/** The public view of a user: never the password hash. */
export function userView(u: User): UserView {
  return { id: u.id, email: u.email, username: u.username, roles: u.roles, email_verified: u.emailVerifiedAt !== null, created_at: u.createdAt }
}
