// The scale-out tables of BENCHMARKS.md: revocation propagation per database and signal, and
// PostgreSQL's throughput beside SQLite's.

import type { ScaleResults } from './results.js'
import { int, r2 } from './report-tables.js'

const ms = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : `${x.toFixed(2)} ms`)

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '--:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}

export function propagationTable(s: ScaleResults): string {
  return table(
    ['case', 'wake-up signal', 'rounds', 'p50', 'p99', 'max', 'target', 'note'],
    s.propagation.map((p) => [
      p.label,
      p.signal ? 'yes' : 'no',
      p.skipped === undefined ? String(p.rounds ?? '–') : '–',
      ms(p.p50Ms),
      ms(p.p99Ms),
      ms(p.maxMs),
      p.signal ? 'p99 < 50 ms' : `max < ${s.pollMs + 100} ms`,
      p.skipped === undefined ? (p.note ?? '') : `skipped: ${p.skipped}`,
    ]),
  )
}

export function scaleThroughputTable(s: ScaleResults): string {
  const rps = (id: string): number | undefined => s.me.find((r) => r.id === id)?.rps
  const sqlite = rps('sqlite-me')
  const rows = s.me.map((r) =>
    r.rps === undefined
      ? [r.label, `skipped: ${r.skipped ?? 'no data'}`, '', '', '', '']
      : [r.label, `${int(r.rps)} req/s`, ms(r.p99Ms), r.cpuUsPerReq === undefined ? '–' : `${r.cpuUsPerReq.toFixed(1)} µs`, r2(sqlite === undefined ? undefined : r.rps / sqlite), `${r.non2xx ?? 0}/${r.errors ?? 0}`],
  )
  const l = s.logins
  if (l.postgresLoginsPerSec !== undefined && l.rawHashPerSec !== undefined) {
    rows.push([
      'logins, PostgreSQL',
      `${l.postgresLoginsPerSec.toFixed(1)} logins/s`,
      l.loginP99Ms === undefined ? '–' : `${l.loginP99Ms.toFixed(0)} ms`,
      '–',
      `${r2(l.postgresLoginsPerSec / l.rawHashPerSec)} of raw argon2id (${l.rawHashPerSec.toFixed(1)}/s, ${l.rawFrom})`,
      `${l.non2xx ?? 0}/0`,
    ])
  } else {
    rows.push(['logins, PostgreSQL', `skipped: ${l.skipped ?? 'no data'}`, '', '', '', ''])
  }
  return table(['case', 'rate', 'p99', 'server CPU/req', '÷ SQLite', 'non-2xx/errors'], rows)
}
