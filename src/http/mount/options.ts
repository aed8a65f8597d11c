// The options of the tokenwardenAuth plugin, typed once. They compose the layers below rather
// than repeat them: createAuth's AuthOptions (token lifetimes, leeway, argon2, throttle,
// legacy tokens, the feed; each default named on its field there) and the guard plugin's
// location options (where tokens travel, cookies, error bodies). What is declared here is only
// what the plugin adds: where the database is, the keys, which route groups go where.

import type { AuthOptions } from '../../core/auth-options.js'
import type { LoginThrottle } from '../../core/accounts/throttle.js'
import type { Store } from '../../core/store.js'
import type { KeyInput, Keyring } from '../../core/tokens/keyring.js'
import type { TokenwardenPluginOptions } from '../plugin/options.js'

/** Where each group of the server's routes is mounted, under the plugin's prefix; `false` leaves a group out. */
export interface MountedRoutes {
  /** register, login, refresh, logout, me (GET, PATCH, DELETE; PUT me/password) and sessions. default: '/auth' */
  auth?: string | false
  /** The admin API (users, their roles, disabling, sessions), behind the `adminRoles` guard. default: '/admin' */
  admin?: string | false
  /** Public profiles: GET `<users>/:username`. default: '/users' */
  users?: string | false
}

/** The server's own layout (`/auth/login`, `/admin/users`, `/users/:username`), so a client of the server works against a mounted API with only its base URL changed. */
export const ROUTE_DEFAULTS: Readonly<Required<MountedRoutes>> = Object.freeze({ auth: '/auth', admin: '/admin', users: '/users' })

/** The guard plugin's options that tokenwardenAuth passes through as they are. */
type LocationOptions = Pick<TokenwardenPluginOptions, 'locations' | 'header' | 'cookies' | 'queryStringName' | 'jsonKeys' | 'isRevoked' | 'onError' | 'messageKey'>

export interface TokenwardenAuthOptions extends Omit<AuthOptions, 'store' | 'keyring' | 'csrf' | 'throttle'>, LocationOptions {
  /**
   * The database: a DATABASE_URL (`sqlite:./data/app.db`, `sqlite::memory:`, `postgres://...`,
   * `mysql://...`), opened and migrated at registration and closed with the app; or a Store you
   * made (createStore, MemoryStore), migrated here and left for you to close.
   */
  database: string | Store
  /**
   * The keys, one of which must sign: `[{ alg: 'HS256', secret: process.env.JWT_SECRET }]`, a
   * Keyring, or a function returning the current ring (for rotation without a restart).
   */
  keys: readonly KeyInput[] | Keyring | (() => Keyring)
  /** Fastify's prefix, applied to the mounted routes (not to the host's). default: none */
  prefix?: string
  /** Where each route group goes under `prefix`, or false for none. default: ROUTE_DEFAULTS */
  routes?: MountedRoutes
  /** Roles a caller of the admin routes must hold. default: ['admin'] (ADMIN_ROLE, the role the last-admin rule protects) */
  adminRoles?: readonly string[]
  /**
   * `request.currentUser` on guarded routes (Flask-JWT-Extended's current_user): true loads the
   * token's account through `accounts.currentUser` (a deleted account is 401
   * TOKEN_USER_NOT_FOUND, a disabled one 401 TOKEN_REVOKED), or pass your own loader. default: none
   */
  loadUser?: true | TokenwardenPluginOptions['loadUser']
  /**
   * The login throttle. default: in the database for a SQL `database` (shared by every instance
   * and by `tokenwarden users`), else in memory (MemoryLoginThrottle)
   */
  throttle?: LoginThrottle
  /** Connections per instance (PostgreSQL, MySQL) for a URL `database`. default: DATABASE_DEFAULTS.poolMax (10) */
  poolMax?: number
  /** Seconds to keep retrying an unreachable database at registration, with backoff (DATABASE_WAIT); 0 fails at once. default: DATABASE_DEFAULTS.waitSeconds (0) */
  databaseWait?: number
  /** REDIS_URL: wakes the other instances at once after a change (PostgreSQL URLs use NOTIFY without it). default: none, the feed polls */
  redisUrl?: string
  /** How often expired and revoked sessions (and audit rows past the retention: auth.prune) are pruned, ms; 0 never. default: 3600000 (1 h; MOUNT_DEFAULTS.pruneEvery) */
  pruneEvery?: number
}

/** The defaults of the options this plugin adds (ROUTE_DEFAULTS for `routes`). */
export const MOUNT_DEFAULTS = Object.freeze({ pruneEvery: 3_600_000 })
