// passlib's PBKDF2 hashes (pbkdf2_sha256 and friends, the Flask-RESTful "Smilecook" book's
// choice), verified so those users can log in after a migration and are then rehashed:
//   $pbkdf2-sha256$<rounds>$<salt>$<checksum>   (also $pbkdf2$ for SHA-1 and $pbkdf2-sha512$)
// Salt and checksum are passlib's "adapted base64" (ab64: standard base64 with '.' for '+', no
// padding); the checksum is PBKDF2-HMAC over the password's UTF-8 bytes and the decoded salt,
// as long as the digest (passlib.handlers.pbkdf2, passlib.utils.binary.ab64_decode).

import { pbkdf2, timingSafeEqual } from 'node:crypto'
import { promisify } from 'node:util'

const pbkdf2Async = promisify(pbkdf2)
const PASSLIB_PBKDF2 = /^\$pbkdf2(?:-(sha256|sha512))?\$([1-9]\d{0,6})\$([A-Za-z0-9./]{0,1024})\$([A-Za-z0-9./]{27,86})$/
/** The checksum's length in ab64 characters (the digest's bytes, unpadded). */
const DIGESTS: Record<string, { bytes: number; chars: number }> = { sha1: { bytes: 20, chars: 27 }, sha256: { bytes: 32, chars: 43 }, sha512: { bytes: 64, chars: 86 } }

interface Parsed {
  digest: string
  rounds: number
  salt: Buffer
  checksum: Buffer
}

function ab64(text: string): Buffer {
  return Buffer.from(text.replaceAll('.', '+'), 'base64')
}

function parse(stored: string): Parsed | undefined {
  const m = PASSLIB_PBKDF2.exec(stored)
  if (m === null) return undefined
  const digest = m[1] ?? 'sha1'
  if (m[4]!.length !== DIGESTS[digest]!.chars) return undefined
  return { digest, rounds: Number(m[2]), salt: ab64(m[3]!), checksum: ab64(m[4]!) }
}

export function isPasslibPbkdf2Hash(stored: string): boolean {
  return parse(stored) !== undefined
}

/** Constant-time check of a password against a passlib PBKDF2 hash; malformed input is a mismatch. */
export async function verifyPasslibPbkdf2(stored: string, password: string): Promise<boolean> {
  const h = parse(stored)
  if (h === undefined || h.checksum.length !== DIGESTS[h.digest]!.bytes) return false
  const actual = await pbkdf2Async(password, h.salt, h.rounds, h.checksum.length, h.digest)
  return timingSafeEqual(actual, h.checksum)
}
