// The README's walkthrough runs as written: its curl blocks are extracted verbatim, pointed at a
// real `tokenwarden serve` (no JWT_SECRET, SQLite under ./data, as the quick start), and run in
// one bash session, so the shell variables carry from block to block as they do for a reader.
// Each answer must have the shape of the sample the README prints after it. The HTTPie blocks
// say the same things and are not run (HTTPie is not installed here).

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ROOT, cleanEnv, ensureBuilt, startServer } from './server/process.js'

interface Block {
  lang: string
  body: string
}

function walkthrough(): Block[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const start = readme.indexOf('## Walkthrough')
  assert.ok(start >= 0, 'README has a Walkthrough section')
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1))
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]! }))
}

const curlBlocks = (blocks: Block[]): string[] => blocks.filter((b) => b.lang === 'sh' && !b.body.trimStart().startsWith('http ')).map((b) => b.body)
const keysOf = (json: string): string[] => Object.keys(JSON.parse(json) as object).sort()

const haveCurl = spawnSync('curl', ['--version']).status === 0

test('the README walkthrough runs as written against a fresh server', { skip: haveCurl ? false : 'curl is not installed' }, async (t) => {
  ensureBuilt()
  const blocks = walkthrough()
  const scripts = curlBlocks(blocks)
  // register, login (JSON and Basic), keep the tokens, me, refresh, logout
  assert.equal(scripts.length, 6, 'the walkthrough has six curl blocks')
  const samples = blocks.filter((b) => b.lang === 'json').map((b) => b.body.trim())

  const cwd = mkdtempSync(join(tmpdir(), 'tw-walkthrough-'))
  t.after(() => rmSync(cwd, { recursive: true, force: true }))
  // The quick start's server: default argon2 costs, no JWT_SECRET (a development secret is made).
  const env = cleanEnv({ PORT: '0' })
  delete env.ARGON2_MEMORY_COST
  delete env.ARGON2_TIME_COST
  const server = await startServer(cwd, env)
  t.after(() => server.stop())

  // One bash session; a marker line before each block separates the answers. After the README's
  // blocks, one extra request: the logged-out access token, for the error sample.
  const marked = scripts.map((s, i) => `echo "@@${i}"\n${s.replaceAll('http://127.0.0.1:3000', server.url)}\necho`)
  marked.push(`echo "@@after"\ncurl -s ${server.url}/auth/me -H "Authorization: Bearer $ACCESS"\necho`)
  const run = spawnSync('bash', ['-euo', 'pipefail', '-c', marked.join('\n')], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH }, timeout: 60_000 })
  assert.equal(run.status, 0, `bash failed:\n${run.stderr}\n${run.stdout}`)
  const out = new Map<string, string[]>()
  let current = ''
  // curl -s adds no newline, so two answers of one block arrive on one line, as a reader sees them.
  for (const line of run.stdout.replaceAll('}{', '}\n{').split('\n')) {
    const m = /^@@(\w+)$/.exec(line)
    if (m !== null) out.set((current = m[1]!), [])
    else if (line.trim() !== '') out.get(current)?.push(line.trim())
  }
  const [registerSample, loginSample, errorSample] = [samples[0]!, samples[1]!, samples.at(-1)!]

  // Register: the user, with the keys the README shows.
  const registered = out.get('0')!
  assert.equal(registered.length, 1, registered.join('\n'))
  assert.deepEqual(keysOf(registered[0]!), keysOf(registerSample))
  assert.equal(JSON.parse(registered[0]!).email, 'ada@example.com')

  // Log in with JSON, then with Basic: two token answers shaped like the sample.
  const logins = out.get('1')!
  assert.equal(logins.length, 2, logins.join('\n'))
  for (const l of logins) {
    assert.deepEqual(keysOf(l), keysOf(loginSample))
    assert.equal(JSON.parse(l).token_type, 'Bearer')
  }

  // Keeping the tokens prints nothing; who am I answers the same user.
  assert.deepEqual(out.get('2'), [])
  const me = out.get('3')!
  assert.equal(JSON.parse(me[0]!).username, 'ada')

  // Refresh: a new pair.
  const refreshed = JSON.parse(out.get('4')![0]!) as Record<string, unknown>
  assert.equal(typeof refreshed.access_token, 'string')
  assert.equal(typeof refreshed.refresh_token, 'string')

  // Log out: the status line the README shows.
  assert.equal(out.get('5')![0], 'HTTP/1.1 204 No Content')

  // And the error sample is what the logged-out token now gets, word for word.
  assert.deepEqual(JSON.parse(out.get('after')![0]!), JSON.parse(errorSample))
})
