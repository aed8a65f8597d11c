// Progress lines on stderr, so stdout stays free for machine-readable output.

const started = Date.now()

export function log(section: string, message: string): void {
  const t = ((Date.now() - started) / 1000).toFixed(1).padStart(6)
  process.stderr.write(`[${t}s] ${section}: ${message}\n`)
}
