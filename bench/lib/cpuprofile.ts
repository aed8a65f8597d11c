// Reads a V8 .cpuprofile (node --cpu-prof) and reports where the time went: the functions
// with the most self time, and inclusive time per request for the busiest frames.

import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

export interface FrameTime {
  frame: string
  selfUs: number
  inclusiveUs: number
}

const frameName = (n: ProfileNode): string =>
  `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`

/** Self and inclusive microseconds per frame name (recursion counted once). */
export function frameTimes(file: string): FrameTime[] {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const byId = new Map(prof.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const perNode = new Map<number, number>()
  prof.samples.forEach((id, i) => perNode.set(id, (perNode.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)))
  const self = new Map<string, number>()
  const incl = new Map<string, number>()
  for (const [id, us] of perNode) {
    const own = frameName(byId.get(id)!)
    self.set(own, (self.get(own) ?? 0) + us)
    const seen = new Set<string>()
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = frameName(byId.get(cur)!)
      if (seen.has(name)) continue
      seen.add(name)
      incl.set(name, (incl.get(name) ?? 0) + us)
    }
  }
  return [...incl].map(([frame, inclusiveUs]) => ({ frame, inclusiveUs, selfUs: self.get(frame) ?? 0 }))
}

/** A text summary: top self time, then inclusive µs per request for the busiest frames. */
export function summarize(file: string, requests: number, top = 25): string {
  const times = frameTimes(file)
  const total = times.find((t) => t.frame.startsWith('(root)'))?.inclusiveUs ?? 1
  const idle = times.find((t) => t.frame.startsWith('(idle)'))?.selfUs ?? 0
  const lines = [`profile: ${(total / 1000).toFixed(0)} ms sampled, ${((100 * idle) / total).toFixed(0)}% idle, ${requests} requests`, '', 'self time, µs per request:']
  for (const t of [...times].sort((a, b) => b.selfUs - a.selfUs).slice(0, top)) lines.push(`${(t.selfUs / requests).toFixed(2).padStart(8)}  ${t.frame}`)
  lines.push('', 'inclusive time, µs per request:')
  for (const t of [...times].sort((a, b) => b.inclusiveUs - a.inclusiveUs).slice(0, top)) lines.push(`${(t.inclusiveUs / requests).toFixed(2).padStart(8)}  ${t.frame}`)
  return lines.join('\n')
}
