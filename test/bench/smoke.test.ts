// Keeps the benchmark harness from rotting: runs `bench/run.ts --smoke` (tiny sizes, output
// to a temp directory) and checks that every section produced numbers. No timing assertions:
// the numbers only have to exist and be positive.

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Results } from '../../bench/lib/results.js'
import { rpsOf } from '../../bench/lib/targets.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

function positive(value: unknown, what: string): void {
  assert.equal(typeof value, 'number', `${what} is not a number`)
  assert.ok(Number.isFinite(value as number) && (value as number) > 0, `${what} is not a positive number: ${String(value)}`)
}

test('npm run bench -- --smoke produces numbers for every section', { timeout: 120_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'tw-bench-smoke-test-'))
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/run.ts'), '--smoke', '--out', out], { cwd: ROOT, encoding: 'utf8' })
  assert.equal(run.status, 0, `harness failed:\n${run.stderr.split('\n').slice(-20).join('\n')}`)
  const r = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as Results
  assert.deepEqual(r.problems, [])

  // 1. tokens: every algorithm has an uncached tokenwarden, a cached one and the limit, for verify.
  for (const alg of ['HS256', 'RS256', 'ES256', 'EdDSA']) {
    for (const impl of ['tokenwarden', 'tokenwarden (cached)', 'fast-jwt', 'jose', 'node:crypto (limit)']) {
      positive(r.tokens?.find((x) => x.alg === alg && x.op === 'verify' && x.impl === impl)?.opsPerSec, `${alg} verify ${impl}`)
    }
    positive(r.tokens?.find((x) => x.alg === alg && x.op === 'sign' && x.impl === 'tokenwarden')?.opsPerSec, `${alg} sign tokenwarden`)
  }

  // 2. http: every case ran (only the Flask peer may be skipped, with a reason) and got only 2xx.
  for (const row of r.http ?? []) {
    if (row.id === 'flask' && row.skipped !== undefined && !row.skipped.startsWith('failed')) continue
    positive(row.rps, `http ${row.id} req/s (${row.skipped ?? ''})`)
    positive(row.p99Ms, `http ${row.id} p99`)
    assert.equal(row.non2xx, 0, `http ${row.id} got non-2xx responses`)
  }
  assert.deepEqual((r.http ?? []).map((x) => x.id).slice(0, 3), ['bare', 'tw-hot', 'tw-cold'])

  // 3. logins
  const l = r.logins
  positive(l?.rawHashPerSec, 'raw argon2id rate')
  positive(l?.loginsPerSec, 'logins/s')
  positive(l?.bareLoginsPerSec, 'reference login route logins/s')
  assert.equal(l?.loginNon2xx, 0)
  positive(l?.storm.p99Ms, 'protected p99 during the storm')
  assert.equal(l?.storm.failed, 0)
  assert.equal(typeof l?.eldStorm.p99Ms, 'number')

  // 4. revocation
  positive(r.revocation?.liveCheckNs, 'liveness check ns')
  positive(r.revocation?.rssMb, 'RSS')
  assert.equal(r.revocation?.revoked, 10_000)

  // 5. startup
  positive(r.startup?.medianMs, 'startup median')

  // 6. scale: smoke runs take the SQLite cases only (three real servers, 3 logout rounds); the
  // other databases are skipped with a reason, never left out silently.
  const sqlite = r.scale?.propagation.find((x) => x.id === 'sqlite')
  assert.equal(sqlite?.skipped, undefined, `scale sqlite: ${sqlite?.skipped}`)
  assert.equal(sqlite?.rounds, 3)
  assert.equal(sqlite?.samplesMs?.length, 6, 'one sample from each of B and C per round')
  positive(sqlite?.maxMs, 'scale sqlite propagation max')
  for (const row of r.scale?.propagation ?? []) if (row.id !== 'sqlite') assert.match(row.skipped ?? '', /SQLite only/, `scale ${row.id}`)
  positive(rpsOf(r.scale?.me, 'sqlite-me'), 'scale sqlite-me req/s')

  // 7. metrics: one paired round, the server with metrics off and on, both loaded (a non-2xx fails the section).
  assert.equal(r.metrics?.rounds.length, 1)
  positive(r.metrics?.rounds[0]?.off.rps, 'metrics off req/s')
  positive(r.metrics?.rounds[0]?.on.rps, 'METRICS=true req/s')
  positive(r.metrics?.ratio, 'metrics on ÷ off')

  // The report and its chart were written, and the report shows the targets table.
  const md = readFileSync(join(out, 'BENCHMARKS.md'), 'utf8')
  assert.match(md, /## Targets/)
  assert.match(md, /## 7\. Metrics/)
  // How idle CPUs wait changes every HTTP ratio on a VM (bench/analysis.md), so the machine table says it.
  if (existsSync('/sys/devices/system/cpu/cpuidle/current_driver')) {
    const driver = readFileSync('/sys/devices/system/cpu/cpuidle/current_driver', 'utf8').trim()
    assert.equal(r.machine.cpuIdle?.startsWith(`cpuidle ${driver}`), true, `machine.cpuIdle: ${r.machine.cpuIdle}`)
    assert.ok(md.includes(`| idle CPUs | cpuidle ${driver}`), 'the machine table has no idle CPUs row')
  }
  assert.ok(existsSync(join(out, 'chart.svg')))
  assert.match(readFileSync(join(out, 'chart.svg'), 'utf8'), /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/)
})
