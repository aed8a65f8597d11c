// `tokenwarden keys generate | rotate | list`: the signing key ring in JWT_KEYS_FILE
// (default DATA_DIR/keys.json, mode 0600). Never prints key material.
//
// generate  starts a ring with one new key (refuses to replace an existing ring without --force:
//           every token signed by the old keys would stop verifying).
// rotate    puts a new signing key in; the previous one keeps verifying until every token it
//           could have signed has expired (now + REFRESH_TOKEN_TTL + JWT_LEEWAY), then retires.
//           Without a ring file, the configured key (JWT_SECRET / JWT_PRIVATE_KEY) becomes the
//           previous key; the file records its kid, not its material.
// list      kid, algorithm, created, status (active, verifying, retired) and retirement time.
// A running server reads the ring at start and again on SIGHUP (src/cli/reload.ts): after generate or
// rotate, send every instance SIGHUP (`kill -HUP <pid>`) or restart it.

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { parseArgs } from 'node:util'
import { ConfigError, parseConfig, type ServerConfig } from '../core/config.js'
import { isAlgorithm, ALGORITHMS, type Algorithm } from '../core/tokens/keyring.js'
import { configuredEntry, generateStoredKey, keyStatus, rotateRingFile, RING_FILE_VERSION, type RingFile } from '../core/tokens/ring-file.js'
import { loadEnv } from './env.js'
import { configuredKey, readRingFile, writeRingFile } from './ring.js'

export const KEYS_USAGE = `Usage: tokenwarden keys <generate|rotate|list> [options]

  generate [--alg ALG] [--force]   start a new key ring in JWT_KEYS_FILE (default DATA_DIR/keys.json)
  rotate [--alg ALG]               new signing key (same algorithm unless --alg); the old one verifies until its tokens expire
  list [--json]                    kid, algorithm, created, status (never key material)

ALG is one of ${ALGORITHMS.join(', ')}; default JWT_ALGORITHM. Afterwards send the server SIGHUP (kill -HUP <pid>) or restart it.`

export interface KeysIo {
  out(line: string): void
  err(line: string): void
  /** Epoch ms. */
  now(): number
}

const consoleIo: KeysIo = { out: (l) => console.log(l), err: (l) => console.error(l), now: () => Date.now() }

/** Parses options and configuration, then runs the subcommand; returns the exit code. */
export function keysMain(argv: string[], env: Record<string, string | undefined> = loadEnv(), io: KeysIo = consoleIo): number {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { alg: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    })
  } catch (err) {
    io.err(`tokenwarden keys: ${(err as Error).message}\n\n${KEYS_USAGE}`)
    return 2
  }
  const { positionals, values } = parsed
  if (values.help === true || positionals.length === 0) {
    ;(values.help === true ? io.out : io.err)(KEYS_USAGE)
    return values.help === true ? 0 : 2
  }
  if (values.alg !== undefined && !isAlgorithm(values.alg)) {
    io.err(`tokenwarden keys: --alg must be one of ${ALGORITHMS.join(', ')} (got "${values.alg}")`)
    return 2
  }
  try {
    const config = parseConfig(env)
    return runKeys(positionals[0]!, config, { alg: values.alg as Algorithm | undefined, force: values.force === true, json: values.json === true }, io)
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(`tokenwarden: configuration error: ${err.message}`)
      return 2
    }
    throw err
  }
}

export interface KeysOptions {
  alg?: Algorithm | undefined
  force?: boolean
  json?: boolean
}

export function runKeys(command: string, config: ServerConfig, options: KeysOptions, io: KeysIo): number {
  const path = config.keysFile
  const now = io.now()
  const alg = options.alg ?? config.algorithm
  switch (command) {
    case 'generate': {
      if (readRingFile(path) !== undefined && options.force !== true) {
        io.err(`tokenwarden keys: ${path} already exists. Use "keys rotate" to keep tokens verifying, or --force to replace the ring (every token signed by its keys stops verifying).`)
        return 1
      }
      const key = generateStoredKey(alg, now)
      save(path, { version: RING_FILE_VERSION, keys: [key] })
      io.out(`Generated ${key.alg} key ${key.kid} in ${path}. Send the server SIGHUP (kill -HUP <pid>) or restart it to use it.`)
      return 0
    }
    case 'rotate': {
      const current = readRingFile(path) ?? { version: RING_FILE_VERSION, keys: [configuredEntry(configuredKey(config).input, now)] }
      const previous = current.keys[0]!
      const keepMs = (config.refreshTtl + config.leeway) * 1000
      // A rotation keeps the ring's algorithm unless told otherwise (--alg).
      const next = generateStoredKey(options.alg ?? previous.alg, now)
      save(path, rotateRingFile(current, next, now, keepMs))
      io.out(`New signing key ${next.kid} (${next.alg}). Key ${previous.kid} verifies until ${new Date(now + keepMs).toISOString()}, then retires. Send the server SIGHUP (kill -HUP <pid>) or restart it to use it.`)
      return 0
    }
    case 'list': {
      const file = readRingFile(path)
      const rows = file === undefined ? describeConfigured(config, now) : describe(file, now)
      if (options.json === true) {
        io.out(JSON.stringify({ source: file === undefined ? 'config' : path, keys: rows }, null, 2))
        return 0
      }
      io.out(file === undefined ? `No ring file at ${path}; the configured key is the ring:` : `Key ring ${path}:`)
      io.out(['kid'.padEnd(44), 'alg'.padEnd(6), 'created'.padEnd(25), 'status'.padEnd(10), 'retires'].join('  '))
      for (const r of rows) io.out([r.kid.padEnd(44), r.alg.padEnd(6), (r.created ?? '-').padEnd(25), r.status.padEnd(10), r.retires ?? '-'].join('  '))
      return 0
    }
    default:
      io.err(`tokenwarden keys: unknown subcommand "${command}"\n\n${KEYS_USAGE}`)
      return 2
  }
}

interface KeyRow {
  kid: string
  alg: Algorithm
  created: string | null
  status: string
  retires: string | null
  source: 'file' | 'config'
}

function describe(file: RingFile, now: number): KeyRow[] {
  return file.keys.map((k) => ({ kid: k.kid, alg: k.alg, created: k.created, status: keyStatus(k, now), retires: k.retires, source: k.source }))
}

function describeConfigured(config: ServerConfig, now: number): KeyRow[] {
  const entry = configuredEntry(configuredKey(config).input, now)
  return [{ kid: entry.kid, alg: entry.alg, created: null, status: 'active', retires: null, source: 'config' }]
}

function save(path: string, file: RingFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  writeRingFile(path, file)
}
