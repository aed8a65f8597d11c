// Request and response shapes of smilecook's users and tokens, as its Resources read and
// answered them. Validation refuses what the Flask app let through to a 500 (`get_json()` was
// None, a field was missing); answers carry exactly the fields declared here.

import { Type, type Static } from 'typebox'
import { errorResponses } from '../shared/errors.js'

const Username = Type.String({ minLength: 1, maxLength: 64 })
const Email = Type.String({ minLength: 1, maxLength: 320 })
const Password = Type.String({ minLength: 1, maxLength: 2048 })

/** UserListResource.post: `{username, email, password}`. */
export const NewUser = Type.Object({ username: Username, email: Email, password: Password })
export type NewUser = Static<typeof NewUser>

/** TokenResource.post: `{email, password}`. */
export const Credentials = Type.Object({ email: Email, password: Password })

export const UsernameParams = Type.Object({ username: Type.String({ maxLength: 64 }) })

/** The password change that wants a fresh token. */
export const PasswordChange = Type.Object({ current_password: Password, new_password: Password })

export const Friend = Type.Object({ username: Username })

/** UserListResource.post's 201: `{id, username, email}`. */
export const CreatedUser = Type.Object({ id: Type.String(), username: Type.Union([Type.String(), Type.Null()]), email: Type.String() })

/** UserResource.get: `{id, username}`, and for the owner `email` and `friends` too (MeResource always). */
export const UserAnswer = Type.Object({
  id: Type.String(),
  username: Type.Union([Type.String(), Type.Null()]),
  email: Type.Optional(Type.String()),
  friends: Type.Optional(Type.Array(Type.String())),
})

/** TokenResource.post: `{access_token, refresh_token}`. */
export const Tokens = Type.Object({ access_token: Type.String(), refresh_token: Type.String() })

/** RefreshResource.post: `{access_token}`. */
export const AccessToken = Type.Object({ access_token: Type.String() })

/** RevokeResource.post: `{'msg': 'Successfully logged out'}`. */
export const Msg = Type.Object({ msg: Type.String() })

/**
 * Error bodies: token errors keyed `message` (JWT_ERROR_MESSAGE_KEY), the resources' own under
 * the key the seed used (`msg` for "email or password is incorrect" and "user not found").
 */
export const errors = errorResponses('message', 'msg')
