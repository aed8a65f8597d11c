// tokenwarden's accounts and sessions for an example, on the database DATABASE_URL names
// (SQLite under DATA_DIR by default, created and migrated here), with the settings the server
// reads from the same environment variables: the examples keep no users or revocations of
// their own. `guardOptions` wires the Fastify plugin's guards to the same sessions, so a
// logout or a deleted user is refused at once on every guarded route.

import { createAuth, createStore, Keyring, SqlLoginThrottle, type Auth, type Clock, type KyselyStore, type ServerConfig } from '../../src/index.js'
import type { TokenwardenPluginOptions } from '../../src/fastify.js'

export interface ExampleAuth {
  auth: Auth
  /** The database: tokenwarden's tables, and the example's own next to them (`store.db`). */
  store: KyselyStore
  /** Stops the feed and closes the database. */
  close(): Promise<void>
}

/** Opens (and migrates) the database and builds the services. `clock`: a frozen one in tests. */
export async function openAuth(config: ServerConfig & { jwtSecret: string }, deps: { clock?: Clock } = {}): Promise<ExampleAuth> {
  const store = await createStore({ databaseUrl: config.databaseUrl, poolMax: config.databasePoolMax })
  try {
    await store.migrate()
  } catch (err) {
    await store.close()
    throw err
  }
  const auth = createAuth({
    store,
    keyring: Keyring.of([{ alg: config.algorithm, secret: config.jwtSecret }]),
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
    // In the database, so `tokenwarden users ...` and other processes on it share each account's budget.
    throttle: new SqlLoginThrottle(store.db, store.dialect, { clock: deps.clock, maxFailures: config.loginMaxFailures }),
  })
  // Follow the event log, so a change made elsewhere (`tokenwarden users delete`) reaches this process.
  await auth.start()
  return {
    auth,
    store,
    async close() {
      await auth.stop()
      await store.close()
    },
  }
}

/** The plugin options that make its guards check the session (and load the account) through `auth`. */
export function guardOptions(auth: Auth): Pick<TokenwardenPluginOptions, 'verifier' | 'issuer' | 'clock' | 'isRevoked' | 'loadUser'> {
  return {
    verifier: auth.verifier,
    issuer: auth.issuer,
    clock: auth.clock,
    // Every request: is the token's session still live? (memory, no database round trip when nothing changed)
    isRevoked: (claims) => {
      const pending = auth.sessions.check(claims)
      return pending === undefined ? false : pending.then(() => false)
    },
    // current_user: TOKEN_USER_NOT_FOUND for a deleted account, TOKEN_REVOKED for a disabled one.
    loadUser: (claims) => auth.accounts.currentUser(claims),
  }
}
