// A strict reader of the Prometheus text exposition format (version 0.0.4), for tests: every
// line must be a HELP, a TYPE or a sample of the family last declared, names and labels must be
// well-formed, values floats as Go's ParseFloat reads them (the format's own rule: NaN, +Inf and
// -Inf in any case; prom-client writes `Nan`). Anything else throws, naming the line.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface Exposition {
  families: Map<string, { type: MetricType; help: string }>
  samples: Sample[]
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const HELP = new RegExp(`^# HELP (${NAME}) (.*)$`)
const TYPE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`)
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`)
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,|$)/y
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|nan|[+-]?inf(?:inity)?)$/i

/** The suffixes a family's samples may carry beyond its name. */
const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
}

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {}
  LABEL.lastIndex = 0
  while (LABEL.lastIndex < text.length) {
    const m = LABEL.exec(text)
    if (m === null) throw new Error(`line ${line}: malformed labels {${text}}`)
    const [, key, raw] = m as unknown as [string, string, string]
    if (key in labels) throw new Error(`line ${line}: label ${key} twice`)
    labels[key] = raw.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c))
  }
  return labels
}

function number(text: string, line: number): number {
  if (!VALUE.test(text)) throw new Error(`line ${line}: value "${text}" is not a number`)
  const lower = text.toLowerCase()
  if (lower === 'nan') return NaN
  if (lower.endsWith('inf') || lower.endsWith('infinity')) return lower.startsWith('-') ? -Infinity : Infinity
  return Number(text)
}

/** Parses a whole exposition; throws on the first line that breaks the format. */
export function parseExposition(text: string): Exposition {
  const families = new Map<string, { type: MetricType; help: string }>()
  const samples: Sample[] = []
  const helps = new Map<string, string>()
  let current: string | undefined
  const lines = text.split('\n')
  if (lines.at(-1) !== '') throw new Error('the exposition must end with a newline')
  lines.pop()
  lines.forEach((raw, i) => {
    const line = i + 1
    if (raw === '') return
    let m = HELP.exec(raw)
    if (m !== null) {
      if (helps.has(m[1]!)) throw new Error(`line ${line}: second HELP for ${m[1]}`)
      helps.set(m[1]!, m[2]!)
      return
    }
    m = TYPE.exec(raw)
    if (m !== null) {
      if (families.has(m[1]!)) throw new Error(`line ${line}: second TYPE for ${m[1]}`)
      families.set(m[1]!, { type: m[2] as MetricType, help: helps.get(m[1]!) ?? '' })
      current = m[1]
      return
    }
    if (raw.startsWith('#')) throw new Error(`line ${line}: unknown comment ${raw}`)
    m = SAMPLE.exec(raw)
    if (m === null) throw new Error(`line ${line}: not a sample: ${raw}`)
    const name = m[1]!
    const family = current === undefined ? undefined : families.get(current)
    if (family === undefined || !SUFFIXES[family.type].some((s) => name === current + s)) {
      throw new Error(`line ${line}: sample ${name} outside its family (current: ${current ?? 'none'})`)
    }
    samples.push({ name, labels: m[2] === undefined || m[2] === '' ? {} : parseLabels(m[2], line), value: number(m[3]!, line) })
  })
  return { families, samples }
}

/** The value of the one sample named `name` whose labels include `labels`; 0 when there is none. */
export function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number {
  const found = exposition.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  if (found.length > 1) throw new Error(`${name}${JSON.stringify(labels)} matches ${found.length} samples`)
  return found[0]?.value ?? 0
}
