// CPU time used by a process and its descendants, from /proc (Linux). Per-request CPU time is
// the server's cost independent of how busy the machine is, so it stays meaningful when other
// processes compete for the cores and req/s does not.

import { readFileSync } from 'node:fs'

const TICKS_PER_SEC = 100 // USER_HZ on Linux (getconf CLK_TCK)

function children(pid: number): number[] {
  try {
    const out: number[] = []
    for (const tid of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)) if (tid !== '') out.push(Number(tid))
    return out
  } catch {
    return []
  }
}

function ownCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command (which may contain spaces) start after the last ')'.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_SEC // utime + stime
  } catch {
    return Number.NaN
  }
}

/** User + system CPU milliseconds of `pid` and every live descendant; NaN off Linux. */
export function treeCpuMs(pid: number): number {
  let total = 0
  const stack = [pid]
  while (stack.length > 0) {
    const p = stack.pop()!
    total += ownCpuMs(p)
    stack.push(...children(p))
  }
  return total
}
