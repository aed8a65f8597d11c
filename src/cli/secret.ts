// The development secret: when JWT_SECRET is unset outside production, a 256-bit secret is
// generated once into DATA_DIR (mode 0600) and reused, so tokens survive restarts.

import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const SECRET_FILE = 'jwt-secret'

export interface DevSecret {
  secret: string
  path: string
  created: boolean
}

export function ensureDevSecret(dataDir: string): DevSecret {
  const path = join(dataDir, SECRET_FILE)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  try {
    const secret = readFileSync(path, 'utf8').trim()
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600)
    if (Buffer.byteLength(secret) >= 32) return { secret, path, created: false }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  const secret = randomBytes(32).toString('base64url')
  // 'w' replaces a too-short file; the mode applies on creation, chmod covers the rest.
  writeFileSync(path, secret + '\n', { mode: 0o600, flag: 'w' })
  chmodSync(path, 0o600)
  return { secret, path, created: true }
}
