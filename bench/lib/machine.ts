// What the run ran on, and whether anything else was using the CPU when it started: numbers
// taken while other processes compete for the two cores are low and noisy, and the report says so.

import { readFileSync } from 'node:fs'
import { cpus, release, totalmem, type } from 'node:os'
import { treeCpuMs } from './cpu.js'
import { loadToolNote } from './load.js'
import { pinning, sleep } from './proc.js'
import type { Machine } from './results.js'

function cpuTimes(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!
    const f = line.trim().split(/\s+/).slice(1).map(Number)
    const idle = f[3]! + (f[4] ?? 0)
    const total = f.reduce((a, b) => a + b, 0)
    return { busy: total - idle, total }
  } catch {
    return undefined
  }
}

/** Share of all cores busy over `ms` (0-100), or undefined off Linux. */
export async function cpuBusy(ms: number): Promise<number | undefined> {
  const a = cpuTimes()
  await sleep(ms)
  const b = cpuTimes()
  if (a === undefined || b === undefined || b.total === a.total) return undefined
  return (100 * (b.busy - a.busy)) / (b.total - a.total)
}

function readSys(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim()
  } catch {
    return undefined
  }
}

/** The cpuidle driver and governor, and the guest halt-poll window when the haltpoll driver is in use. */
export function describeCpuIdle(): string | undefined {
  const driver = readSys('/sys/devices/system/cpu/cpuidle/current_driver')
  if (driver === undefined) return undefined
  const governor = readSys('/sys/devices/system/cpu/cpuidle/current_governor') ?? readSys('/sys/devices/system/cpu/cpuidle/current_governor_ro')
  let text = `cpuidle ${driver}${governor === undefined || governor === driver ? '' : `, governor ${governor}`}`
  const poll = readSys('/sys/module/haltpoll/parameters/guest_halt_poll_ns')
  if (driver === 'haltpoll' && poll !== undefined) {
    text += Number(poll) === 0 ? ', guest_halt_poll_ns=0 (an idle vCPU halts at once; the kernel default polls 200 µs first)' : `, guest_halt_poll_ns=${poll}`
  }
  return text
}

export async function describeMachine(mode: string): Promise<Machine> {
  const c = cpus()
  return {
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    ramGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${type()} ${release()}`,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    loadTool: loadToolNote(),
    pinning: pinning(),
    mode,
    backgroundBusyPct: await cpuBusy(1000),
    cpuIdle: describeCpuIdle(),
  }
}

/** Checkpoints where other processes were found busy, for the report. */
export const noisyCheckpoints: { label: string; busyPct: number }[] = []
let quietWaitMs = 0
let sampling = true
const QUIET_PCT = 15

/** How long `settle` may wait for the machine to go quiet (--wait-quiet SECONDS); smoke runs skip sampling. */
export function setQuietWait(seconds: number, sample: boolean): void {
  quietWaitMs = seconds * 1000
  sampling = sample
}

/**
 * Called between measurements, while nothing of ours runs: samples the CPU for `sampleMs`
 * and, when other processes keep it busy, waits (up to --wait-quiet) for them to finish.
 * A checkpoint that never went quiet is recorded, so the report can flag its numbers.
 */
export async function settle(label: string, sampleMs = 500): Promise<void> {
  if (!sampling) return
  const deadline = Date.now() + quietWaitMs
  let busy = await cpuBusy(sampleMs)
  while (busy !== undefined && busy > QUIET_PCT && Date.now() < deadline) {
    busy = await cpuBusy(2000)
  }
  if (busy !== undefined && busy > QUIET_PCT) noisyCheckpoints.push({ label, busyPct: busy })
}

/** CPU ms of this process, its live descendants, and its reaped children (cutime + cstime). */
function oursCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return treeCpuMs(process.pid) + ((Number(f[13]) + Number(f[14])) * 1000) / 100
  } catch {
    return Number.NaN
  }
}

/** True when --wait-quiet was given: a disturbed measurement may then be taken again. */
export function retryNoisy(): boolean {
  return sampling && quietWaitMs > 0
}

/**
 * Starts watching a measurement: `stop()` computes how much of the machine other processes
 * used meanwhile (all CPU time minus ours), records the measurement as noisy above 15% unless
 * `record` is false, and returns true when it was disturbed.
 */
export function watchOthers(label: string): (record?: boolean) => boolean {
  const t0 = cpuTimes()
  const ours0 = oursCpuMs()
  return (record = true) => {
    const t1 = cpuTimes()
    const ours = oursCpuMs() - ours0
    if (!sampling || t0 === undefined || t1 === undefined || !Number.isFinite(ours) || t1.total === t0.total) return false
    // /proc/stat counts USER_HZ ticks (10 ms) summed over every core.
    const othersPct = (100 * ((t1.busy - t0.busy) * 10 - ours)) / ((t1.total - t0.total) * 10)
    if (othersPct <= QUIET_PCT) return false
    if (record) noisyCheckpoints.push({ label: `${label} (during)`, busyPct: othersPct })
    return true
  }
}
