// Random identifiers (session ids, CSRF values) drawn from a pooled buffer: one randomFillSync
// per 256 ids, as Node itself does for randomUUID, instead of one OpenSSL call per id. A
// `randomBytes(16)` cost ~14 µs when it ran cache-cold right after an argon2id hash, once per
// login (bench/analysis.md); from the pool it is a copy out of memory already filled.

import { randomFillSync } from 'node:crypto'

const POOL_BYTES = 4096
const pool = Buffer.allocUnsafeSlow(POOL_BYTES)
let offset = POOL_BYTES

/**
 * `bytes` (1 to 64) fresh random bytes from node:crypto's CSPRNG, base64url-encoded. Every byte
 * of the pool is handed out once; the pool is refilled when it cannot serve a whole id.
 *
 * @example
 * const sid = randomToken(16) // 22 characters, 128 bits
 */
export function randomToken(bytes: number): string {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 64) throw new RangeError('randomToken: bytes must be an integer from 1 to 64')
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool)
    offset = 0
  }
  const out = pool.toString('base64url', offset, offset + bytes)
  offset += bytes
  return out
}
