// GET /metrics in the Prometheus text format (prom-client), when METRICS=true: HTTP request
// durations by route pattern (http-duration.ts), tokenwarden's own metrics from its events
// (auth-metrics.ts) and Node's process metrics. Where it is served (config-metrics.ts): on the
// main port, or with METRICS_PORT on its own port bound to 127.0.0.1 only; with METRICS_TOKEN a
// scrape must send `Authorization: Bearer <token>`, compared in constant time. With METRICS off
// nothing here runs and prom-client is never loaded.

import { createHash, timingSafeEqual } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyRequest, type RouteHandlerMethod } from 'fastify'
import type { Metric, Registry } from 'prom-client'
import type { ServerConfig } from '../../core/config.js'
import { AuthError } from '../../core/errors.js'
import { installErrorHandling } from '../errors.js'
import { METRICS_SCHEME } from '../openapi/openapi.js'
import { errorResponses } from '../openapi/route-docs.js'
import { observeAuth } from './auth-metrics.js'
import { RequestDurations, timeRoutes } from './http-duration.js'

/** Request durations from well under a millisecond (a cached token) to seconds (a slow database). */
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

/** Where metrics are served: on 127.0.0.1 only, whatever HOST says. */
export const METRICS_HOST = '127.0.0.1'

export type MetricsSettings = Pick<ServerConfig, 'metrics' | 'metricsToken' | 'metricsPort' | 'errorMessageKey'>

/**
 * Sets up metrics on the server's app when `config.metrics` is on; does nothing otherwise.
 * Call it before any route is registered (routes added earlier are not timed). The counters
 * subscribe to `app.tokenwarden.auth` when the app is ready; with METRICS_PORT the metrics
 * server listens then too (a port in use fails startup), and closes with the app.
 *
 * @example
 * await registerMetrics(app, config) // before the routes
 * await app.register(tokenwardenAuth, options)
 */
export async function registerMetrics(app: FastifyInstance, config: MetricsSettings): Promise<void> {
  if (!config.metrics) return
  const prom = await import('prom-client')
  const registry = new prom.Registry()
  prom.collectDefaultMetrics({ register: registry })
  const durations = new RequestDurations(HTTP_BUCKETS)
  // Read by the registry through get(), as prom-client's own metrics are (its type names only its classes).
  registry.registerMetric(durations as unknown as Metric)
  timeRoutes(app, durations)
  const scrape = scrapeHandler(registry, config.metricsToken)
  if (config.metricsPort === undefined) {
    app.get('/metrics', { schema: metricsSchema(config) }, scrape)
    if (config.metricsToken === undefined) app.log.warn('GET /metrics is open to anyone who can reach this port: set METRICS_TOKEN or METRICS_PORT')
  } else {
    serveOnLoopback(app, config.metricsPort, scrape, config)
  }
  let stop: (() => void) | undefined
  app.addHook('onReady', async () => {
    stop = observeAuth(prom, registry, app.tokenwarden.auth)
  })
  app.addHook('onClose', async () => stop?.())
}

/** GET /metrics as the OpenAPI document shows it: the text format, and the refusals METRICS_TOKEN brings. */
function metricsSchema(config: Pick<MetricsSettings, 'metricsToken' | 'errorMessageKey'>): Record<string, unknown> {
  const guarded = config.metricsToken !== undefined
  return {
    summary: 'Prometheus metrics (text format)',
    operationId: 'metrics',
    tags: ['operations'],
    ...(guarded && { security: [{ [METRICS_SCHEME]: [] }] }),
    response: {
      200: { description: 'The Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } },
      ...errorResponses(guarded ? ['TOKEN_MISSING', 'METRICS_TOKEN_INVALID', 'INTERNAL_ERROR'] : ['INTERNAL_ERROR'], config.errorMessageKey),
    },
  }
}

function scrapeHandler(registry: Registry, token: string | undefined): RouteHandlerMethod {
  const expected = token === undefined ? undefined : digest(token)
  return async function scrapeMetrics(request, reply) {
    if (expected !== undefined) checkBearer(request, expected)
    const body = await registry.metrics()
    return reply.type(registry.contentType).send(body)
  }
}

/** Both sides hashed to one length first, so the comparison takes the same time whatever was sent. */
function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

/** TOKEN_MISSING without an Authorization header; METRICS_TOKEN_INVALID for anything but `Bearer <METRICS_TOKEN>`. */
function checkBearer(request: FastifyRequest, expected: Buffer): void {
  const header = request.headers.authorization
  if (header === undefined) throw new AuthError('TOKEN_MISSING')
  const sent = /^Bearer +(\S+) *$/i.exec(header)?.[1] ?? ''
  if (!timingSafeEqual(digest(sent), expected)) throw new AuthError('METRICS_TOKEN_INVALID')
}

/** A server of its own on 127.0.0.1:`port` with GET /metrics alone, listening once the app is ready. */
function serveOnLoopback(app: FastifyInstance, port: number, scrape: RouteHandlerMethod, config: MetricsSettings): void {
  const messageKey = config.errorMessageKey
  const server = Fastify({ loggerInstance: app.log.child({ server: 'metrics' }), disableRequestLogging: true })
  installErrorHandling(server, messageKey)
  server.get('/metrics', { schema: metricsSchema(config) }, scrape)
  app.addHook('onReady', async () => {
    // One line saying where: `Metrics at http://127.0.0.1:9464/metrics`.
    await server.listen({ host: METRICS_HOST, port, listenTextResolver: (address) => `Metrics at ${address}/metrics` })
  })
  app.addHook('onClose', async () => server.close())
}
