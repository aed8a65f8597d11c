// How scripts/test-services.mjs makes, starts and probes each server: where Debian puts its
// binaries, how to initialise a data dir, the command that runs it in the foreground, and how
// to tell that it accepts connections.
//
// Each recipe: missing() -> reason | undefined; url(port, password); init(dir, port) ->
// { pidFile, command, stopSignal }; setup(service, password) creates the `tw` user and database;
// probe(service) -> Promise<boolean>.

import { spawn } from 'node:child_process'
import { appendFileSync, chownSync, existsSync, readFileSync, readdirSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { join } from 'node:path'

const HOST = '127.0.0.1'
const ROOT = process.getuid?.() === 0
const SETPRIV = '/usr/bin/setpriv'
const MARIADB = { server: '/usr/sbin/mariadbd', install: '/usr/bin/mariadb-install-db', client: '/usr/bin/mariadb' }
const REDIS = '/usr/bin/redis-server'

const postgres = {
  missing() {
    if (pgBin() === undefined) return 'PostgreSQL not found in /usr/lib/postgresql/*/bin (apt-get install -y postgresql)'
    if (ROOT && (account('postgres') === undefined || !existsSync(SETPRIV))) return 'running as root needs the postgres user and setpriv to run PostgreSQL'
    return undefined
  },
  url: (port, password) => `postgres://tw:${password}@${HOST}:${port}/tw`,
  async init(dir, port) {
    const bin = pgBin()
    const data = join(dir, 'data')
    // PostgreSQL refuses to run as root: switch to its own user, which must own the dir.
    const as = ROOT ? [SETPRIV, '--reuid=postgres', '--regid=postgres', '--init-groups', '--'] : []
    if (ROOT) chownSync(dir, account('postgres').uid, account('postgres').gid)
    await must([...as, join(bin, 'initdb'), '-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256',
      '--no-sync', '--no-instructions', '-E', 'UTF8', '--locale=C'])
    // Durability is worthless for throwaway data; many test files and servers connect at once.
    appendFileSync(join(data, 'postgresql.conf'), [
      '', `listen_addresses = '${HOST}'`, `port = ${port}`, `unix_socket_directories = '${dir}'`,
      'max_connections = 300', 'fsync = off', 'synchronous_commit = off', 'full_page_writes = off', '',
    ].join('\n'))
    // SIGINT is PostgreSQL's fast shutdown; SIGTERM would wait for every client to leave.
    return { pidFile: join(data, 'postmaster.pid'), command: [...as, join(bin, 'postgres'), '-D', data], stopSignal: 'SIGINT' }
  },
  async setup(service, password) {
    const psql = [join(pgBin(), 'psql'), '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', service.dir, '-p', String(service.port), '-U', 'postgres', '-d', 'postgres']
    await must(psql, `CREATE ROLE tw LOGIN CREATEDB PASSWORD '${password}';\nCREATE DATABASE tw OWNER tw;\n`)
  },
  async probe(service) {
    const r = await run([join(pgBin(), 'pg_isready'), '-q', '-h', HOST, '-p', String(service.port), '-t', '1'])
    return r.code === 0
  },
}

const mysql = {
  missing() {
    const absent = Object.values(MARIADB).filter((p) => !existsSync(p))
    return absent.length > 0 ? `MariaDB not found (${absent.join(', ')}; apt-get install -y mariadb-server)` : undefined
  },
  url: (port, password) => `mysql://tw:${password}@${HOST}:${port}/tw`,
  async init(dir, port) {
    const data = join(dir, 'data')
    const user = ROOT ? ['--user=root'] : []
    // --no-defaults: /etc/mysql's files would move the socket, the logs and the bind address.
    await must([MARIADB.install, '--no-defaults', `--datadir=${data}`, ...user, '--auth-root-authentication-method=normal', '--skip-test-db', '--skip-name-resolve'])
    const pidFile = join(dir, 'mariadb.pid')
    const command = [MARIADB.server, '--no-defaults', ...user, `--datadir=${data}`, `--socket=${join(dir, 'mysqld.sock')}`,
      `--pid-file=${pidFile}`, `--port=${port}`, `--bind-address=${HOST}`, '--skip-name-resolve', '--skip-log-bin',
      '--innodb-flush-log-at-trx-commit=2', '--innodb-doublewrite=0', '--max-connections=300',
      // Linux AIO contexts are a machine-wide quota that parallel test servers can exhaust.
      '--innodb-use-native-aio=0']
    return { pidFile, command, stopSignal: 'SIGTERM' }
  },
  async setup(service, password) {
    const users = [`'tw'@'${HOST}'`, `'tw'@'%'`]
    const sql = users.map((u) => `CREATE USER ${u} IDENTIFIED BY '${password}';\nGRANT ALL PRIVILEGES ON *.* TO ${u} WITH GRANT OPTION;\n`).join('') +
      'CREATE DATABASE tw;\n'
    await must([MARIADB.client, '--no-defaults', `--socket=${join(service.dir, 'mysqld.sock')}`, '-u', 'root'], sql)
  },
  // The server greets a client with a v10 handshake packet once it serves; an error packet before.
  probe: (service) => greeting(service.port, '', (data) => data.length > 4 && data[4] === 10),
}

const redis = {
  missing: () => (existsSync(REDIS) ? undefined : `${REDIS} not found (apt-get install -y redis-server)`),
  url: (port) => `redis://${HOST}:${port}`,
  async init(dir, port) {
    const pidFile = join(dir, 'redis.pid')
    const command = [REDIS, '--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no',
      '--daemonize', 'no', '--dir', dir, '--pidfile', pidFile]
    return { pidFile, command, stopSignal: 'SIGTERM' }
  },
  async setup() {},
  probe: (service) => greeting(service.port, 'PING\r\n', (data) => data.toString('latin1').startsWith('+PONG')),
}

/** The recipes by service name; `mysql` is MariaDB. */
export const RECIPES = { postgres, mysql, redis }

/** `count` distinct ports free on 127.0.0.1: all held open together, then released. */
export async function findFreePorts(count) {
  const servers = await Promise.all(Array.from({ length: count }, () => new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, HOST, () => resolve(server))
  })))
  const ports = servers.map((s) => s.address().port)
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  return ports
}

/** Runs argv, feeding it `input`; resolves to its exit code and output, never rejects. */
function run(argv, input) {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d) => { output += d })
    child.stderr.on('data', (d) => { output += d })
    child.once('error', (err) => resolve({ code: -1, output: err.message }))
    child.once('close', (code) => resolve({ code: code ?? -1, output }))
    child.stdin.on('error', () => {})
    child.stdin.end(input ?? '')
  })
}

async function must(argv, input) {
  const r = await run(argv, input)
  if (r.code !== 0) throw new Error(`${argv.find((a) => a.startsWith('/') && a !== SETPRIV)} exited with ${r.code}: ${r.output.trim().slice(-2000)}`)
}

// Connects, sends `hello`, and judges the first bytes the server answers.
function greeting(port, hello, ok) {
  return new Promise((resolve) => {
    const socket = connect(port, HOST)
    const done = (value) => { socket.destroy(); resolve(value) }
    socket.setTimeout(1000, () => done(false))
    socket.once('error', () => done(false))
    socket.once('data', (data) => done(ok(data)))
    if (hello !== '') socket.write(hello)
  })
}

function pgBin() {
  const base = '/usr/lib/postgresql'
  const versions = existsSync(base) ? readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : []
  const has = (bin) => ['initdb', 'postgres', 'psql', 'pg_isready'].every((b) => existsSync(join(bin, b)))
  return versions.map((v) => join(base, v, 'bin')).find(has)
}

function account(name) {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`))
  if (line === undefined) return undefined
  const [, , uid, gid] = line.split(':')
  return { uid: Number(uid), gid: Number(gid) }
}
