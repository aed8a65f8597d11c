// Dates, durations and user agents in words a person reads at a glance.

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Infinity],
]

/** "in 14 minutes", "3 hours ago". */
export function fromNow(date: Date, now = Date.now()): string {
  let value = (date.getTime() - now) / 1000
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit)
    value /= size
  }
  return relative.format(Math.round(value), 'year')
}

export function when(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : `${d.toLocaleString()} (${fromNow(d)})`
}

/** A NumericDate claim (RFC 7519 §2: seconds since the epoch) in human time. */
export function numericDate(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined
  const d = new Date(value * 1000)
  return `${d.toLocaleString()} (${fromNow(d)})`
}

/** "Chrome on Linux" from a User-Agent header; the header itself when nothing is recognised. */
export function device(ua: string | null): string {
  if (ua === null || ua === '') return 'Unknown device'
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /OPR\//.test(ua)
      ? 'Opera'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /HeadlessChrome\//.test(ua)
          ? 'Headless Chrome'
          : /Chrom(e|ium)\//.test(ua)
            ? 'Chrome'
            : /Safari\//.test(ua)
              ? 'Safari'
              : /^curl\//.test(ua)
                ? 'curl'
                : undefined
  const os = /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Windows/.test(ua) ? 'Windows' : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : undefined
  if (browser !== undefined && os !== undefined) return `${browser} on ${os}`
  return browser ?? os ?? (ua.length > 60 ? `${ua.slice(0, 57)}…` : ua)
}
