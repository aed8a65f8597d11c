// What registering tokenwardenAuth does: open (or take) the store and migrate it, build the Auth
// on it, follow the other instances' auth events, register the guard plugin on that Auth, mount
// the route groups, and prune on a timer. Everything opened here closes with the app; a store
// handed in as an object stays the caller's to close.

import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import type { AuthOptions } from '../../core/auth-options.js'
import { DATABASE_DEFAULTS } from '../../core/config-database.js'
import { createAuth, type Auth } from '../../core/auth.js'
import type { LoginThrottle } from '../../core/accounts/throttle.js'
import type { Store } from '../../core/store.js'
import type { TokenClaims } from '../../core/tokens/claims.js'
import { Keyring } from '../../core/tokens/keyring.js'
import { createStore } from '../../store/create.js'
import { KyselyStore } from '../../store/kysely/store.js'
import { SqlLoginThrottle } from '../../store/kysely/throttle.js'
import { waitForDatabase } from '../database-wait.js'
import { outageLog, startInvalidation, type Invalidation } from '../invalidation.js'
import { tokenwarden } from '../plugin/index.js'
import { resolveLocationSettings } from '../plugin/options.js'
import { MOUNT_DEFAULTS, ROUTE_DEFAULTS, type MountedRoutes, type TokenwardenAuthOptions } from './options.js'
import { authApi } from './routes.js'

/** What the server's own routes (health) need beyond the Auth; not public. */
export interface MountedParts {
  readonly store: Store
  readonly signal: Invalidation['signal']
}

const parts = new WeakMap<Auth, MountedParts>()

/** The store and wake-up signal behind an Auth that tokenwardenAuth built (for buildApp's /health/ready). */
export function mountedParts(auth: Auth): MountedParts {
  const found = parts.get(auth)
  if (found === undefined) throw new TypeError('mountedParts: this Auth was not built by tokenwardenAuth')
  return found
}

export async function mountAuth(app: FastifyInstance, opts: TokenwardenAuthOptions): Promise<void> {
  // Misuse first, before anything is opened.
  const keyring = keyringOf(opts.keys)
  const routes = routesOf(opts.routes)
  const settings = resolveLocationSettings(opts)
  const pruneEvery = opts.pruneEvery ?? MOUNT_DEFAULTS.pruneEvery
  if (!(Number.isInteger(pruneEvery) && pruneEvery >= 0)) throw new TypeError('tokenwardenAuth: pruneEvery must be a whole number of milliseconds >= 0')

  const { store, owned } = await openStore(opts, app.log)
  let auth: Auth | undefined
  let invalidation: Invalidation
  try {
    // The AuthOptions part of the options (createAuth reads its own fields and nothing else).
    const authOptions: Omit<AuthOptions, 'store' | 'keyring'> = opts
    const feedLog = outageLog(app.log, 'invalidation feed')
    auth = createAuth({
      ...authOptions,
      store,
      keyring,
      // Flask-JWT-Extended stamps a csrf claim on every token when cookies carry them.
      csrf: settings.locations.includes('cookies') && settings.cookies.csrfProtect,
      throttle: opts.throttle ?? sqlThrottle(store, opts),
      feed: { onError: feedLog.fail, onRecover: feedLog.ok, ...opts.feed },
    })
    // A missing optional package (argon2, or ioredis with a redisUrl) stops the app here, before it listens.
    await auth.ready()
    invalidation = await startInvalidation(auth, { databaseUrl: typeof opts.database === 'string' ? opts.database : undefined, redisUrl: opts.redisUrl }, app.log)
  } catch (err) {
    // startInvalidation may have started the feed before a wake-up signal failed.
    await auth?.stop()
    if (owned) await store.close()
    throw err
  }
  const mounted = auth
  // onClose hooks run last-added first: the feed and signals stop before the store closes.
  if (owned) app.addHook('onClose', async () => store.close())
  app.addHook('onClose', async () => invalidation.close())
  parts.set(mounted, { store, signal: invalidation.signal })

  const loadUser = opts.loadUser === true ? (claims: TokenClaims) => mounted.accounts.currentUser(claims) : opts.loadUser
  await app.register(tokenwarden, {
    auth: mounted,
    locations: opts.locations,
    header: opts.header,
    // Cookie support (@fastify/cookie's hooks on every route) only when cookies are a location or configured.
    cookies: opts.cookies,
    queryStringName: opts.queryStringName,
    jsonKeys: opts.jsonKeys,
    isRevoked: opts.isRevoked,
    loadUser,
    onError: opts.onError,
    messageKey: opts.messageKey,
  })
  await app.register(authApi, { prefix: opts.prefix ?? '', auth: mounted, routes, adminRoles: opts.adminRoles, messageKey: opts.messageKey })

  const timer = pruneEvery > 0 ? setInterval(() => void mounted.prune().catch((err: unknown) => app.log.error({ err }, 'prune failed')), pruneEvery) : undefined
  timer?.unref()
  app.addHook('onClose', async () => {
    if (timer !== undefined) clearInterval(timer)
  })
}

/** A URL is opened here (and closed with the app); a Store is the caller's. Both are migrated. */
async function openStore(opts: TokenwardenAuthOptions, log: FastifyBaseLogger): Promise<{ store: Store; owned: boolean }> {
  const { database } = opts
  if (typeof database !== 'string' && (typeof database !== 'object' || database === null || typeof database.migrate !== 'function')) {
    throw new TypeError('tokenwardenAuth: database must be a DATABASE_URL (sqlite:..., postgres://..., mysql://...) or a Store')
  }
  const owned = typeof database === 'string'
  const store = owned ? await createStore({ databaseUrl: database, poolMax: opts.poolMax }) : database
  try {
    // Under a lock on every dialect: instances started together apply the migrations once.
    await waitForDatabase(() => store.migrate(), opts.databaseWait ?? DATABASE_DEFAULTS.waitSeconds, log)
  } catch (err) {
    if (owned) await store.close()
    throw err
  }
  return { store, owned }
}

/** In the database, so every instance (and every process on one SQLite file) shares each identifier's budget. */
function sqlThrottle(store: Store, opts: TokenwardenAuthOptions): LoginThrottle | undefined {
  if (!(store instanceof KyselyStore)) return undefined
  return new SqlLoginThrottle(store.db, store.dialect, { clock: opts.clock, maxFailures: opts.loginMaxFailures })
}

function keyringOf(keys: TokenwardenAuthOptions['keys']): Keyring | (() => Keyring) {
  const ring = Array.isArray(keys) ? (keys.length === 0 ? undefined : Keyring.of(keys)) : (keys as Keyring | (() => Keyring) | undefined)
  if (ring === undefined) throw new TypeError('tokenwardenAuth: keys must list at least one key, e.g. [{ alg: "HS256", secret: process.env.JWT_SECRET }]')
  const current = typeof ring === 'function' ? ring() : ring
  if (!current.signing.canSign) throw new TypeError('tokenwardenAuth: the signing key must be a secret or a private key (logins sign tokens)')
  return ring
}

function routesOf(routes: MountedRoutes = {}): Readonly<Required<MountedRoutes>> {
  const resolved = { ...ROUTE_DEFAULTS, ...Object.fromEntries(Object.entries(routes).filter(([, v]) => v !== undefined)) }
  for (const [group, prefix] of Object.entries(resolved)) {
    if (prefix !== false && (typeof prefix !== 'string' || (prefix !== '' && !/^\/[^\s?#]*$/.test(prefix)))) {
      throw new TypeError(`tokenwardenAuth: routes.${group} must be a path starting with / (or '' or false)`)
    }
  }
  return Object.freeze(resolved)
}
