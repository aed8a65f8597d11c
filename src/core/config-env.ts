// Reading environment variables into typed settings: the small parsers every config module
// shares, and the error that names the variable at fault. The value is echoed only where the
// caller passes it through; secrets never are.

/** An invalid setting. `variable` names the environment variable at fault. */
export class ConfigError extends Error {
  readonly variable: string
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`)
    this.name = 'ConfigError'
    this.variable = variable
  }
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }

/** Parses `900`, `45s`, `15m`, `12h`, `30d`, `2w` into whole seconds; undefined when invalid. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d{1,9})\s*([smhdw]?)\s*$/.exec(text)
  if (m === null) return undefined
  return Number(m[1]) * UNIT_SECONDS[m[2] || 's']!
}

export type Env = Readonly<Record<string, string | undefined>>

/** The trimmed value, or undefined when unset or empty. */
export function text(env: Env, name: string): string | undefined {
  const v = env[name]?.trim()
  return v === undefined || v === '' ? undefined : v
}

export function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const v = text(env, name)
  if (v === undefined) return fallback
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${v}")`)
  }
  return Number(v)
}

export function duration(env: Env, name: string, fallback: number, zeroOk = false): number {
  const v = text(env, name)
  if (v === undefined) return fallback
  const seconds = parseDuration(v)
  if (seconds === undefined || (!zeroOk && seconds === 0)) {
    throw new ConfigError(name, `must be a ${zeroOk ? '' : 'positive '}duration such as 900, 15m, 12h or 30d (got "${v}")`)
  }
  return seconds
}

export function oneOf<const T extends readonly string[]>(env: Env, name: string, allowed: T, fallback: T[number]): T[number] {
  const v = text(env, name)
  if (v === undefined) return fallback
  if (!allowed.includes(v)) throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${v}")`)
  return v as T[number]
}

export function boolean(env: Env, name: string, fallback: boolean): boolean {
  const v = text(env, name)?.toLowerCase()
  if (v === undefined) return fallback
  if (['1', 'true', 'yes', 'on'].includes(v)) return true
  if (['0', 'false', 'no', 'off'].includes(v)) return false
  throw new ConfigError(name, `must be true or false (got "${v}")`)
}

/** `text` as a URL, or undefined when it is not one (`URL.parse` exists only from Node 22). */
export function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text)
  } catch {
    return undefined
  }
}
