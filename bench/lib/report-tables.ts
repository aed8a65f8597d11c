// The section tables of BENCHMARKS.md: absolute numbers, the ratio to the limit, and
// tokenwarden's ratio to each peer (above 1.00: tokenwarden is faster).

import { IMPLS } from '../sections/token-names.js'
import { median } from './measure.js'
import type { HttpRow, LoginResults, MetricsCostResults, OpRow, RevocationResults, StartupResults } from './results.js'

export const int = (x: number | undefined): string => (x === undefined ? '–' : Math.round(x).toLocaleString('en-US'))
export const r2 = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(2))
const ms = (x: number | undefined, d = 2): string => (x === undefined || !Number.isFinite(x) ? '–' : `${x.toFixed(d)} ms`)
const div = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined || b === 0 ? undefined : a / b)

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? '---' : '--:')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}

export function tokensTables(rows: readonly OpRow[]): string {
  const out: string[] = []
  for (const alg of ['HS256', 'RS256', 'ES256', 'EdDSA']) {
    const of = (op: string, impl: string): OpRow | undefined => rows.find((r) => r.alg === alg && r.op === op && r.impl === impl)
    const present = new Set(rows.filter((r) => r.alg === alg).map((r) => r.impl))
    const impls = [...IMPLS.filter((i) => present.has(i)), ...[...present].filter((i) => !(IMPLS as readonly string[]).includes(i))]
    if (impls.length === 0) continue
    const limitV = of('verify', 'node:crypto (limit)')?.opsPerSec
    const limitS = of('sign', 'node:crypto (limit)')?.opsPerSec
    const twV = of('verify', 'tokenwarden')?.opsPerSec
    const twS = of('sign', 'tokenwarden')?.opsPerSec
    const cell = (r: OpRow | undefined): string => (r?.opsPerSec !== undefined ? int(r.opsPerSec) : r?.skipped !== undefined ? `– (${r.skipped})` : '–')
    out.push(`### ${alg}`, '')
    out.push(
      table(
        ['library', 'verify ops/s', '÷ limit', 'tokenwarden ÷ this', 'sign ops/s', '÷ limit', 'tokenwarden ÷ this'],
        impls.map((impl) => {
          const v = of('verify', impl)
          const s = of('sign', impl)
          return [
            impl === 'tokenwarden' ? '**tokenwarden** (cache off)' : impl === 'tokenwarden (cached)' ? '**tokenwarden** (cache on, hot)' : impl,
            cell(v),
            r2(div(v?.opsPerSec, limitV)),
            impl.startsWith('tokenwarden') ? '' : r2(div(twV, v?.opsPerSec)),
            cell(s),
            r2(div(s?.opsPerSec, limitS)),
            impl.startsWith('tokenwarden') ? '' : r2(div(twS, s?.opsPerSec)),
          ]
        }),
      ),
      '',
    )
  }
  return out.join('\n')
}

export function httpTable(rows: readonly HttpRow[]): string {
  const rps = (id: string): number | undefined => rows.find((r) => r.id === id)?.rps
  const bare = rps('bare')
  const tw = ['tw-hot', 'tw-cold', 'tw-me'] as const
  const body = rows.map((r) => {
    if (r.rps === undefined) return [r.label, `skipped: ${r.skipped ?? 'no data'}`, '', '', '', '', '', '', '', '']
    const peer = !r.id.startsWith('tw-') && r.id !== 'bare'
    return [
      r.id.startsWith('tw-') ? `**${r.label}**` : r.label,
      int(r.rps),
      ms(r.p50Ms),
      ms(r.p99Ms),
      r.cpuUsPerReq === undefined ? '–' : `${r.cpuUsPerReq.toFixed(1)} µs`,
      r2(div(r.rps, bare)),
      ...tw.map((id) => (peer ? r2(div(rps(id), r.rps)) : '')),
      `${r.non2xx ?? 0}/${r.errors ?? 0}`,
    ]
  })
  const notes = rows.filter((r) => r.note !== undefined).map((r) => `- ${r.label}: ${r.note}`)
  return [
    table(['case', 'req/s', 'p50', 'p99', 'server CPU/req', '÷ bare Fastify', 'tw hot ÷ this', 'tw cold ÷ this', 'tw /auth/me ÷ this', 'non-2xx/errors'], body),
    '',
    ...notes,
  ].join('\n')
}

export function loginsTable(l: LoginResults): string {
  return [
    table(
      ['measure', 'value', 'note'],
      [
        ['raw argon2id verifies/s (the limit)', l.rawHashPerSec.toFixed(1), `${l.params}, server core only; best of one at a time (${l.rawHashPerSecByConcurrency.one.toFixed(1)}/s) and four at a time (${l.rawHashPerSecByConcurrency.four.toFixed(1)}/s, libuv's default pool)`],
        ...(l.bareLoginsPerSec === undefined
          ? []
          : [['reference: bare Fastify route doing only the verify, logins/s', l.bareLoginsPerSec.toFixed(1), `÷ limit ${r2(l.bareLoginsPerSec / l.rawHashPerSec)}; account from a Map, no database, session or token (bench/servers/raw-login.ts)`]]),
        ['tokenwarden logins/s', l.loginsPerSec.toFixed(1), `÷ limit ${r2(l.loginsPerSec / l.rawHashPerSec)}${l.bareLoginsPerSec === undefined ? '' : `, ÷ reference route ${r2(l.loginsPerSec / l.bareLoginsPerSec)}`}; login p99 ${ms(l.loginP99Ms, 0)}`],
        ['logins/s during the storm', l.stormLoginsPerSec.toFixed(1), 'with the paced protected traffic below'],
        ['failed logins (non-2xx)', String(l.loginNon2xx), ''],
        [`GET /auth/me at ${l.quiet.rate}/s, quiet: p50 / p99 / max`, `${ms(l.quiet.p50Ms)} / ${ms(l.quiet.p99Ms)} / ${ms(l.quiet.maxMs)}`, `${l.quiet.ok} ok, ${l.quiet.failed} failed`],
        [`GET /auth/me at ${l.storm.rate}/s, login storm: p50 / p99 / max`, `${ms(l.storm.p50Ms)} / ${ms(l.storm.p99Ms)} / ${ms(l.storm.maxMs)}`, `${l.storm.ok} ok, ${l.storm.failed} failed`],
        ['event-loop delay, quiet: p50 / p99 / max', `${ms(l.eldQuiet.p50Ms)} / ${ms(l.eldQuiet.p99Ms)} / ${ms(l.eldQuiet.maxMs)}`, 'monitorEventLoopDelay in the server'],
        ['event-loop delay, storm: p50 / p99 / max', `${ms(l.eldStorm.p50Ms)} / ${ms(l.eldStorm.p99Ms)} / ${ms(l.eldStorm.maxMs)}`, ''],
      ],
    ),
  ].join('\n')
}

export function revocationTable(r: RevocationResults): string {
  return table(
    ['measure', 'value'],
    [
      ['revoked sessions held by the SessionGate', int(r.revoked)],
      ['live sessions held', int(r.live)],
      ['check of a live session (the request path)', `${r.liveCheckNs.toFixed(0)} ns`],
      ['check of a revoked session', `${r.deadCheckNs.toFixed(0)} ns`],
      ['check of a session the gate never saw (then the store is asked)', `${r.unknownCheckNs.toFixed(0)} ns`],
      ['revoke(), per session while filling', `${r.revokeNsPerOp.toFixed(0)} ns`],
      ['process RSS with the gate filled', `${r.rssMb.toFixed(0)} MB`],
      ['process RSS before filling', `${r.baselineRssMb.toFixed(0)} MB`],
      ['V8 heap used with the gate filled', `${r.heapUsedMb.toFixed(0)} MB`],
    ],
  )
}

export function startupTable(s: StartupResults): string {
  return table(
    ['measure', 'value'],
    [
      [`median of ${s.runs} restarts`, ms(s.medianMs, 0)],
      ['fastest / slowest', `${ms(s.minMs, 0)} / ${ms(s.maxMs, 0)}`],
      ['first run (fresh database, migrations), not counted', ms(s.firstRunMs, 0)],
    ],
  )
}

export function metricsTable(m: MetricsCostResults): string {
  const us = (x: number): string => `${x.toFixed(1)} µs`
  return table(
    ['round', 'metrics off, req/s', 'METRICS=true, req/s', 'on ÷ off', 'off, CPU/req', 'on, CPU/req'],
    [
      ...m.rounds.map((r, i) => [String(i + 1), int(r.off.rps), int(r.on.rps), r2(r.on.rps / r.off.rps), us(r.off.cpuUsPerReq), us(r.on.cpuUsPerReq)]),
      ['**median**', int(median(m.rounds.map((r) => r.off.rps))), int(median(m.rounds.map((r) => r.on.rps))), `**${r2(m.ratio)}**`, us(median(m.rounds.map((r) => r.off.cpuUsPerReq))), us(median(m.rounds.map((r) => r.on.cpuUsPerReq)))],
    ],
  ) + `\n\nCPU per request, off ÷ on, median of the rounds: ${r2(m.cpuRatio)} (below 1.00: metrics cost CPU).`
}
