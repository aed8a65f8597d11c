// docs/migrating-from-flask.md runs as written, end to end: the Flask + PyJWT peer app
// (test/migration/flask-peer/flask_pyjwt_app.py, a copy of shared/peers/, Debian's python3-flask) gets users by its own /register,
// plus one with a flask-bcrypt hash; then the playbook's `sh` blocks run in order in one bash
// session (`npx tokenwarden` is the built command; `serve` runs in the background until the next
// one), each answer checked: the import, a Flask token on tokenwarden's /auth/me, a tokenwarden
// token on Flask's /me, the move to argon2id at login, and the Flask token refused once legacy
// tokens are off. Skipped, with the reason printed, where python3-flask is absent; under
// CI=true it must run (.ci/run installs the packages).

import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { CLI, ROOT, ensureBuilt } from '../server/process.js'
import { tempDir, usersIn } from '../cli/import-fixtures.js'

const PYTHON = '/usr/bin/python3'
// A copy of the seeds' peer app (shared/peers/flask_pyjwt_app.py) lives in the repository, so a
// fresh clone runs the playbook wherever it is checked out; TW_PEERS_DIR points at another copy.
const PEERS_DIR = process.env.TW_PEERS_DIR ?? join(ROOT, 'test/migration/flask-peer')
const SECRET = 'flask-and-tokenwarden-share-this-secret'
const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

/** Why the playbook cannot run here, or undefined when it can. */
function unavailable(): string | undefined {
  if (!existsSync(join(PEERS_DIR, 'flask_pyjwt_app.py'))) return `${join(PEERS_DIR, 'flask_pyjwt_app.py')} not found`
  const probe = spawnSync(PYTHON, ['-c', 'import flask, jwt, bcrypt'], { env: { PATH: '/usr/bin:/bin' }, encoding: 'utf8', timeout: 20_000 })
  if (probe.status !== 0) return `${PYTHON} cannot import flask, jwt and bcrypt (apt-get install -y python3-flask python3-jwt python3-bcrypt)`
  if (spawnSync('curl', ['--version']).status !== 0) return 'curl is not installed'
  return undefined
}

interface Block {
  lang: string
  body: string
}

function playbook(): Block[] {
  const doc = readFileSync(join(ROOT, 'docs/migrating-from-flask.md'), 'utf8')
  return [...doc.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, body: m[2]! }))
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/** Polls `url` until it answers at all (any status). */
async function answering(url: string, child: ChildProcessWithoutNullStreams, log: () => string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${log()}`)
    if (await fetch(url).then(() => true, () => false)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`${url} did not answer in 15 s:\n${log()}`)
}

/** The Flask peer on its own port, its database in `db`. */
async function startFlask(t: TestContext, db: string): Promise<string> {
  const port = await freePort()
  const child = spawn(PYTHON, ['-m', 'flask', '--app', 'flask_pyjwt_app', 'run', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: PEERS_DIR,
    env: { PATH: '/usr/bin:/bin', PEER_DB: db, PEER_SECRET: SECRET, PYTHONDONTWRITEBYTECODE: '1' },
  })
  let log = ''
  child.stdout.on('data', (d: Buffer) => (log += d.toString()))
  child.stderr.on('data', (d: Buffer) => (log += d.toString()))
  t.after(() => void child.kill('SIGKILL'))
  const url = `http://127.0.0.1:${port}`
  await answering(`${url}/me`, child, () => log)
  return url
}

async function post(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/**
 * One bash session fed block by block, as a reader pastes them. `npx tokenwarden` runs the built
 * command; `npx tokenwarden serve` stops the server it started before, starts the new one in the
 * background and returns once it answers /health. Any failing command ends the session.
 */
class Shell {
  readonly #bash: ChildProcessWithoutNullStreams
  #out = ''
  #err = ''
  #blocks = 0

  constructor(cwd: string, env: Record<string, string>) {
    this.#bash = spawn('bash', ['--noprofile', '--norc'], { cwd, env, detached: true })
    this.#bash.stdout.on('data', (d: Buffer) => (this.#out += d.toString()))
    this.#bash.stderr.on('data', (d: Buffer) => (this.#err += d.toString()))
    this.#bash.stdin.write(`set -euo pipefail
npx() {
  [ "$1" = tokenwarden ] || { echo "npx $1: only tokenwarden runs in this test" >&2; return 127; }
  shift
  if [ "\${1:-}" != serve ]; then node "$TW_CLI" "$@"; return; fi
  if [ -n "\${TW_PID:-}" ]; then kill "$TW_PID"; wait "$TW_PID" || true; fi
  node "$TW_CLI" "$@" >>"$TW_LOG" 2>&1 &
  TW_PID=$!
  for _ in $(seq 1 200); do
    if curl -s -o /dev/null "http://127.0.0.1:$PORT/health"; then return 0; fi
    kill -0 "$TW_PID" 2>/dev/null || { echo "tokenwarden serve exited" >&2; return 1; }
    sleep 0.1
  done
  echo "tokenwarden serve did not answer in 20 s" >&2
  return 1
}
`)
  }

  /** Runs `script`; resolves with the lines it printed on standard output. */
  async run(script: string): Promise<string[]> {
    const marker = `@@block-${++this.#blocks}@@`
    const start = this.#out.length
    this.#bash.stdin.write(`${script}\necho\necho '${marker}'\n`)
    for (let i = 0; i < 600; i++) {
      const end = this.#out.indexOf(`${marker}\n`, start)
      if (end >= 0) return this.#out.slice(start, end).split('\n').map((l) => l.trim()).filter((l) => l !== '')
      if (this.#bash.exitCode !== null) break
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error(`the block failed or hung:\n${script}\n--- stderr:\n${this.#err}\n--- stdout:\n${this.#out.slice(start)}`)
  }

  get stderr(): string {
    return this.#err
  }

  /** Stops the server it started, then the shell and anything left in its process group. */
  async close(): Promise<void> {
    if (this.#bash.exitCode === null) await this.run('if [ -n "${TW_PID:-}" ]; then kill "$TW_PID"; wait "$TW_PID" || true; fi').catch(() => [])
    this.#bash.stdin.end()
    try {
      process.kill(-this.#bash.pid!, 'SIGKILL')
    } catch {
      // already gone
    }
  }
}

const why = unavailable()
if (why !== undefined) {
  assert.notEqual(process.env.CI, 'true', `the migration playbook must run under CI: ${why}`)
  console.log(`skipping the migration playbook: ${why}`)
}

test('docs/migrating-from-flask.md, step by step, against the Flask peer app and tokenwarden side by side', { skip: why ?? false, timeout: 180_000 }, async (t) => {
  ensureBuilt()
  const blocks = playbook()
  const scripts = blocks.filter((b) => b.lang === 'sh').map((b) => b.body)
  const samples = blocks.filter((b) => b.lang === 'text' || b.lang === 'json').map((b) => b.body.trim())
  assert.equal(scripts.length, 6, 'secret, import, serve, Flask token, move, legacy off')
  assert.equal(samples.length, 5)

  const cwd = tempDir('tw-playbook-')
  mkdirSync(join(cwd, 'instance'))
  const flaskDb = join(cwd, 'instance/app.db')
  const flask = await startFlask(t, flaskDb)
  const port = await freePort()
  const tokenwarden = `http://127.0.0.1:${port}`

  // The Flask app's users: two registered through it (Werkzeug hashes), one from the days of
  // flask-bcrypt (bcrypt.generate_password_hash is bcrypt.hashpw, stored decoded).
  for (const user of [ADA, { email: 'bob@example.com', password: 'bobs own password' }]) {
    assert.equal((await post(`${flask}/register`, user)).status, 201)
  }
  const bcryptUser = spawnSync(PYTHON, ['-c', [
    'import bcrypt, sqlite3, sys',
    'db = sqlite3.connect(sys.argv[1])',
    'db.execute("insert into user (email, password) values (?, ?)", ("cy@example.com", bcrypt.hashpw(b"cys bcrypt password", bcrypt.gensalt(4)).decode()))',
    'db.commit()',
  ].join('\n'), flaskDb], { encoding: 'utf8', timeout: 20_000 })
  assert.equal(bcryptUser.status, 0, bcryptUser.stderr)

  const shell = new Shell(cwd, {
    PATH: process.env.PATH!,
    HOME: cwd,
    FLASK_JWT_SECRET_KEY: SECRET,
    PORT: String(port),
    ARGON2_MEMORY_COST: '1024',
    ARGON2_TIME_COST: '1',
    TW_CLI: CLI,
    TW_LOG: join(cwd, 'tokenwarden.log'),
  })
  t.after(() => shell.close())
  const run = (i: number) => shell.run(scripts[i]!.replaceAll('http://127.0.0.1:5000', flask).replaceAll('http://127.0.0.1:3000', tokenwarden))
  const accounts = async () => new Map((await usersIn(`sqlite:${join(cwd, 'data/tokenwarden.db')}`)).map((u) => [u.email, u]))

  // 1. Share the secret.
  assert.deepEqual(await run(0), [])

  // 2. Import the users: the dry run, then the import, as the sample prints them.
  assert.deepEqual(await run(1), samples[0]!.split('\n'))
  const imported = await accounts()
  assert.deepEqual([...imported.keys()].sort(), ['ada@example.com', 'bob@example.com', 'cy@example.com'])
  assert.match(imported.get('ada@example.com')!.passwordHash, /^(pbkdf2:sha256|scrypt):/, 'Werkzeug\'s hash, kept')
  assert.match(imported.get('cy@example.com')!.passwordHash, /^\$2b\$04\$/, 'bcrypt\'s hash, kept')
  assert.equal(imported.get('ada@example.com')!.id, '1', 'the Flask id, as a string')

  // 3. Accept legacy tokens: a token the Flask app issued answers on tokenwarden.
  assert.deepEqual(await run(2), [])
  const me = await run(3)
  assert.equal(me.length, 1, me.join('\n'))
  assert.deepEqual(Object.keys(JSON.parse(me[0]!)).sort(), Object.keys(JSON.parse(samples[1]!)).sort())
  assert.deepEqual({ id: JSON.parse(me[0]!).id, email: JSON.parse(me[0]!).email }, { id: '1', email: ADA.email })

  // 4. Move the routes: a login at tokenwarden, whose token the Flask app accepts.
  const flaskMe = await run(4)
  assert.deepEqual(flaskMe.map((l) => JSON.parse(l)), [JSON.parse(samples[2]!)])
  const moved = await accounts()
  assert.match(moved.get('ada@example.com')!.passwordHash, /^\$argon2id\$/, 'the login moved her to argon2id')
  assert.equal(moved.get('bob@example.com')!.passwordHash, imported.get('bob@example.com')!.passwordHash, 'no login, no rehash')
  // The bcrypt user logs in with the password flask-bcrypt knew, and moves to argon2id too.
  const cy = await post(`${tokenwarden}/auth/login`, { email: 'cy@example.com', password: 'cys bcrypt password' })
  assert.equal(cy.status, 200, JSON.stringify(cy.body))
  assert.match((await accounts()).get('cy@example.com')!.passwordHash, /^\$argon2id\$/)
  assert.equal((await post(`${tokenwarden}/auth/login`, { email: 'cy@example.com', password: 'not it' })).body.code, 'INVALID_CREDENTIALS')

  // Meanwhile someone signs up on the Flask app: the last import of step 5 brings them over.
  assert.equal((await post(`${flask}/register`, { email: 'dee@example.com', password: 'dees password 1' })).status, 201)

  // 5. Legacy tokens off: the Flask token is refused; tokenwarden's own still works.
  const off = await run(5)
  assert.equal(off.length, 2, off.join('\n'))
  assert.equal(off[0], samples[3])
  assert.deepEqual(JSON.parse(off[1]!), JSON.parse(samples[4]!))
  assert.ok((await accounts()).has('dee@example.com'))
  const still = await shell.run(`curl -s ${tokenwarden}/auth/me -H "Authorization: Bearer $ACCESS"`)
  assert.equal(JSON.parse(still[0]!).id, '1', shell.stderr)
})
