// Logger options for Fastify's pino: secrets never reach a log line. Credentials travel in
// headers (redacted), bodies are never logged, and token-bearing query parameters are
// masked in the logged URL.

import type { FastifyRequest } from 'fastify'
import type { LoggerOptions } from 'pino'
import type { DestinationStream } from 'pino'
import type { LogLevel } from '../core/config.js'

export const REDACTED = '[REDACTED]'
const SECRET_PARAMS: readonly string[] = ['jwt', 'token', 'access_token', 'refresh_token', 'password', 'csrf_token']

/**
 * Masks the values of token-bearing query parameters. Names are compared decoded, as the
 * query parser reads them (`?%6Awt=` is `?jwt=`); a name that does not decode is masked too.
 */
export function redactUrl(url: string, names: ReadonlySet<string> = new Set(SECRET_PARAMS)): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const pairs = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=')
    if (eq < 0) return pair
    const raw = pair.slice(0, eq)
    let name: string | undefined
    try {
      name = decodeURIComponent(raw.replace(/\+/g, ' ')).toLowerCase()
    } catch {
      name = undefined
    }
    return name === undefined || names.has(name) ? `${raw}=${REDACTED}` : pair
  })
  return `${url.slice(0, q + 1)}${pairs.join('&')}`
}

/** The default parameters plus `extra` (e.g. a custom JWT_QUERY_STRING_NAME), lowercased. */
function secretParamNames(extra: readonly string[]): ReadonlySet<string> {
  return new Set([...SECRET_PARAMS, ...extra].map((n) => n.toLowerCase()))
}

export function loggerOptions(
  level: LogLevel,
  stream?: DestinationStream,
  secretParams: readonly string[] = [],
): LoggerOptions & { stream?: DestinationStream } {
  const names = secretParamNames(secretParams)
  return {
    level,
    ...(stream === undefined ? {} : { stream }),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        'password',
        'new_password',
        'current_password',
        'access_token',
        'refresh_token',
        '*.password',
        '*.access_token',
        '*.refresh_token',
      ],
      censor: REDACTED,
    },
    serializers: {
      req(req: FastifyRequest) {
        return { method: req.method, url: redactUrl(req.url, names), host: req.host, remoteAddress: req.ip }
      },
    },
  }
}
