// `tokenwarden keys generate | stage | rotate | list`: the signing key ring in JWT_KEYS_FILE
// (default DATA_DIR/keys.json, mode 0600). Never prints key material.
//
// generate  starts a ring with one new key (refuses to replace an existing ring without --force:
//           every token signed by the old keys would stop verifying).
// stage     adds a standby key: it verifies and is published in JWKS but does not sign until the
//           next rotate, so verifiers that cache JWKS (300 s) learn it first. One at a time.
// rotate    makes a new key sign: the standby key when there is one, else a new key; the previous
//           one keeps verifying until every token it could have signed has expired
//           (now + REFRESH_TOKEN_TTL + JWT_LEEWAY), then retires.
//           Without a ring file (stage or rotate), the configured key (JWT_SECRET / JWT_PRIVATE_KEY)
//           is the signing key the file starts from; the file records its kid, not its material.
// list      kid, algorithm, created, status (active, standby, verifying, retired) and retirement time.
// A running server reads the ring at start and again on SIGHUP (src/cli/reload.ts): after generate,
// stage or rotate, send every instance SIGHUP (`kill -HUP <pid>`) or restart it.

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { Command, Option } from 'commander'
import { ConfigError, parseConfig, type ServerConfig } from '../core/config.js'
import { ALGORITHMS, type Algorithm } from '../core/tokens/keyring.js'
import { configuredEntry, generateStoredKey, keyStatus, rotateRingFile, RING_FILE_VERSION, stageRingFile, type RingFile } from '../core/tokens/ring-file.js'
import { loadEnv } from './env.js'
import { consoleIo, EXIT_USAGE, exitsSync, runProgramSync, type CliIo } from './program.js'
import { configuredKey, readRingFile, writeRingFile } from './ring.js'

export interface KeysIo extends CliIo {
  /** Epoch ms. */
  now(): number
}

const consoleKeysIo: KeysIo = { ...consoleIo, now: () => Date.now() }

const AFTER = `
Afterwards send the server SIGHUP (kill -HUP <pid>) or restart it.
No downtime for verifiers caching JWKS: stage, SIGHUP every instance, wait at least 300 s (JWKS max-age), rotate, SIGHUP again.`

/**
 * `tokenwarden keys ...` declared for the parser; each action returns its exit code (1 refused, 2 usage or configuration).
 * `env` is read when a subcommand runs, not before: --help needs no configuration.
 */
export function keysCommand(env: Record<string, string | undefined>, io: KeysIo): Command {
  const alg = () => new Option('--alg <alg>', 'key algorithm (default: JWT_ALGORITHM, or the ring\'s)').choices(ALGORITHMS)
  const keys = new Command('keys').description('generate | stage | rotate | list the signing keys in JWT_KEYS_FILE (default DATA_DIR/keys.json)').addHelpText('after', AFTER)
  const run = (command: string, options: KeysOptions) => withConfig(env, io, (config) => runKeys(command, config, options, io))
  keys
    .command('generate')
    .description('start a new key ring with one new key (file mode 0600)')
    .addOption(alg())
    .option('--force', 'replace an existing ring (every token its keys signed stops verifying)')
    .action(exitsSync((o: { alg?: Algorithm; force?: boolean }) => run('generate', { alg: o.alg, force: o.force === true })))
  keys
    .command('stage')
    .description('add a standby key: published in JWKS and verifying, signing after the next rotate')
    .addOption(alg())
    .action(exitsSync((o: { alg?: Algorithm }) => run('stage', { alg: o.alg })))
  keys
    .command('rotate')
    .description('new signing key: the standby key if any, else a new one; the old one verifies until its tokens expire')
    .addOption(alg())
    .action(exitsSync((o: { alg?: Algorithm }) => run('rotate', { alg: o.alg })))
  keys
    .command('list')
    .description('kid, algorithm, created, status and retirement of each key (never key material)')
    .option('--json', 'print JSON')
    .action(exitsSync((o: { json?: boolean }) => run('list', { json: o.json === true })))
  return keys
}

/**
 * Runs `tokenwarden keys <argv>`; returns the exit code.
 *
 * @example
 * process.exitCode = keysMain(['rotate'])
 */
export function keysMain(argv: string[], env: Record<string, string | undefined> = loadEnv(), io: KeysIo = consoleKeysIo): number {
  return runProgramSync(new Command('tokenwarden').addCommand(keysCommand(env, io)), ['keys', ...argv], io)
}

function withConfig(env: Record<string, string | undefined>, io: CliIo, run: (config: ServerConfig) => number): number {
  try {
    return run(parseConfig(env))
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    io.err(`tokenwarden: configuration error: ${err.message}`)
    return EXIT_USAGE
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
    case 'stage': {
      const current = readRingFile(path) ?? startFromConfigured(config, now)
      const standby = current.keys.find((k) => k.standby === true)
      if (standby !== undefined) {
        io.err(`tokenwarden keys: the ring already has standby key ${standby.kid} (${standby.alg}); run "keys rotate" to make it sign before staging another.`)
        return 2
      }
      // A staged key keeps the ring's algorithm unless told otherwise (--alg).
      const next = generateStoredKey(options.alg ?? current.keys[0]!.alg, now)
      save(path, stageRingFile(current, next, now))
      io.out(`Standby key ${next.kid} (${next.alg}) added: it verifies and is published in JWKS, and signs after "keys rotate". Send the server SIGHUP (kill -HUP <pid>) or restart it, then wait at least 300 s (the JWKS max-age) before rotating.`)
      return 0
    }
    case 'rotate': {
      const current = readRingFile(path) ?? startFromConfigured(config, now)
      const previous = current.keys[0]!
      const standby = current.keys.find((k) => k.standby === true)
      if (standby !== undefined && options.alg !== undefined && options.alg !== standby.alg) {
        io.err(`tokenwarden keys: the standby key ${standby.kid} is ${standby.alg}, not ${options.alg}; rotate without --alg to promote it.`)
        return 2
      }
      const keepMs = (config.refreshTtl + config.leeway) * 1000
      // A rotation promotes the standby key, or keeps the ring's algorithm unless told otherwise (--alg).
      const next = standby ?? generateStoredKey(options.alg ?? previous.alg, now)
      save(path, rotateRingFile(current, standby === undefined ? next : undefined, now, keepMs))
      const what = standby === undefined ? 'New signing key' : 'Standby key now signs:'
      io.out(`${what} ${next.kid} (${next.alg}). Key ${previous.kid} verifies until ${new Date(now + keepMs).toISOString()}, then retires. Send the server SIGHUP (kill -HUP <pid>) or restart it to use it.`)
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
      io.err(`tokenwarden keys: unknown subcommand "${command}" (tokenwarden keys --help)`)
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

/** The ring a first stage or rotate starts from: the configured key, recorded by kid only. */
function startFromConfigured(config: ServerConfig, now: number): RingFile {
  return { version: RING_FILE_VERSION, keys: [configuredEntry(configuredKey(config).input, now)] }
}

function describeConfigured(config: ServerConfig, now: number): KeyRow[] {
  const entry = configuredEntry(configuredKey(config).input, now)
  return [{ kid: entry.kid, alg: entry.alg, created: null, status: 'active', retires: null, source: 'config' }]
}

function save(path: string, file: RingFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  writeRingFile(path, file)
}
