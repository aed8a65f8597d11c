// http_request_duration_seconds{method,route,status_code}: every response, timed by Fastify
// (reply.elapsedTime, from routing to the last byte written). The route label is the route's
// pattern as registered (`/users/:username`), taken once per route when it is added, never the
// URL a request asked for; requests no route matched share one value, UNMATCHED_ROUTE.
//
// The request path's cost: each route's hook keeps its series by method and status, so a
// request is two Map lookups, a walk over the bucket bounds and three additions; no label
// object, no string is built. prom-client's Histogram builds a label object and hashes the
// labels into a string on every observe, even through a labels(...) child, which spent a large
// share of the 3% the hot route may give to metrics (bench/analysis.md, "Metrics"). prom-client
// still formats the series at a scrape: RequestDurations is registered in its registry and
// answers get() as its own histograms do. request.routeOptions would build a dozen-field object
// on every read: the pattern comes from the closure each route gets instead.

import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler, RouteOptions } from 'fastify'

/** The route label of a request that matched no route (a 404, or refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched'

/** One label set: counts per bucket (the last is above every bound), their sum and count. */
interface Series {
  readonly labels: { readonly method: string; readonly route: string; readonly status_code: string }
  readonly counts: Float64Array
  sum: number
  count: number
}

/**
 * The histogram, in the shape prom-client's Registry reads a metric (name, help, type, get()).
 *
 * @example
 * const durations = new RequestDurations([0.001, 0.01, 0.1, 1])
 * registry.registerMetric(durations as unknown as Metric)
 * timeRoutes(app, durations)
 */
export class RequestDurations {
  readonly name = 'http_request_duration_seconds'
  readonly help = 'HTTP requests by method, route pattern and status code, in seconds.'
  readonly type = 'histogram'
  readonly aggregator = 'sum'
  readonly #bounds: readonly number[]
  readonly #series: Series[] = []

  /** `bounds`: the buckets' upper bounds in seconds, ascending. */
  constructor(bounds: readonly number[]) {
    if (bounds.length === 0 || bounds.some((b, i) => !(b > (bounds[i - 1] ?? 0)))) throw new TypeError('bucket bounds must be positive and ascending')
    this.#bounds = Object.freeze([...bounds])
  }

  /** A new series for these labels (the caller keeps it: see timeRoutes). */
  series(method: string, route: string, status: number): Series {
    const series: Series = { labels: { method, route, status_code: String(status) }, counts: new Float64Array(this.#bounds.length + 1), sum: 0, count: 0 }
    this.#series.push(series)
    return series
  }

  observe(series: Series, seconds: number): void {
    const bounds = this.#bounds
    let i = 0
    while (i < bounds.length && seconds > bounds[i]!) i++
    series.counts[i]!++
    series.sum += seconds
    series.count++
  }

  /** What prom-client's Registry formats: cumulative buckets, +Inf, sum and count per series. */
  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: { labels: Record<string, string | number>; value: number; metricName: string }[] }> {
    const values = []
    for (const { labels, counts, sum, count } of this.#series) {
      let cumulative = 0
      for (let i = 0; i < this.#bounds.length; i++) {
        cumulative += counts[i]!
        values.push({ labels: { ...labels, le: this.#bounds[i]! }, value: cumulative, metricName: `${this.name}_bucket` })
      }
      values.push({ labels: { ...labels, le: '+Inf' }, value: count, metricName: `${this.name}_bucket` })
      values.push({ labels, value: sum, metricName: `${this.name}_sum` })
      values.push({ labels, value: count, metricName: `${this.name}_count` })
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  /** Registry.resetMetrics(): every series back to zero. */
  reset(): void {
    for (const s of this.#series) {
      s.counts.fill(0)
      s.sum = 0
      s.count = 0
    }
  }
}

/**
 * Times every route registered on `app` (and in its children) after this call, and every
 * request no route matched. Call it before the routes are registered.
 */
export function timeRoutes(app: FastifyInstance, durations: RequestDurations): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const own = route.onResponse === undefined ? [] : Array.isArray(route.onResponse) ? route.onResponse : [route.onResponse]
    route.onResponse = [...own, observer(durations, route.url)]
  })
  const unmatched = observer(durations, UNMATCHED_ROUTE)
  // Root hooks reach the not-found handler too; matched routes are timed by their own hook above.
  app.addHook('onResponse', function timeUnmatched(request, reply, done) {
    if (request.is404) return unmatched.call(this, request, reply, done)
    done()
  })
}

/**
 * The onResponse hook of one route: its series by method (a route may take several; HEAD has
 * its own route) and status code, made on first use. Methods are the few the HTTP parser knows,
 * so an unmatched request cannot add a label value of its own choosing.
 */
function observer(durations: RequestDurations, route: string): onResponseHookHandler {
  const byMethod = new Map<string, Map<number, Series>>()
  return function observeDuration(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    const method = request.method
    let byStatus = byMethod.get(method)
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()))
    const status = reply.statusCode
    let series = byStatus.get(status)
    if (series === undefined) byStatus.set(status, (series = durations.series(method, route, status)))
    durations.observe(series, reply.elapsedTime / 1000)
    done()
  }
}
