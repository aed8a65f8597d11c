// The key ring the server starts with. Two sources:
//   - the configured key: JWT_SECRET (HS*), or JWT_PRIVATE_KEY / JWT_PRIVATE_KEY_FILE
//     (asymmetric), generated once into DATA_DIR outside production when absent;
//   - the ring file (JWT_KEYS_FILE, default DATA_DIR/keys.json) kept by `tokenwarden keys`.
// With a ring file the file decides which keys sign and verify; without one the configured
// key is the whole ring. Problems are ConfigErrors naming the variable (exit code 2).

import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { ConfigError, type ServerConfig } from '../core/config.js'
import { createRingKey, isSymmetric, Keyring, type KeyInput } from '../core/tokens/keyring.js'
import { parseRingFile, ringInputs, serializeRingFile, type RingFile } from '../core/tokens/ring-file.js'
import { ensureDevKeyPair } from './dev-keys.js'
import { ensureDevSecret } from './secret.js'

export interface ConfiguredKey {
  input: KeyInput
  /** Set when a development secret or key pair was generated just now. */
  generated?: string
}

/** The key JWT_SECRET / JWT_PRIVATE_KEY(_FILE) configures, or a development one outside production. */
export function configuredKey(config: ServerConfig): ConfiguredKey {
  const alg = config.algorithm
  const production = config.env === 'production'
  if (isSymmetric(alg)) {
    if (config.jwtSecret !== undefined) return { input: { alg, secret: config.jwtSecret } }
    if (production) throw new ConfigError('JWT_SECRET', `is required when NODE_ENV=production and ${config.keysFile} does not exist (use: openssl rand -base64 48, or tokenwarden keys generate)`)
    const dev = ensureDevSecret(config.dataDir)
    return { input: { alg, secret: dev.secret }, ...(dev.created ? { generated: dev.path } : {}) }
  }
  if (config.jwtPrivateKey !== undefined) return { input: { alg, privateKey: config.jwtPrivateKey } }
  if (config.jwtPrivateKeyFile !== undefined) {
    let pem: string
    try {
      pem = readFileSync(config.jwtPrivateKeyFile, 'utf8')
    } catch (err) {
      throw new ConfigError('JWT_PRIVATE_KEY_FILE', `cannot read ${config.jwtPrivateKeyFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
    }
    try {
      createRingKey({ alg, privateKey: pem })
    } catch (err) {
      throw new ConfigError('JWT_PRIVATE_KEY_FILE', `is not a usable ${alg} private key: ${(err as Error).message}`)
    }
    return { input: { alg, privateKey: pem } }
  }
  if (production) throw new ConfigError('JWT_PRIVATE_KEY', `is required for ${alg} when NODE_ENV=production and ${config.keysFile} does not exist (or run: tokenwarden keys generate)`)
  const dev = ensureDevKeyPair(config.dataDir, alg)
  return { input: { alg, privateKey: dev.privateKey }, ...(dev.created ? { generated: dev.path } : {}) }
}

/** The ring file, or undefined when there is none. */
export function readRingFile(path: string): RingFile | undefined {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
    // The file holds private keys: tighten a loose mode, as for the development secret.
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new ConfigError('JWT_KEYS_FILE', `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  try {
    return parseRingFile(text)
  } catch (err) {
    throw new ConfigError('JWT_KEYS_FILE', `${path}: ${(err as Error).message}`)
  }
}

/** Writes the ring file with mode 0600, atomically (write aside, then rename). */
export function writeRingFile(path: string, file: RingFile): void {
  const aside = `${path}.${process.pid}.tmp`
  writeFileSync(aside, serializeRingFile(file), { mode: 0o600, flag: 'w' })
  chmodSync(aside, 0o600)
  renameSync(aside, path)
}

export interface LoadedRing {
  keyring: Keyring
  /** Where the ring came from. */
  source: 'file' | 'config'
  /** Things worth a log line: a generated development key, a key that stopped verifying. */
  notes: string[]
}

/**
 * The ring `serve` starts with, at `now` (epoch ms).
 *
 * @example
 * const { keyring } = loadKeyring(config, Date.now())
 * const { app } = await buildApp(config, { keyring })
 */
export function loadKeyring(config: ServerConfig, now: number): LoadedRing {
  const file = readRingFile(config.keysFile)
  const notes: string[] = []
  if (file === undefined) {
    const configured = configuredKey(config)
    if (configured.generated !== undefined) {
      const what = isSymmetric(config.algorithm) ? 'JWT_SECRET is not set: generated a development secret' : 'JWT_PRIVATE_KEY is not set: generated a development key pair'
      notes.push(`${what} at ${configured.generated} (configure one in production)`)
    }
    return { keyring: Keyring.of([configured.input]), source: 'config', notes }
  }
  // Only resolve (and maybe generate) the configured key when the file refers to it.
  const usesConfigured = file.keys.some((k) => k.source === 'config')
  const configured = usesConfigured ? configuredKey(config).input : undefined
  try {
    const { inputs, warnings } = ringInputs(file, now, configured)
    notes.push(...warnings)
    return { keyring: Keyring.of(inputs), source: 'file', notes }
  } catch (err) {
    throw new ConfigError('JWT_KEYS_FILE', `${config.keysFile}: ${(err as Error).message}`)
  }
}
