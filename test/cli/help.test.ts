// The built `tokenwarden` binary: every command and subcommand answers --help (exit 0, its usage
// on stdout) and refuses an unknown option with its usage line on stderr (exit 2), before doing
// anything (no server starts, no database opens).

import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { cleanEnv, ensureBuilt, runCli } from '../server/process.js'

const COMMANDS = [
  ['serve'],
  ['migrate'],
  ['keys'],
  ['keys', 'generate'],
  ['keys', 'stage'],
  ['keys', 'rotate'],
  ['keys', 'list'],
  ['users'],
  ['users', 'create'],
  ['users', 'list'],
  ['users', 'import'],
  ['users', 'disable'],
  ['users', 'enable'],
  ['users', 'delete'],
  ['users', 'revoke'],
  ['users', 'set-roles'],
  ['users', 'reset-mfa'],
  ['audit'],
  ['audit', 'prune'],
  ['token'],
  ['token', 'inspect'],
  ['token', 'issue'],
  ['doctor'],
]

const cwd = mkdtempSync(join(tmpdir(), 'tw-help-'))
before(() => ensureBuilt())
after(() => rmSync(cwd, { recursive: true, force: true }))

/** Runs a few at a time: the machine is shared. */
async function eachLimited<T>(items: T[], run: (item: T) => Promise<void>, limit = 3): Promise<void> {
  const queue = [...items]
  await Promise.all(Array.from({ length: limit }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await run(item)
  }))
}

test('tokenwarden --help lists every command; help COMMAND works too', async () => {
  const r = await runCli(['--help'], cwd)
  assert.equal(r.code, 0, r.stderr)
  for (const name of ['serve', 'migrate', 'keys', 'users', 'audit', 'token', 'doctor']) assert.match(r.stdout, new RegExp(`^  ${name}\\b`, 'm'), name)
  const viaHelp = await runCli(['help', 'doctor'], cwd)
  assert.equal(viaHelp.code, 0)
  assert.match(viaHelp.stdout, /^Usage: tokenwarden doctor/)
})

test('--help on every command: exit 0, its usage line on stdout', async () => {
  await eachLimited(COMMANDS, async (path) => {
    const r = await runCli([...path, '--help'], cwd, cleanEnv())
    assert.equal(r.code, 0, `${path.join(' ')}: ${r.stderr}`)
    assert.match(r.stdout, new RegExp(`^Usage: tokenwarden ${path.join(' ')}[| ]`), path.join(' '))
    assert.equal(r.stderr, '')
  })
})

test('an unknown option on every command: exit 2, the error and the usage line on stderr, nothing done', async () => {
  await eachLimited([...COMMANDS, []], async (path) => {
    // Required options given, so the unknown one is what is refused.
    const required = path[1] === 'create' ? ['--email', 'a@example.com'] : path[1] === 'issue' ? ['--user', 'a@example.com'] : []
    const r = await runCli([...path, ...required, '--no-such-option'], cwd, cleanEnv({ PORT: '0' }))
    const label = path.join(' ') || '(none: serve)'
    assert.equal(r.code, 2, `${label}: ${r.stdout}${r.stderr}`)
    assert.match(r.stderr, /unknown option '--no-such-option'/, label)
    assert.match(r.stderr, new RegExp(`^Usage: tokenwarden ${path.length === 0 ? 'serve' : path.join(' ')}[| ]`, 'm'), label)
    assert.doesNotMatch(r.stdout, /listening/, label)
  })
  assert.deepEqual(readdirSync(cwd), [], 'no data directory or database created')
})

test('a subcommand missing or unknown: exit 2 with the usage', async () => {
  for (const argv of [['keys'], ['users', 'frob'], ['token', 'frob'], ['frob']]) {
    const r = await runCli(argv, cwd)
    assert.equal(r.code, 2, argv.join(' '))
    assert.match(r.stderr, /Usage: tokenwarden/, argv.join(' '))
  }
})
