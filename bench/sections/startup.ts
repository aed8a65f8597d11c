// Section 5: startup, from spawning `node dist/tokenwarden.mjs serve` (what `npm start` runs) to the first 200 from
// /health, median of N runs after one discarded run (which also creates and migrates the
// SQLite database, so the measured runs are restarts). dist is rebuilt first when stale.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, statSync } from 'node:fs'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { BENCH_SECRET } from '../lib/fixtures.js'
import { log } from '../lib/log.js'
import { settle } from '../lib/machine.js'
import { median } from '../lib/measure.js'
import { freePort, ROOT, SERVER_CORE, sleep, spawnPinned } from '../lib/proc.js'
import type { Profile } from '../lib/profile.js'
import type { StartupResults } from '../lib/results.js'

const MAIN = join(ROOT, 'dist/tokenwarden.mjs')

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

/**
 * Rebuilds dist as `npm run build` does (tsc, then the one-file bundle dist/tokenwarden.mjs) when
 * any file under src/ is newer than the bundle (smoke runs: only when it is missing).
 */
export function ensureBuilt(rebuildStale: boolean, section = 'startup'): void {
  let built = 0
  try {
    built = statSync(MAIN).mtimeMs
  } catch {
    // not built yet
  }
  if (built > 0 && (!rebuildStale || built >= newestMtime(join(ROOT, 'src')))) return
  log(section, 'dist is stale: npm run build')
  for (const args of [[join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], [join(ROOT, 'scripts/bundle-cli.mjs')]]) {
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' })
    if (r.status !== 0) throw new Error(`build failed: ${(r.stdout + r.stderr).trim().split('\n').slice(0, 5).join(' | ')}`)
  }
}

function healthOk(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('error', () => resolve(false))
  })
}

async function startOnce(dataDir: string): Promise<number> {
  const port = await freePort()
  const t0 = performance.now()
  const child = spawnPinned(SERVER_CORE, process.execPath, [MAIN, 'serve'], {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: `sqlite:${join(dataDir, 'tokenwarden.db')}`,
    JWT_SECRET: BENCH_SECRET,
    LOG_LEVEL: 'warn',
  })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  try {
    for (;;) {
      if (await healthOk(port)) return performance.now() - t0
      if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}: ${stderr.trim().slice(-300)}`)
      if (performance.now() - t0 > 20_000) throw new Error('no 200 from /health within 20 s')
      await sleep(1)
    }
  } finally {
    child.kill('SIGTERM')
    await exited
  }
}

export async function runStartup(profile: Profile): Promise<StartupResults> {
  ensureBuilt(profile.mode !== 'smoke')
  await settle('startup')
  const dataDir = mkdtempSync(join(tmpdir(), 'tw-bench-start-'))
  const first = await startOnce(dataDir)
  const samples: number[] = []
  for (let i = 0; i < profile.startupRuns; i++) samples.push(await startOnce(dataDir))
  const r = { runs: samples.length, medianMs: median(samples), minMs: Math.min(...samples), maxMs: Math.max(...samples), firstRunMs: first, samplesMs: samples }
  log('startup', `median ${r.medianMs.toFixed(0)} ms over ${r.runs} runs (first run, fresh database: ${first.toFixed(0)} ms)`)
  return r
}
