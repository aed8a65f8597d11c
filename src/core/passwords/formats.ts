// Which stored password hashes tokenwarden can verify: argon2 PHC strings (ours, and those
// another stack made), Werkzeug's pbkdf2/scrypt, bcrypt ($2a$, $2b$, $2y$) and passlib's pbkdf2. The import path
// refuses anything else, since an account with a hash nobody can verify could never log in.

import { isBcryptHash } from './bcrypt.js'
import { isWerkzeugHash } from './legacy.js'
import { isPasslibPbkdf2Hash } from './passlib.js'

export type PasswordHashFormat = 'argon2' | 'werkzeug-pbkdf2' | 'werkzeug-scrypt' | 'bcrypt' | 'passlib-pbkdf2'

/** The longest stored hash (the users.password_hash column is varchar(512)). */
export const PASSWORD_HASH_MAX = 512

/** argon2 in the PHC string format: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>` (B64 without padding). */
const ARGON2_PHC = /^\$argon2(id|i|d)\$(v=\d{1,3}\$)?m=\d{1,8},t=\d{1,4},p=\d{1,3}\$[A-Za-z0-9+/]{8,}\$[A-Za-z0-9+/]{16,}$/

/**
 * The format of a stored hash, or undefined when it is none tokenwarden verifies.
 *
 * @example
 * passwordHashFormat('pbkdf2:sha256:600000$salt$' + 'ab'.repeat(32)) // 'werkzeug-pbkdf2'
 * passwordHashFormat('$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW') // 'bcrypt'
 * passwordHashFormat('$2x$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW') // undefined
 */
export function passwordHashFormat(stored: string): PasswordHashFormat | undefined {
  if (stored.length > PASSWORD_HASH_MAX) return undefined
  if (ARGON2_PHC.test(stored)) return 'argon2'
  if (isWerkzeugHash(stored)) return stored.startsWith('pbkdf2') ? 'werkzeug-pbkdf2' : 'werkzeug-scrypt'
  if (isBcryptHash(stored)) return 'bcrypt'
  if (isPasslibPbkdf2Hash(stored)) return 'passlib-pbkdf2'
  return undefined
}
