// GET /health: liveness for load balancers and `npm start` smoke checks (no I/O).
// GET /health/ready: readiness: the database answers and the invalidation feed is current;
// 503 naming the failing part otherwise (never a connection string or a driver message).

import type { FastifyInstance } from 'fastify'
import type { Auth } from '../../core/auth.js'
import type { Store } from '../../core/store.js'

export interface HealthOptions {
  auth: Auth
  store: Store
  /** The wake-up signal in use: postgres, redis or poll. */
  signal: string
}

/** The slowest a database check may be before readiness says it is down. */
const CHECK_TIMEOUT_MS = 2000

export async function healthRoutes(app: FastifyInstance, { auth, store, signal }: HealthOptions): Promise<void> {
  app.get('/health', async () => ({ status: 'ok' }))

  app.get('/health/ready', async (_request, reply) => {
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
      invalidation: feed === undefined ? undefined : { signal, lagMs: Math.round(feed.lagMs), seq: feed.seq },
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
