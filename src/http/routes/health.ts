// GET /health: liveness for load balancers and `npm start` smoke checks (no I/O).
// GET /health/ready: readiness: the database answers and the invalidation feed is current;
// 503 naming the failing part otherwise (never a connection string or a driver message).

import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { Auth } from '../../core/auth.js'
import type { Store } from '../../core/store.js'

export interface HealthOptions {
  auth: Auth
  store: Store
  /** The wake-up signal in use: postgres, redis or poll. */
  signal: string
}

const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
  checks: Type.Object({
    database: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
    invalidation: Type.Union([Type.Literal('ok'), Type.Literal('behind'), Type.Literal('single-instance')]),
  }),
  /** Only with more than one instance's feed to follow. */
  invalidation: Type.Optional(Type.Object({ signal: Type.String(), lagMs: Type.Union([Type.Integer(), Type.Null()]), seq: Type.Integer() })),
})

/** The slowest a database check may be before readiness says it is down. */
const CHECK_TIMEOUT_MS = 2000

export async function healthRoutes(app: FastifyInstance, { auth, store, signal }: HealthOptions): Promise<void> {
  app.get(
    '/health',
    { config: { errors: [] }, schema: { summary: 'Liveness', operationId: 'health', tags: ['health'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  )

  app.get('/health/ready', { config: { errors: [] }, schema: { summary: 'Readiness: the database answers and the invalidation feed is current', operationId: 'ready', tags: ['health'], response: { 200: Readiness, 503: Readiness } } }, async (_request, reply) => {
    const probe: Promise<unknown> = store.events?.head() ?? store.findSession('health-check')
    const database = await withTimeout(probe, CHECK_TIMEOUT_MS).then(
      () => 'ok' as const,
      () => 'unavailable' as const,
    )
    const feed = auth.feed?.status()
    const checks = {
      database,
      invalidation: feed === undefined ? 'single-instance' : feed.current ? 'ok' : 'behind',
    }
    const ready = database === 'ok' && checks.invalidation !== 'behind'
    return reply.code(ready ? 200 : 503).send({
      status: ready ? 'ok' : 'unavailable',
      checks,
      // lagMs is null before the first catch-up (JSON has no Infinity).
      invalidation: feed === undefined ? undefined : { signal, lagMs: Number.isFinite(feed.lagMs) ? Math.round(feed.lagMs) : null, seq: feed.seq },
    })
  })
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
