// The argument parser every `tokenwarden` command is declared with (commander): help for each
// command and option comes from the declarations, and the exit codes are ours, not commander's:
// 0 for --help, 2 for any usage error (an unknown option or command, a missing argument), with
// the command's usage line under the error. Nothing here calls process.exit: a run returns its
// code, so tests drive commands as functions with a captured io.

import { Command, CommanderError, InvalidArgumentError } from 'commander'

/** Where a command's lines go (console.log / console.error in the real command). */
export interface CliIo {
  out(line: string): void
  err(line: string): void
}

export const consoleIo: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l) }

/** All of standard input, as text (a password or token piped in, never an argument). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** Exit code for a usage or configuration error. */
export const EXIT_USAGE = 2

/** The code an action returned, carried out of commander's parse. */
class Done {
  constructor(readonly code: number) {}
}

/**
 * Declares an action whose returned number is the command's exit code.
 *
 * @example
 * cmd.command('list').action(exits(async () => list(io)))
 */
export function exits<A extends unknown[]>(run: (...args: A) => number | Promise<number>): (...args: A) => Promise<void> {
  return async (...args) => {
    throw new Done(await run(...args))
  }
}

/** The same, for a command whose actions never wait (`keys`): its run stays synchronous. */
export function exitsSync<A extends unknown[]>(run: (...args: A) => number): (...args: A) => void {
  return (...args) => {
    throw new Done(run(...args))
  }
}

/** Exit codes, output and usage-after-error for `cmd` and every command under it. */
function configure(cmd: Command, io: CliIo): void {
  const trim = (s: string) => s.replace(/\n$/, '')
  cmd.exitOverride((err) => {
    throw err
  })
  cmd.configureOutput({
    writeOut: (s) => io.out(trim(s)),
    writeErr: (s) => io.err(trim(s)),
    outputError: (s, write) => write(`${commandPath(cmd)}: ${s.replace(/^error: /, '')}`),
  })
  cmd.showHelpAfterError(`Usage: ${commandPath(cmd)} ${cmd.usage()}\n(${commandPath(cmd)} --help for more)`)
  for (const sub of cmd.commands) configure(sub, io)
}

/** `tokenwarden users disable`: the names from the root down. */
export function commandPath(cmd: Command): string {
  const names: string[] = []
  for (let c: Command | null = cmd; c !== null; c = c.parent) names.unshift(c.name())
  return names.join(' ')
}

function codeOf(err: unknown): number {
  if (err instanceof Done) return err.code
  // --help and `help COMMAND` exit 0; help shown because a subcommand is missing exits 1 in commander: usage, 2 here.
  if (err instanceof CommanderError) return (err.code.startsWith('commander.help') || err.code === 'commander.version') && err.exitCode === 0 ? 0 : EXIT_USAGE
  throw err
}

/**
 * Parses `argv` (the words after the command's own name) and runs the action; returns the exit code.
 * A command given without one of its subcommands prints its help on stderr: exit 2.
 */
export async function runProgram(program: Command, argv: readonly string[], io: CliIo): Promise<number> {
  configure(program, io)
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return 0
  } catch (err) {
    return codeOf(err)
  }
}

/** runProgram for a command whose actions are all synchronous (declared with exitsSync). */
export function runProgramSync(program: Command, argv: readonly string[], io: CliIo): number {
  configure(program, io)
  try {
    program.parse([...argv], { from: 'user' })
    return 0
  } catch (err) {
    return codeOf(err)
  }
}

/**
 * A positive whole number option (`--limit 50`): commander calls this to convert the value and
 * reports the refusal as a usage error naming the option.
 */
export function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`)
    return Number(value)
  }
}
