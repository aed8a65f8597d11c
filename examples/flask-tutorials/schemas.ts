// Request and response shapes of the four tutorials, as their Flask code read and answered
// them. Validation refuses what the tutorials let through to a 500 or an HTML 400 (a missing
// field, a body that is not an object); answers carry exactly the fields declared here.

import { Type, type Static } from 'typebox'

/** request.form / request.json: `username` and `password`, both required. */
export const Credentials = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 2048 }),
})
export type Credentials = Static<typeof Credentials>

/** Tutorials 1 and 2: `jsonify({'token': token})`. */
export const TokenAnswer = Type.Object({ token: Type.String() })

/** Tutorials 3 and 4: `jsonify(access_token=access_token)`. */
export const AccessTokenAnswer = Type.Object({ access_token: Type.String() })

/** Tutorial 2: `jsonify({'message': ...})`. */
export const MessageAnswer = Type.Object({ message: Type.String() })

/** Tutorial 3's /protected: the code's `message`, and its HTTPie session's `logged_in_as`. */
export const ProtectedAnswer = Type.Object({ message: Type.String(), logged_in_as: Type.String() })

/** Tutorial 4's /who_am_i: `jsonify(id=..., full_name=..., username=...)`. */
export const WhoAmI = Type.Object({
  id: Type.String(),
  full_name: Type.Union([Type.String(), Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]),
})

/** Tutorial 1's text answers (`return 'For Public'`). */
export const Text = Type.String()
