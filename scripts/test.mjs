// `npm test` after pretest: starts the throwaway database servers the tests share, runs node's
// test runner over test/**/*.test.ts (or the files given on the command line), then stops them.
//
// Environment: CI=true makes every server required (a missing one fails the run);
// TW_TEST_CONCURRENCY sets how many test files run at once (default 3);
// TW_TEST_SERVICES=none starts none; a TW_TEST_<NAME>_URL already set is used as it is and its
// server is not started. Tests read the TW_TEST_* variables through test/support/services.ts.

import { spawn } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { startServices, stopServices } from './test-services.mjs'

const ENV = { postgres: 'TW_TEST_POSTGRES_URL', mysql: 'TW_TEST_MYSQL_URL', redis: 'TW_TEST_REDIS_URL' }

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return testFiles(path)
    return entry.isFile() && entry.name.endsWith('.test.ts') ? [path] : []
  })
}

// Arguments that name files replace the full list; the others (--test-name-pattern=...) pass on.
const args = process.argv.slice(2)
const files = args.filter((a) => !a.startsWith('-'))
const options = args.filter((a) => a.startsWith('-'))
// Sorted by code unit, as `find test -name '*.test.ts' | sort` did under LC_ALL=C.
const list = files.length > 0 ? files : testFiles('test').sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

// Registered before startServices' own handlers, so the runner hears a signal before the servers go.
let runner
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => runner?.kill(signal))

const env = { ...process.env }
let handle
if (process.env.TW_TEST_SERVICES !== 'none') {
  const only = Object.keys(ENV).filter((name) => !process.env[ENV[name]])
  try {
    handle = await startServices({ required: process.env.CI === 'true', only })
  } catch (err) {
    console.error(`services: ${err.message}`)
    process.exit(1)
  }
  env.TW_TEST_SERVICES_FILE = handle.file
}
for (const [name, variable] of Object.entries(ENV)) {
  const service = handle?.services[name]
  if (service !== undefined) env[variable] = service.url
  const reason = handle?.skipped[name] ?? (process.env[variable] ? undefined : 'TW_TEST_SERVICES=none')
  if (reason !== undefined) env[`${variable.replace(/_URL$/, '')}_SKIP`] = reason
  const where = service !== undefined ? `127.0.0.1:${service.port}` : process.env[variable] ? `${new URL(process.env[variable]).host} (from ${variable})` : undefined
  console.log(where !== undefined ? `services: ${name} at ${where}` : `services: ${name} skipped (${reason})`)
}

// Files run side by side: node's default (one fewer than the CPUs) runs one at a time on two
// cores, while most files wait on servers, browsers and child processes rather than compute.
// TW_TEST_CONCURRENCY or a --test-concurrency option overrides it. The files that load the
// machine on purpose or time themselves (the benchmark smoke run, the multi-instance clusters,
// the worker processes) run afterwards, one at a time, so they neither starve nor are starved.
const SERIAL = ['test/bench/', 'test/cluster/', 'test/server/workers.test.ts', 'test/server/sigkill.test.ts']
const serial = (file) => SERIAL.some((prefix) => file.replaceAll('\\', '/').startsWith(prefix))
const concurrency = options.some((o) => o.startsWith('--test-concurrency')) ? [] : [`--test-concurrency=${process.env.TW_TEST_CONCURRENCY ?? 3}`]
const batches = [
  { files: list.filter((f) => !serial(f)), flags: concurrency },
  { files: list.filter(serial), flags: ['--test-concurrency=1'] },
].filter((b) => b.files.length > 0)
let code = 0
for (const batch of batches) {
  runner = spawn(process.execPath, ['--import', 'tsx', '--test', ...batch.flags, ...options, ...batch.files], { stdio: 'inherit', env })
  const status = await new Promise((resolve) => {
    runner.once('exit', (status, signal) => resolve(status ?? (signal === 'SIGINT' ? 130 : 1)))
  })
  if (status !== 0 && code === 0) code = status
  if (status === 130) break
}
if (handle !== undefined) await stopServices(handle)
process.exit(code)
