// The line `serve` says once it listens: where, which database (credentials masked), and where
// the reference docs, the console and the metrics are when they are on. It replaces Fastify's
// "Server listening at" line (through listen's listenTextResolver) and keeps its opening words,
// so anything waiting for that line still finds it; with WORKERS>1 the primary says it once,
// when every worker listens (workers.ts), and the workers keep Fastify's plain line.

import type { ServerConfig } from '../core/config.js'
import { redactSecrets } from './redact.js'

/** The facts beside the address, as log fields: JSON logs carry them as properties too. */
export interface StartFacts {
  database: string
  docs?: string
  console?: string
  metrics?: string
}

/**
 * @example
 * startFacts('http://127.0.0.1:3000', config)
 * // { database: 'sqlite:/srv/tw/data/tokenwarden.db', docs: 'http://127.0.0.1:3000/docs', console: 'http://127.0.0.1:3000/console' }
 */
export function startFacts(url: string, config: ServerConfig): StartFacts {
  const facts: StartFacts = { database: redactSecrets(config.databaseUrl) }
  if (config.openapi) facts.docs = `${url}/docs`
  if (config.webConsole) facts.console = `${url}/console`
  if (config.metrics) {
    // METRICS_PORT=0 (tests) picks a free port, named by the metrics server's own 'Metrics at' line.
    const port = config.metricsPort
    facts.metrics = port === undefined ? `${url}/metrics` : port === 0 ? 'on 127.0.0.1 (see the Metrics at line)' : `http://127.0.0.1:${port}/metrics`
  }
  return facts
}

/** `Server listening at http://127.0.0.1:3000; database sqlite:...; docs http://...; console http://...` */
export function startLine(url: string, config: ServerConfig, who = 'Server'): string {
  const facts = Object.entries(startFacts(url, config)).map(([name, value]) => `${name} ${value}`)
  return [`${who} listening at ${url}`, ...facts].join('; ')
}

/**
 * Fastify's listenTextResolver for `serve`: the start line for the first address; a host such as
 * 0.0.0.0 listens on several, and each further one gets a short line.
 */
export function startLineResolver(config: ServerConfig): (address: string) => string {
  let said = false
  return (address) => {
    if (said) return `Also listening at ${address}`
    said = true
    return startLine(address, config)
  }
}
