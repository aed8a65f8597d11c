// `npm run bench`: runs the sections, writes the raw results, BENCHMARKS.md and the SVG chart.
// Only a full run of every section writes into the repository; --quick, --smoke and --only
// write to a temp directory (or --out DIR) so committed numbers always come from one full run.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { chartSvg } from './lib/chart.js'
import { log } from './lib/log.js'
import { describeMachine, noisyCheckpoints, setQuietWait } from './lib/machine.js'
import { LOAD_CORE, pinSelf, ROOT } from './lib/proc.js'
import { parseRunArgs, SECTIONS, type SectionName } from './lib/profile.js'
import { reportMarkdown } from './lib/report.js'
import type { Results } from './lib/results.js'
import { runHttp } from './sections/http.js'
import { runLogins } from './sections/logins.js'
import { runMetricsCost } from './sections/metrics.js'
import { runRevocation } from './sections/revocation.js'
import { runScale } from './sections/scale.js'
import { runStartup } from './sections/startup.js'
import { runTokens } from './sections/tokens.js'

const options = parseRunArgs(process.argv.slice(2))
const { profile } = options
const official = profile.mode === 'full' && options.only.length === SECTIONS.length && options.out === undefined && process.env.BENCH_CASES === undefined
const outDir = options.out ?? (official ? ROOT : mkdtempSync(join(tmpdir(), `tokenwarden-bench-${profile.mode}-`)))
const LATEST = join(ROOT, 'bench/results/latest.json')

const results: Results = options.reportOnly ? (JSON.parse(readFileSync(LATEST, 'utf8')) as Results) : await measure()
writeReport(results, options.reportOnly || official)
process.exitCode = results.problems.length > 0 ? 1 : 0

async function measure(): Promise<Results> {
  // The harness itself stays off the server core.
  pinSelf(LOAD_CORE)
  setQuietWait(options.waitQuiet, profile.mode !== 'smoke')
  const results: Results = { machine: await describeMachine(profile.mode), problems: [] }
  if ((results.machine.backgroundBusyPct ?? 0) > 10) {
    log('bench', `warning: ${results.machine.backgroundBusyPct!.toFixed(0)}% CPU busy before start; numbers will be low and noisy`)
  }
  log('bench', `${profile.mode} run: ${options.only.join(', ')}; ${results.machine.loadTool}; ${results.machine.pinning}`)
  const runners: Record<SectionName, () => Promise<void>> = {
    tokens: async () => void (results.tokens = await runTokens(profile)),
    http: async () => void (results.http = await runHttp(profile)),
    logins: async () => void (results.logins = await runLogins(profile)),
    revocation: async () => void (results.revocation = await runRevocation(profile)),
    startup: async () => void (results.startup = await runStartup(profile)),
    // The logins section's raw argon2id rate, when it ran, is the limit for logins on PostgreSQL too.
    scale: async () => void (results.scale = await runScale(profile, results.logins?.rawHashPerSec)),
    metrics: async () => void (results.metrics = await runMetricsCost(profile)),
  }
  for (const section of options.only) {
    const t0 = Date.now()
    try {
      await runners[section]()
      log(section, `done in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    } catch (err) {
      const reason = (err as Error).message
      log(section, `FAILED: ${reason}`)
      results.problems.push({ section, reason })
    }
  }
  results.noisy = noisyCheckpoints
  return results
}

/** Writes the chart, BENCHMARKS.md and the raw JSON: into the repository for official runs and --report. */
function writeReport(r: Results, intoRepo: boolean): void {
  const dir = intoRepo ? ROOT : outDir
  const chartFile = intoRepo ? join(ROOT, 'docs/bench-chart.svg') : join(outDir, 'chart.svg')
  mkdirSync(join(chartFile, '..'), { recursive: true })
  writeFileSync(chartFile, chartSvg(r))
  writeFileSync(join(dir, 'BENCHMARKS.md'), reportMarkdown(r, relative(dir, chartFile)))
  const json = intoRepo ? LATEST : join(outDir, 'results.json')
  if (!options.reportOnly) {
    mkdirSync(join(json, '..'), { recursive: true })
    writeFileSync(json, JSON.stringify(r, null, 2) + '\n')
  }
  log('bench', `wrote ${join(dir, 'BENCHMARKS.md')}, ${chartFile}${options.reportOnly ? '' : `, ${json}`}`)
}
