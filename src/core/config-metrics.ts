// The metrics part of the server configuration: METRICS turns on GET /metrics (Prometheus text
// format), METRICS_TOKEN guards it with a Bearer token, METRICS_PORT moves it to its own port on
// loopback. How they combine:
//   neither          /metrics on the main port, open (refused in production)
//   METRICS_TOKEN    /metrics on the main port, only with `Authorization: Bearer <token>`
//   METRICS_PORT     /metrics on 127.0.0.1:<port> only (loopback is the guard); none on the main port
//   both             /metrics on 127.0.0.1:<port> only, and only with the token
// The token is never echoed.

import { boolean, ConfigError, integer, text, type Env } from './config-env.js'

export interface MetricsConfig {
  /** METRICS: serve Prometheus metrics. default: false */
  metrics: boolean
  /** METRICS_TOKEN: the Bearer token a scrape must send (at least MIN_METRICS_TOKEN characters of token68). default: unset, no token */
  metricsToken: string | undefined
  /** METRICS_PORT: serve /metrics on 127.0.0.1 at this port instead of the main one (0: any free port, for tests). default: unset, the main port */
  metricsPort: number | undefined
}

/** The shortest METRICS_TOKEN accepted: a guessable token guards nothing. */
export const MIN_METRICS_TOKEN = 16

/** RFC 6750 §2.1's b64token (token68): what a Bearer credential may hold. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/

const OFF: MetricsConfig = Object.freeze({ metrics: false, metricsToken: undefined, metricsPort: undefined })

/**
 * Parses METRICS, METRICS_TOKEN and METRICS_PORT. `port` and `workers` are the server's PORT and
 * WORKERS: metrics cannot share the main port's number, and each worker of a cluster would
 * answer a scrape with its own counts.
 *
 * @example
 * parseMetricsConfig({ METRICS: 'true', METRICS_PORT: '9464' }, 'production', 3000, 1)
 * // { metrics: true, metricsToken: undefined, metricsPort: 9464 }
 */
export function parseMetricsConfig(env: Env, nodeEnv: string, port: number, workers: number): MetricsConfig {
  const token = env.METRICS_TOKEN === undefined || env.METRICS_TOKEN === '' ? undefined : env.METRICS_TOKEN
  const portText = text(env, 'METRICS_PORT')
  if (text(env, 'METRICS') === undefined) {
    // Settings for metrics with no METRICS at all: the operator expects metrics and would get none.
    const given = token !== undefined ? 'METRICS_TOKEN' : portText !== undefined ? 'METRICS_PORT' : undefined
    if (given !== undefined) throw new ConfigError('METRICS', `is unset but ${given} is set: set METRICS=true to serve metrics, or METRICS=false to keep them off`)
    return OFF
  }
  if (!boolean(env, 'METRICS', false)) return OFF
  if (token !== undefined && (token.length < MIN_METRICS_TOKEN || !TOKEN68.test(token))) {
    throw new ConfigError('METRICS_TOKEN', `must be at least ${MIN_METRICS_TOKEN} characters of A-Z a-z 0-9 - . _ ~ + / (use: openssl rand -hex 32)`)
  }
  const metricsPort = portText === undefined ? undefined : integer(env, 'METRICS_PORT', 0, 0, 65535)
  if (metricsPort !== undefined && metricsPort !== 0 && metricsPort === port) throw new ConfigError('METRICS_PORT', `must differ from PORT (${port})`)
  if (nodeEnv === 'production' && token === undefined && metricsPort === undefined) {
    throw new ConfigError('METRICS_TOKEN', 'is required with METRICS=true in production, unless METRICS_PORT serves metrics on loopback only')
  }
  checkMetricsWorkers({ metrics: true }, workers, 'WORKERS')
  return Object.freeze({ metrics: true, metricsToken: token, metricsPort })
}

/**
 * Refuses metrics with several worker processes (`name`: WORKERS or `serve --workers`): each
 * worker counts its own requests, and a scrape would reach any one of them.
 */
export function checkMetricsWorkers(config: Pick<MetricsConfig, 'metrics'>, workers: number, name: string): void {
  if (config.metrics && workers > 1) {
    throw new ConfigError(name, `must be 1 with METRICS=true: each worker counts only its own requests, and a scrape would reach any one of them (got ${workers})`)
  }
}
