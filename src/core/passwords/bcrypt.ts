// bcrypt password hashes (`$2b$12$<22 salt><31 hash>`: flask-bcrypt, passlib, PHP's
// password_hash), verified so the users of a migrated app log in with their old passwords; the
// hasher then rehashes them to argon2id (hash.ts). Only the three sound prefixes are taken:
// `$2a$`, `$2b$` and `$2y$` hash the same bytes the same way; `$2x$` (crypt_blowfish's
// sign-extension bug, kept for old PHP hashes) and the original `$2$` are not.
//
// bcrypt reads at most 72 bytes of the password's UTF-8 encoding and ignores the rest, as every
// bcrypt library did when these hashes were made: two passwords that share their first 72 bytes
// match the same bcrypt hash. The argon2id hash made at the first login is of the whole password
// as typed then, so from that login on only that password matches.
//
// @node-rs/bcrypt is an optional peer dependency: it is imported at the first bcrypt hash met,
// so a host that never meets one never loads it. Verification is the library's (constant time,
// on libuv's thread pool); a malformed hash is a mismatch, a missing library a MissingPackageError.

import { importOptional } from '../optional-module.js'

/** Cost 04-31, then 22 characters of salt and 31 of hash in bcrypt's base64 alphabet. */
const BCRYPT = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/

let bcrypt: Promise<typeof import('@node-rs/bcrypt')> | undefined
const loadBcrypt = (): Promise<typeof import('@node-rs/bcrypt')> =>
  (bcrypt ??= importOptional('@node-rs/bcrypt', 'Verifying bcrypt password hashes', () => import('@node-rs/bcrypt')))

/**
 * Loads @node-rs/bcrypt: rejects with a MissingPackageError when it is not installed. For a
 * check ahead of need, e.g. after importing accounts whose hashes are bcrypt.
 */
export async function bcryptReady(): Promise<void> {
  await loadBcrypt()
}

export function isBcryptHash(stored: string): boolean {
  return BCRYPT.test(stored)
}

/**
 * Constant-time check of a password against a bcrypt hash; malformed input is a mismatch.
 *
 * @example
 * await verifyBcrypt('$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW', 'hunter22') // false
 */
export async function verifyBcrypt(stored: string, password: string): Promise<boolean> {
  if (!BCRYPT.test(stored)) return false
  // Outside the try: a missing module is an error to report, not a mismatch.
  const { verify } = await loadBcrypt()
  try {
    return await verify(password, stored)
  } catch {
    return false
  }
}
