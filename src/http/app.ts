// buildApp(config): the tokenwarden server as a Fastify instance, ready for app.inject() in
// tests or app.listen() in `tokenwarden serve`. The server is the tokenwardenAuth plugin (the
// store, the Auth, the guard plugin and the auth routes, as any host app mounts them) plus what
// only a server has: logging, CORS, rate limits, health, JWKS and discovery, and the admin
// account from ADMIN_EMAIL.

import Fastify, { type FastifyInstance } from 'fastify'
import type { DestinationStream } from 'pino'
import type { AuthOptions } from '../core/auth-options.js'
import type { Auth } from '../core/auth.js'
import type { Clock } from '../core/clock.js'
import { ConfigError, type ServerConfig } from '../core/config.js'
import { isAuthError } from '../core/errors.js'
import type { Store } from '../core/store.js'
import type { Mailer } from '../core/mail/mailer.js'
import type { Keyring } from '../core/tokens/keyring.js'
import { createMailer } from '../mail/create.js'
import { sendError } from './challenge.js'
import { clientErrorHandler, HTTP_SERVER_OPTIONS, installClientErrors } from './client-errors.js'
import { registerCors } from './cors.js'
import { installErrorHandling, toAuthError } from './errors.js'
import { installBodyParsing } from './json-body.js'
import { lazyChildLogger, loggerOptions } from './logger.js'
import { registerMetrics } from './metrics/metrics.js'
import { registerOpenApi } from './openapi/openapi.js'
import { registerConsole } from './console/console.js'
import { mountedParts } from './mount/mount.js'
import { tokenwardenAuth } from './mount/plugin.js'
import { registerAuthRateLimit } from './rate-limit.js'
import { authOptionsFromConfig, keyringFromConfig } from './server-options.js'
import { healthRoutes } from './routes/health.js'
import { jwksRoutes } from './routes/jwks.js'
import { describingValidatorCompiler } from './validation.js'

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
  /** How often expired sessions are pruned, ms; 0 disables. default: TokenwardenAuthOptions.pruneEvery */
  pruneEvery?: number
  /** Where mail goes. default: SMTP_URL's server, or DATA_DIR/outbox in development; none otherwise (config.mailEnabled) */
  mailer?: Mailer
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
  // A store handed in is closed with the app too (the plugin closes only what it opened).
  const given = deps.store
  if (given !== undefined) app.addHook('onClose', async () => given.close())
  app.setValidatorCompiler(describingValidatorCompiler)
  await installBodyParsing(app)
  installErrorHandling(app, config.errorMessageKey)
  installClientErrors(app, config.errorMessageKey)
  // Before every route (GET /metrics included), so each one is in the document (OPENAPI=true, the default).
  await registerOpenApi(app, config)
  // Before every route too, so each one is timed (METRICS=true; nothing otherwise).
  await registerMetrics(app, config)
  // CORS before the rate limit: preflights are answered first, and a 429 carries the CORS headers.
  await registerCors(app, config)
  await registerAuthRateLimit(app, config)
  // Verification and reset links go by mail: SMTP_URL, or the outbox in development.
  const mailer = deps.mailer ?? (config.mailEnabled ? createMailer(config) : undefined)
  if (mailer !== undefined) app.addHook('onClose', async () => mailer.close())
  try {
    await app.register(tokenwardenAuth, {
      ...authOptionsFromConfig(config, keyring, mailer),
      database: deps.store ?? config.databaseUrl,
      clock: deps.clock,
      additionalClaims: deps.additionalClaims,
      pruneEvery: deps.pruneEvery,
    })
  } catch (err) {
    // The database unreachable past DATABASE_WAIT, or a failed migration: nothing stays open.
    await app.close()
    throw err
  }
  const auth = app.tokenwarden.auth
  if (mailer !== undefined) app.log.info({ mail: mailer.description }, config.smtpUrl === undefined ? `mail: no SMTP_URL, messages are written to ${mailer.description}` : `mail: sent through ${mailer.description}`)
  const { store, signal } = mountedParts(auth)
  await app.register(healthRoutes, { auth, store, signal })
  await app.register(jwksRoutes, { keyring, issuer: config.issuer, clock: auth.clock })
  await registerConsole(app, config)
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
  return { app, auth }
}
