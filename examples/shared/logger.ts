// Logger options for an example's Fastify: secrets never reach a log line, as in the server.
// Credentials travel in headers (redacted), bodies are never logged, and the values of
// token-bearing query parameters (`?token=`, `?jwt=`) are masked in the logged URL.

import type { FastifyRequest } from 'fastify'
import type { LoggerOptions } from 'pino'
import type { ServerConfig } from '../../src/index.js'

export const MASKED = '[REDACTED]'

/** The URL with the values of `names` (compared lowercased, decoded) masked; a name that does not decode is masked too. */
export function maskUrl(url: string, names: ReadonlySet<string>): string {
  const q = url.indexOf('?')
  if (q < 0) return url
  const pairs = url.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=')
    if (eq < 0) return pair
    let name: string | undefined
    try {
      name = decodeURIComponent(pair.slice(0, eq).replace(/\+/g, ' ')).toLowerCase()
    } catch {
      name = undefined
    }
    return name === undefined || names.has(name) ? `${pair.slice(0, eq)}=${MASKED}` : pair
  })
  return `${url.slice(0, q + 1)}${pairs.join('&')}`
}

/** Pino options at LOG_LEVEL; `secretParams` are query parameters that may carry a token or password. */
export function exampleLogger(config: Pick<ServerConfig, 'logLevel' | 'queryStringName'>, secretParams: readonly string[] = []): LoggerOptions {
  const names = new Set(['jwt', 'token', 'access_token', 'refresh_token', 'password', config.queryStringName, ...secretParams].map((n) => n.toLowerCase()))
  return {
    level: config.logLevel,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: MASKED },
    serializers: {
      req: (req: FastifyRequest) => ({ method: req.method, url: maskUrl(req.url, names), remoteAddress: req.ip }),
    },
  }
}
