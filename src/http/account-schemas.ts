// TypeBox schemas and views for sessions, self-service, the admin API and public profiles.
// Views decide what leaves the server: never a password hash, a refresh jti or a revocation.

import { Type, type Static } from 'typebox'
import { MAX_ROLES, ROLE_PATTERN } from '../core/accounts/admin.js'
import type { User } from '../core/accounts/user.js'
import type { Session } from '../core/sessions/session.js'
import { Email, Password, Username, UserView, userView } from './schemas.js'

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) })
export const SessionParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), sid: Type.String({ minLength: 1, maxLength: 64 }) })
export const UsernameParams = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) })

export const SessionView = Type.Object({
  id: Type.String(),
  created_at: Type.String(),
  last_used_at: Type.String(),
  expires_at: Type.String(),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  /** True for the session of the token making the request. */
  current: Type.Boolean(),
})
export type SessionView = Static<typeof SessionView>
export const SessionList = Type.Object({ sessions: Type.Array(SessionView) })

export function sessionView(s: Session, currentSid: string | undefined): SessionView {
  return {
    id: s.id,
    created_at: s.createdAt,
    last_used_at: s.lastUsedAt,
    expires_at: s.expiresAt,
    user_agent: s.userAgent,
    ip: s.ip,
    current: s.id === currentSid,
  }
}

export const ChangePasswordBody = Type.Object({
  // The current password is only compared, so any length is accepted (a wrong one is simply wrong).
  current_password: Password,
  new_password: Password,
})
export const DeleteAccountBody = Type.Object({ password: Password })
/** One or both: a new username (null removes it), a new email address (needs a fresh token; proven by a mailed link before it replaces the old one). */
export const PatchMeBody = Type.Object(
  { username: Type.Optional(Type.Union([Username, Type.Null()])), email: Type.Optional(Email) },
  { additionalProperties: false, minProperties: 1 },
)

/** The public user view plus what only an admin sees. */
export const AdminUserView = Type.Object({
  ...UserView.properties,
  disabled: Type.Boolean(),
  updated_at: Type.String(),
})
export type AdminUserView = Static<typeof AdminUserView>

export function adminUserView(u: User): AdminUserView {
  return { ...userView(u), disabled: u.disabled, updated_at: u.updatedAt }
}

export const MAX_PAGE_SIZE = 100

/** Either limit/offset or page/per_page (1-based); q filters on email or username. */
export const UserListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 254 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000 })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
})
export type UserListQuery = Static<typeof UserListQuery>

export const UserList = Type.Object({
  users: Type.Array(AdminUserView),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  page: Type.Integer(),
  per_page: Type.Integer(),
})

export const AdminPatchBody = Type.Object(
  {
    roles: Type.Optional(
      Type.Array(Type.String({ pattern: ROLE_PATTERN }), {
        maxItems: MAX_ROLES,
        errorMessage: `must be a list of at most ${MAX_ROLES} roles, each 1 to 64 characters of A-Z, a-z, 0-9, _ . : -`,
      }),
    ),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

export const RevokedCount = Type.Object({ revoked: Type.Integer() })

export const PublicProfile = Type.Object({
  id: Type.String(),
  username: Type.String(),
  created_at: Type.String(),
  /** Only for the profile's owner. */
  email: Type.Optional(Type.String()),
})
