// The development key pair: when JWT_ALGORITHM is asymmetric and no JWT_PRIVATE_KEY is given
// outside production, a key pair is generated once into DATA_DIR (mode 0600) and reused, so
// tokens survive restarts. The same rule as the development secret (secret.ts).

import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRingKey, type Algorithm } from '../core/tokens/keyring.js'
import { generatePrivateKeyPem } from '../core/tokens/ring-file.js'

export interface DevKeyPair {
  privateKey: string
  path: string
  created: boolean
}

/** DATA_DIR/jwt-<alg>.pem: one file per algorithm, so switching JWT_ALGORITHM never reuses a misfit key. */
export function devKeyPath(dataDir: string, alg: Algorithm): string {
  return join(dataDir, `jwt-${alg.toLowerCase()}.pem`)
}

export function ensureDevKeyPair(dataDir: string, alg: Algorithm): DevKeyPair {
  const path = devKeyPath(dataDir, alg)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  try {
    const privateKey = readFileSync(path, 'utf8')
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600)
    createRingKey({ alg, privateKey }) // throws when the file no longer fits
    return { privateKey, path, created: false }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code !== undefined && code !== 'ENOENT' && !code.startsWith('ERR_')) throw err
  }
  const privateKey = generatePrivateKeyPem(alg)
  writeFileSync(path, privateKey, { mode: 0o600, flag: 'w' })
  chmodSync(path, 0o600)
  return { privateKey, path, created: true }
}
