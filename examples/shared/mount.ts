// tokenwarden inside an example app through the public tokenwardenAuth plugin: the example's
// configuration (the server's environment variables) as the plugin's options, the same names one
// layer up as the server maps them (src/http/app.ts keeps its mapping private), and none of the
// server's routes: the tutorials keep their own paths and answers, and their handlers call the
// services on `app.tokenwarden.auth`. The store is opened here, so that an example can keep its
// own tables next to tokenwarden's (`store.db`); the plugin migrates it and the app closes it.

import type { FastifyInstance } from 'fastify'
import { createStore, type Auth, type Clock, type KyselyStore } from '../../src/index.js'
import { tokenwardenAuth, type TokenwardenAuthOptions } from '../../src/fastify.js'
import type { ExampleConfig } from './config.js'

/** tokenwardenAuth's options from the configuration, all but `database`. `clock`: a frozen one in tests. */
export function authOptions(config: ExampleConfig, deps: { clock?: Clock } = {}): Omit<TokenwardenAuthOptions, 'database'> {
  return {
    keys: [{ alg: config.algorithm, secret: config.jwtSecret }],
    clock: deps.clock,
    accessTtl: config.accessTtl,
    refreshTtl: config.refreshTtl,
    leeway: config.leeway,
    issuer: config.issuer,
    audience: config.audience,
    argon2: config.argon2,
    refreshReuseInterval: config.refreshReuseInterval,
    passwordMinLength: config.passwordMinLength,
    loginMaxFailures: config.loginMaxFailures,
    legacyTokens: config.legacyTokens,
    databaseWait: config.databaseWait,
    redisUrl: config.redisUrl,
    feed: { pollMs: config.invalidationPollMs, maxLagMs: config.invalidationMaxLagMs },
    locations: config.tokenLocation,
    header: { name: config.headerName, type: config.headerType },
    cookies: config.tokenLocation.includes('cookies') ? config.cookies : undefined,
    queryStringName: config.queryStringName,
    jsonKeys: config.jsonKeys,
    // current_user: a deleted account's token is 401 TOKEN_USER_NOT_FOUND, a disabled one's TOKEN_REVOKED.
    loadUser: true,
    routes: { auth: false, admin: false, users: false },
  }
}

/**
 * Opens the database DATABASE_URL names and registers tokenwardenAuth on it with `options`
 * over authOptions(config). Register the example's error handler first: refusals of the guards
 * go to it (no `messageKey` here).
 *
 * @example
 * const { auth, store } = await mountAuth(app, config)
 * app.get('/private', { onRequest: app.tokenwarden.guard() }, (req) => ({ hello: req.identity }))
 */
export async function mountAuth(
  app: FastifyInstance,
  config: ExampleConfig,
  deps: { clock?: Clock } = {},
  options: Partial<TokenwardenAuthOptions> = {},
): Promise<{ auth: Auth; store: KyselyStore }> {
  const store = await createStore({ databaseUrl: config.databaseUrl, poolMax: config.databasePoolMax })
  // A store handed to the plugin is the caller's to close.
  app.addHook('onClose', async () => store.close())
  await app.register(tokenwardenAuth, { ...authOptions(config, deps), ...options, database: store })
  return { auth: app.tokenwarden.auth, store }
}
