// Throwaway PostgreSQL, MariaDB and Redis for `npm test`, started from Debian's binaries.
//
// startServices({ required, only }) starts each server whose binaries are installed, in parallel,
// each in a fresh temp dir, listening on 127.0.0.1 only, on a free port, and resolves once each
// accepts connections. It resolves to a handle of plain data, also written as JSON to handle.file:
//   { file, ownerPid, services: { postgres?, mysql?, redis? }, skipped: { [name]: reason } }
// where each service is { name, url, port, dir, pidFile, command, stopSignal, log }. The MariaDB
// server goes by `mysql`, the scheme of its URL. Missing binaries, or a server that fails to
// start, throw when `required` (CI) and are recorded in `skipped` otherwise.
//
// stopServices(handle) stops every server (its stop signal, SIGKILL after 5 s) and removes the
// temp dirs.
//
// controlService(handle, name, 'stop' | 'start') stops one server (fast shutdown, resolves once
// it has exited) or starts it again on the same port and data dir (resolves once it accepts
// connections). Any process can do it with the parsed JSON of handle.file, whose path
// scripts/test.mjs puts in TW_TEST_SERVICES_FILE; test/support/services.ts wraps it. A server
// started again by another process outlives that process; stopServices finds it by its pid file.
// Redis keeps no data across a restart; PostgreSQL and MariaDB keep theirs.
//
// Servers die with the process that started them: SIGKILL on 'exit', SIGINT and SIGTERM, and
// setpriv --pdeathsig for when that process is itself killed outright.

import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { RECIPES, findFreePorts } from './test-services/recipes.mjs'

const READY_MS = 30_000
const STOP_MS = 5_000
const SETPRIV = '/usr/bin/setpriv'

/** Handles started by this process, killed synchronously if it exits before stopServices. */
const owned = new Set()
/** Children spawned by this process, by service dir, for the exit cleanup. */
const children = new Map()

/**
 * @param {{ required?: boolean, only?: string[] }} [options] only: the names to start
 *   (postgres, mysql, redis); default all.
 */
export async function startServices({ required = false, only = Object.keys(RECIPES) } = {}) {
  const handle = { file: '', ownerPid: process.pid, services: {}, skipped: {} }
  guardExit()
  owned.add(handle)
  const names = only.filter((name) => {
    if (!(name in RECIPES)) throw new TypeError(`startServices: unknown service ${name}`)
    const missing = RECIPES[name].missing()
    if (missing !== undefined) handle.skipped[name] = missing
    return missing === undefined
  })
  const ports = await findFreePorts(names.length)
  const password = randomBytes(12).toString('hex')
  const results = await Promise.allSettled(names.map((name, i) => startOne(handle, name, ports[i], password)))
  results.forEach((r, i) => { if (r.status === 'rejected') handle.skipped[names[i]] = `failed to start: ${r.reason.message}` })
  if (required && Object.keys(handle.skipped).length > 0) {
    await stopServices(handle)
    const why = Object.entries(handle.skipped).map(([name, reason]) => `${name}: ${reason}`)
    throw new Error(`test services are required (CI=true) but not all could start:\n  ${why.join('\n  ')}`)
  }
  handle.file = join(mkdtempSync(join(tmpdir(), 'tw-services-')), 'services.json')
  writeFileSync(handle.file, JSON.stringify(handle, null, 2))
  return handle
}

async function startOne(handle, name, port, password) {
  const recipe = RECIPES[name]
  const dir = mkdtempSync(join(tmpdir(), `tw-${name}-`))
  // Record the dir at once so that a failure below still removes it.
  const service = { name, url: recipe.url(port, password), port, dir, log: join(dir, 'server.log') }
  handle.services[name] = service
  try {
    Object.assign(service, await recipe.init(dir, port))
    await launch(handle, service)
    await recipe.setup(service, password)
  } catch (err) {
    await stopOne(service).catch(() => {})
    rmSync(dir, { recursive: true, force: true })
    delete handle.services[name]
    throw new Error(err.message.replaceAll(password, '***'))
  }
}

/** Stops every server of `handle` and removes their temp dirs. */
export async function stopServices(handle) {
  await Promise.all(Object.values(handle.services).map((s) => stopOne(s).catch(() => killSync(s))))
  removeDirs(handle)
  owned.delete(handle)
}

/**
 * Stops or starts again one server of `handle` (or of the parsed JSON of its file).
 * @param {{ ownerPid: number, services: Record<string, object> }} handle
 * @param {'postgres' | 'mysql' | 'redis'} name
 * @param {'stop' | 'start'} action
 */
export async function controlService(handle, name, action) {
  const service = handle.services[name]
  if (service === undefined) throw new Error(`controlService: ${name} is not running in this test run`)
  if (action === 'stop') return stopOne(service)
  if (action === 'start') return launch(handle, service)
  throw new TypeError(`controlService: action must be 'stop' or 'start', not ${action}`)
}

async function launch(handle, service) {
  const mine = handle.ownerPid === process.pid
  const pid = readPid(service)
  if (pid !== undefined && alive(pid)) throw new Error(`${service.name} is already running (pid ${pid})`)
  // Only the owner ties the server's life to its own; a test process that starts a server again
  // must leave it running for the other test files, and the owner stops it at the end.
  const argv = mine && existsSync(SETPRIV) ? deathSignal(service.command) : service.command
  const log = openSync(service.log, 'a')
  const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', log, log] })
  closeSync(log)
  if (mine) children.set(service.dir, child)
  else child.unref()
  let exited = false
  child.once('exit', () => { exited = true })
  child.once('error', () => { exited = true })
  const deadline = Date.now() + READY_MS
  while (!(await RECIPES[service.name].probe(service))) {
    if (exited || Date.now() > deadline) {
      if (!exited) child.kill('SIGKILL')
      throw new Error(`${service.name} did not ${exited ? 'stay up' : 'accept connections within 30 s'}; log ${service.log}:\n${tail(service.log)}`)
    }
    await sleep(50)
  }
}

// setpriv sets the parent-death signal after switching user (a switch would clear it), then execs.
function deathSignal(command) {
  return command[0] === SETPRIV
    ? [SETPRIV, '--pdeathsig', 'KILL', ...command.slice(1)]
    : [SETPRIV, '--pdeathsig', 'KILL', '--', ...command]
}

async function stopOne(service) {
  const pid = readPid(service) ?? children.get(service.dir)?.pid
  if (pid === undefined || !alive(pid)) return
  process.kill(pid, service.stopSignal)
  const deadline = Date.now() + STOP_MS
  while (alive(pid)) {
    if (Date.now() > deadline) {
      killGroup(pid)
      await sleep(100)
      return
    }
    await sleep(25)
  }
}

function readPid(service) {
  try {
    const pid = Number.parseInt(readFileSync(service.pidFile, 'utf8'), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

// A zombie still answers kill(pid, 0), and a server orphaned by a test process may never be
// reaped here, so read its state instead.
function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3))
  } catch (err) {
    if (err.code === 'ENOENT') return false
    try { process.kill(pid, 0); return true } catch { return false }
  }
}

// Servers run detached, so each leads its own process group (PostgreSQL's backends included).
function killGroup(pid) {
  try { process.kill(-pid, 'SIGKILL') } catch { try { process.kill(pid, 'SIGKILL') } catch { /* gone */ } }
}

function killSync(service) {
  for (const pid of new Set([readPid(service), children.get(service.dir)?.pid])) if (pid !== undefined) killGroup(pid)
}

function removeDirs(handle) {
  for (const s of Object.values(handle.services)) rmSync(s.dir, { recursive: true, force: true, maxRetries: 3 })
  if (handle.file !== '') rmSync(dirname(handle.file), { recursive: true, force: true })
}

let guarded = false
function guardExit() {
  if (guarded) return
  guarded = true
  const cleanup = () => {
    for (const handle of owned) {
      for (const s of Object.values(handle.services)) killSync(s)
      removeDirs(handle)
    }
    owned.clear()
  }
  process.once('exit', cleanup)
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    process.once(signal, () => { cleanup(); process.exit(code) })
  }
}

function tail(file) {
  try { return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n') } catch { return '(no log)' }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

