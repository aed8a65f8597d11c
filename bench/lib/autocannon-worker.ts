// autocannon run in its own process (pinned to the load core by the harness): the fallback
// load generator when wrk is not installed. Prints one JSON line in LoadResult's shape.

import autocannon from 'autocannon'
import { readFileSync } from 'node:fs'
import type { LoadResult, LoadSpec } from './load.js'
import { workerInput } from './proc.js'

const spec = workerInput<LoadSpec>()
const lines = (file: string | undefined): string[] => (file === undefined ? [] : readFileSync(file, 'utf8').split('\n').filter((t) => t !== ''))
const tokens = lines(spec.tokensFile)
const bodies = lines(spec.bodiesFile)
let i = 0
let j = 0

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  method: spec.method ?? 'GET',
  headers: spec.headers ?? {},
  ...(spec.body === undefined ? {} : { body: spec.body }),
  ...(tokens.length === 0 && bodies.length === 0
    ? {}
    : {
        requests: [
          {
            setupRequest: (req: autocannon.Request) => {
              const next = { ...req, headers: { ...req.headers } }
              if (tokens.length > 0) {
                i = i + 1 === tokens.length ? 0 : i + 1
                next.headers.authorization = `Bearer ${tokens[i]}`
              }
              if (bodies.length > 0) {
                j = j + 1 === bodies.length ? 0 : j + 1
                next.body = bodies[j]
              }
              return next
            },
          },
        ],
      }),
})

const out: LoadResult = {
  tool: 'autocannon',
  requests: result.requests.total,
  rps: result.requests.total / (result.duration || spec.seconds),
  p50Ms: result.latency.p50,
  p90Ms: result.latency.p90,
  p99Ms: result.latency.p99,
  maxMs: result.latency.max,
  errors: result.errors + result.timeouts,
  non2xx: result.non2xx,
}
console.log(JSON.stringify(out))
