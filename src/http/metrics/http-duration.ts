// http_request_duration_seconds{method,route,status_code}: every response, timed by Fastify
// (reply.elapsedTime, from routing to the last byte written). The route label is the route's
// pattern as registered (`/users/:username`), taken once per route when it is added, never the
// URL a request asked for; requests no route matched share one value, UNMATCHED_ROUTE.
//
// Cost per request: one Map lookup for the method and one for the status, then the histogram
// child prom-client made for that label set the first time (labels(...) is not called again),
// so no label object is built per request. Request.routeOptions would build a dozen-field
// object on every read: the pattern comes from the closure each route gets instead.

import type { FastifyInstance, FastifyReply, FastifyRequest, onResponseHookHandler, RouteOptions } from 'fastify'
import type { Histogram } from 'prom-client'

export type HttpLabel = 'method' | 'route' | 'status_code'

/** The route label of a request that matched no route (a 404, or refused before routing). */
export const UNMATCHED_ROUTE = 'unmatched'

/**
 * Times every route registered on `app` (and in its children) after this call, and every
 * request no route matched. Call it before the routes are registered.
 */
export function timeRoutes(app: FastifyInstance, histogram: Histogram<HttpLabel>): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const own = route.onResponse === undefined ? [] : Array.isArray(route.onResponse) ? route.onResponse : [route.onResponse]
    route.onResponse = [...own, observer(histogram, route.url)]
  })
  const unmatched = observer(histogram, UNMATCHED_ROUTE)
  // Root hooks reach the not-found handler too; matched routes are timed by their own hook above.
  app.addHook('onResponse', function timeUnmatched(request, reply, done) {
    if (request.is404) return unmatched.call(this, request, reply, done)
    done()
  })
}

/**
 * The onResponse hook of one route: its label children, by method (a route may take several;
 * HEAD has its own route) and status code, made on first use. Methods are the few the HTTP
 * parser knows, so an unmatched request cannot add a label value of its own choosing.
 */
function observer(histogram: Histogram<HttpLabel>, route: string): onResponseHookHandler {
  const byMethod = new Map<string, Map<number, Histogram.Internal<HttpLabel>>>()
  return function observeDuration(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    const method = request.method
    let byStatus = byMethod.get(method)
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()))
    const status = reply.statusCode
    let child = byStatus.get(status)
    if (child === undefined) byStatus.set(status, (child = histogram.labels(method, route, String(status))))
    child.observe(reply.elapsedTime / 1000)
    done()
  }
}
