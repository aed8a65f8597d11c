// Logger options for Fastify's pino: secrets never reach a log line. Credentials travel in
// headers (redacted), bodies are never logged, and token-bearing query parameters are
// masked in the logged URL.

import type { FastifyRequest } from 'fastify'
import type { LoggerOptions } from 'pino'
import type { DestinationStream } from 'pino'
import type { LogLevel } from '../core/config.js'

export const REDACTED = '[REDACTED]'
const SECRET_PARAMS = /([?&](?:jwt|token|access_token|refresh_token|password|csrf_token)=)[^&#]*/gi

/** Masks the values of token-bearing query parameters. */
export function redactUrl(url: string, pattern: RegExp = SECRET_PARAMS): string {
  return url.includes('?') ? url.replace(pattern, `$1${REDACTED}`) : url
}

/** The default parameters plus `extra` (e.g. a custom JWT_QUERY_STRING_NAME). */
function secretParamsPattern(extra: readonly string[]): RegExp {
  if (extra.length === 0) return SECRET_PARAMS
  const names = extra.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`([?&](?:jwt|token|access_token|refresh_token|password|csrf_token|${names.join('|')})=)[^&#]*`, 'gi')
}

export function loggerOptions(
  level: LogLevel,
  stream?: DestinationStream,
  secretParams: readonly string[] = [],
): LoggerOptions & { stream?: DestinationStream } {
  const pattern = secretParamsPattern(secretParams)
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
        return { method: req.method, url: redactUrl(req.url, pattern), host: req.host, remoteAddress: req.ip }
      },
    },
  }
}
