// buildApp(config): the tokenwarden server as a Fastify instance, ready for app.inject() in
// tests or app.listen() in `tokenwarden serve`. The server is the public plugin plus routes.

import formbody from '@fastify/formbody'
import Fastify, { type FastifyInstance } from 'fastify'
import type { DestinationStream } from 'pino'
import { createAuth, type Auth, type AuthOptions } from '../core/auth.js'
import type { Clock } from '../core/clock.js'
import { ConfigError, type ServerConfig } from '../core/config.js'
import { isAuthError } from '../core/errors.js'
import type { Store } from '../core/store.js'
import { isSymmetric, Keyring } from '../core/tokens/keyring.js'
import { createStore } from '../store/create.js'
import { KyselyStore } from '../store/kysely/store.js'
import { SqlLoginThrottle } from '../store/kysely/throttle.js'
import { waitForDatabase } from './database-wait.js'
import { outageLog, startInvalidation } from './invalidation.js'
import { clientErrorHandler, HTTP_SERVER_OPTIONS, installClientErrors } from './client-errors.js'
import { installErrorHandling, sendError, toAuthError } from './errors.js'
import { installJsonParser } from './json-body.js'
import { lazyChildLogger, loggerOptions } from './logger.js'
import { tokenwarden } from './plugin/index.js'
import { describingValidatorCompiler } from './validation.js'
import { authRoutes } from './routes/auth.js'
import { healthRoutes } from './routes/health.js'
import { jwksRoutes } from './routes/jwks.js'
import { adminRoutes } from './routes/admin.js'
import { meRoutes } from './routes/me.js'
import { sessionRoutes } from './routes/sessions.js'
import { userRoutes } from './routes/users.js'
import { registerAuthRateLimit } from './rate-limit.js'
import { registerCors } from './cors.js'

export interface AppDeps {
  /** default: createStore(config) for config.databaseUrl, migrated at build */
  store?: Store
  /** default: the system clock */
  clock?: Clock
  /** default: a one-key ring from config (JWT_SECRET, or JWT_PRIVATE_KEY for asymmetric algorithms); the CLI passes a function returning the current ring (reloaded on SIGHUP) */
  keyring?: Keyring | (() => Keyring)
  /** Extra claims for a user's tokens (additional_claims_loader); reserved claims are dropped. default: none */
  additionalClaims?: AuthOptions['additionalClaims']
  /** Where log lines go. default: stdout */
  logStream?: DestinationStream
  /** How often expired sessions are pruned, ms; 0 disables. default: 3600000 (1 h) */
  pruneEvery?: number
}

export interface App {
  app: FastifyInstance
  auth: Auth
}

/**
 * @example
 * const { app } = await buildApp(parseConfig({ JWT_SECRET: '...32 bytes...', DATABASE_URL: 'sqlite::memory:' }))
 * const res = await app.inject({ method: 'GET', url: '/health' })
 */
export async function buildApp(config: ServerConfig, deps: AppDeps = {}): Promise<App> {
  const keyring = deps.keyring ?? keyringFromConfig(config)
  const logger = loggerOptions(config.logLevel, deps.logStream, [config.queryStringName])
  const app = Fastify({
    logger,
    childLoggerFactory: lazyChildLogger,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // Errors Fastify raises before routing (a malformed URL) get our shape and code too.
    frameworkErrors: (err, _request, reply) => void sendError(reply, toAuthError(err), config.errorMessageKey),
    // And so do the parser's refusals, Expect and a missing Host (src/http/client-errors.ts).
    clientErrorHandler: clientErrorHandler(config.errorMessageKey),
    http: HTTP_SERVER_OPTIONS,
  })
  const store = deps.store ?? (await createStore({ databaseUrl: config.databaseUrl, poolMax: config.databasePoolMax }))
  // Until the app is closed, closing it closes the store; a failure below closes it too.
  app.addHook('onClose', async () => store.close())
  try {
    // Migrations run under a lock on every dialect: instances started together apply them once.
    await waitForDatabase(() => store.migrate(), config.databaseWait, app.log)
  } catch (err) {
    await app.close()
    throw err
  }
  const feedLog = outageLog(app.log, 'invalidation feed')
  const auth = createAuth({
    store,
    keyring,
    clock: deps.clock,
    accessTtl: config.accessTtl,
    refreshTtl: config.refreshTtl,
    leeway: config.leeway,
    issuer: config.issuer,
    audience: config.audience,
    argon2: config.argon2,
    refreshReuseInterval: config.refreshReuseInterval,
    passwordMinLength: config.passwordMinLength,
    csrf: config.tokenLocation.includes('cookies') && config.cookies.csrfProtect,
    additionalClaims: deps.additionalClaims,
    loginMaxFailures: config.loginMaxFailures,
    // In the database, so that every instance (or process on one SQLite file) shares each
    // identifier's budget; a custom store keeps the in-memory throttle.
    throttle: store instanceof KyselyStore ? new SqlLoginThrottle(store.db, store.dialect, { clock: deps.clock, maxFailures: config.loginMaxFailures }) : undefined,
    legacyTokens: config.legacyTokens,
    feed: { pollMs: config.invalidationPollMs, maxLagMs: config.invalidationMaxLagMs, onError: feedLog.fail, onRecover: feedLog.ok },
  })
  const invalidation = await startInvalidation(auth, config, app.log)
  app.addHook('onClose', async () => invalidation.close())
  app.setValidatorCompiler(describingValidatorCompiler)
  // Only JSON and form bodies are accepted; anything else is a 415.
  app.removeContentTypeParser('text/plain')
  installJsonParser(app)
  await app.register(formbody)
  installErrorHandling(app, config.errorMessageKey)
  installClientErrors(app, config.errorMessageKey)
  // CORS before the rate limit: preflights are answered first, and a 429 carries the CORS headers.
  await registerCors(app, config)
  await registerAuthRateLimit(app, config)

  await app.register(tokenwarden, {
    verifier: auth.verifier,
    issuer: auth.issuer,
    clock: auth.clock,
    locations: config.tokenLocation,
    header: { name: config.headerName, type: config.headerType },
    // Cookie support (@fastify/cookie's hooks on every route) only when cookies are a location.
    cookies: config.tokenLocation.includes('cookies') ? config.cookies : undefined,
    queryStringName: config.queryStringName,
    jsonKeys: config.jsonKeys,
    isRevoked: (claims) => {
      const pending = auth.sessions.check(claims)
      return pending === undefined ? false : pending.then(() => false)
    },
  })
  await app.register(healthRoutes, { auth, store, signal: invalidation.signal })
  await app.register(jwksRoutes, { keyring, issuer: config.issuer, clock: auth.clock })
  await app.register(authRoutes, { prefix: '/auth', auth })
  await app.register(meRoutes, { prefix: '/auth', auth })
  await app.register(sessionRoutes, { prefix: '/auth', auth })
  await app.register(adminRoutes, { prefix: '/admin', auth })
  await app.register(userRoutes, { prefix: '/users', auth })
  if (config.adminEmail !== undefined && config.adminPassword !== undefined) {
    let seeded
    try {
      seeded = await auth.admin.ensureAdmin({ email: config.adminEmail, password: config.adminPassword })
    } catch (err) {
      await app.close()
      // A guessable ADMIN_PASSWORD is misconfiguration, named once before listening.
      if (isAuthError(err) && err.code === 'PASSWORD_TOO_WEAK') throw new ConfigError('ADMIN_PASSWORD', err.message.replace(/^password /, ''))
      throw err
    }
    if (seeded.created) app.log.info({ userId: seeded.user.id }, 'admin account created from ADMIN_EMAIL')
  }

  const pruneEvery = deps.pruneEvery ?? 3_600_000
  const timer = pruneEvery > 0 ? setInterval(() => void auth.prune().catch((err) => app.log.error({ err }, 'prune failed')), pruneEvery) : undefined
  timer?.unref()
  app.addHook('onClose', async () => {
    if (timer !== undefined) clearInterval(timer)
  })
  return { app, auth }
}

/** The configured key alone; key files, dev key generation and rings are the CLI's (src/cli/ring.ts). */
function keyringFromConfig(config: ServerConfig): Keyring {
  const alg = config.algorithm
  if (isSymmetric(alg)) {
    if (config.jwtSecret === undefined) throw new TypeError('buildApp: config.jwtSecret is required (the CLI generates one in development)')
    return Keyring.of([{ alg, secret: config.jwtSecret }])
  }
  if (config.jwtPrivateKey === undefined) {
    throw new TypeError(`buildApp: ${alg} needs config.jwtPrivateKey or deps.keyring (the CLI reads JWT_PRIVATE_KEY_FILE and generates a development key)`)
  }
  return Keyring.of([{ alg, privateKey: config.jwtPrivateKey }])
}
