// `tokenwarden doctor`: checks the configuration as `serve` would use it (key strength, the
// database and its migrations, file modes, production settings), one line per check: ok, warn
// or fail with what to do. Exit 1 when any check fails (a configuration that does not parse is
// one), 0 otherwise, warnings included. Changes nothing; never prints a secret.

import { Command } from 'commander'
import { ConfigError, parseConfig, type ServerConfig } from '../core/config.js'
import { databaseChecks, fileChecks, settingChecks, type Check } from './doctor-checks.js'
import { keyChecks } from './doctor-keys.js'
import { loadEnv } from './env.js'
import { consoleIo, exits, runProgram, type CliIo } from './program.js'
import { redactSecrets } from './redact.js'

type Env = Record<string, string | undefined>

/** Every check for a parsed configuration, in the order they are printed. */
export async function runChecks(config: ServerConfig, env: Env, now = Date.now()): Promise<Check[]> {
  return [...keyChecks(config, now), ...(await databaseChecks(config)), ...fileChecks(config), ...settingChecks(config, env)]
}

/** `tokenwarden doctor` declared for the parser. */
export function doctorCommand(env: Env, io: CliIo): Command {
  return new Command('doctor')
    .description('check the configuration: key strength, database and migrations, file modes, production settings (exit 1 if any check fails)')
    .option('--json', 'print the checks as JSON')
    .action(exits(async (o: { json?: boolean }) => {
      let checks: Check[]
      try {
        checks = await runChecks(parseConfig(env), env)
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err
        checks = [{ status: 'fail', name: 'config', message: `${redactSecrets(err.message)}: fix it; nothing else can be checked until it parses` }]
      }
      print(checks, o.json === true, io)
      return checks.some((c) => c.status === 'fail') ? 1 : 0
    }))
}

/**
 * Runs `tokenwarden doctor <argv>`; returns the exit code.
 *
 * @example
 * process.exitCode = await doctorMain([])
 */
export async function doctorMain(argv: string[], env: Env = loadEnv(), io: CliIo = consoleIo): Promise<number> {
  return runProgram(new Command('tokenwarden').addCommand(doctorCommand(env, io)), ['doctor', ...argv], io)
}

function print(checks: Check[], json: boolean, io: CliIo): void {
  const failed = checks.filter((c) => c.status === 'fail').length
  const warned = checks.filter((c) => c.status === 'warn').length
  if (json) {
    io.out(JSON.stringify({ ok: failed === 0, checks }, null, 2))
    return
  }
  for (const c of checks) io.out(`${c.status.padEnd(4)}  ${c.name.padEnd(8)}  ${c.message}`)
  io.out(`${failed} failed, ${warned} warnings, ${checks.length - failed - warned} ok`)
}
