// The report's chart: verify throughput against raw node:crypto, the protected route against
// bare Fastify, and logins against the raw argon2id rate, built from one run's results.

import type { Results } from './results.js'
import { barChart, type Bar, type BarKind, type Panel } from './svg.js'

const int = (x: number): string => Math.round(x).toLocaleString('en-US')
const kindOf = (name: string): BarKind =>
  name.startsWith('tokenwarden') || name.startsWith('tw-') ? 'tokenwarden' : name.includes('limit') || name === 'bare' || name === 'raw-hmac' ? 'limit' : 'peer'

export function chartSvg(r: Results): string {
  const panels: Panel[] = []
  if (r.tokens !== undefined) {
    const bars: Bar[] = []
    for (const alg of ['HS256', 'RS256', 'ES256', 'EdDSA']) {
      const limit = r.tokens.find((x) => x.alg === alg && x.op === 'verify' && x.impl === 'node:crypto (limit)')?.opsPerSec
      if (limit === undefined) continue
      for (const row of r.tokens) {
        if (row.alg !== alg || row.op !== 'verify' || row.opsPerSec === undefined) continue
        bars.push({ label: `${alg} · ${row.impl}`, ratio: row.opsPerSec / limit, display: `${int(row.opsPerSec)}/s`, kind: kindOf(row.impl) })
      }
    }
    panels.push({ title: 'Token verify, ops/s on one thread ÷ raw node:crypto', max: 1.3, targets: [{ ratio: 0.9, label: 'target 0.90' }], bars })
  }
  const bare = r.http?.find((x) => x.id === 'bare')?.rps
  if (r.http !== undefined && bare !== undefined) {
    const bars = r.http
      .filter((x) => x.rps !== undefined)
      .map((x): Bar => ({ label: x.label.replace(/ \(the limit\)$/, ''), ratio: x.rps! / bare, display: `${int(x.rps!)} req/s, p99 ${x.p99Ms!.toFixed(1)} ms`, kind: kindOf(x.id) }))
    panels.push({
      title: 'Protected route, req/s on one core ÷ bare Fastify',
      max: 1.1,
      targets: [{ ratio: 0.85, label: 'hot 0.85' }, { ratio: 0.5, label: 'cold, /auth/me 0.50' }],
      bars,
    })
  }
  if (r.logins !== undefined) {
    const l = r.logins
    panels.push({
      title: `Logins/s ÷ raw argon2id verifies/s (${l.params})`,
      max: 1.2,
      targets: [{ ratio: 0.9, label: 'target 0.90' }],
      bars: [
        { label: 'raw argon2id verify (the limit)', ratio: 1, display: `${l.rawHashPerSec.toFixed(1)}/s`, kind: 'limit' },
        { label: 'tokenwarden POST /auth/login', ratio: l.loginsPerSec / l.rawHashPerSec, display: `${l.loginsPerSec.toFixed(1)}/s`, kind: 'tokenwarden' },
        { label: 'the same, with protected traffic', ratio: l.stormLoginsPerSec / l.rawHashPerSec, display: `${l.stormLoginsPerSec.toFixed(1)}/s`, kind: 'tokenwarden' },
      ],
    })
  }
  const m = r.machine
  return barChart('tokenwarden benchmarks', `${m.cpu}, ${m.cores} cores · Node ${m.node} · ${m.date} · ${m.loadTool}`, panels)
}
