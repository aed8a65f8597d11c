// The Store as core uses it: every user write goes through the UserCache, which drops the
// user's entry before and after it, so no write path in this process can leave a stale row
// behind, and publishes its auth event (the store recorded it for the other instances). Reads
// pass straight through: only callers that accept the cache (GET /auth/me, legacy token
// liveness) ask it instead.

import type { AuthEventBus } from '../events/bus.js'
import type { Store } from '../store.js'
import type { UserCache } from './user-cache.js'

/**
 * @example
 * const users = new UserCache((id) => store.findUserById(id), { clock })
 * const ctxStore = withUserCache(store, users, bus) // hand this one to the account flows
 */
export function withUserCache(store: Store, users: UserCache, events: AuthEventBus): Store {
  return {
    events: store.events,
    migrate: () => store.migrate(),
    close: () => store.close(),
    createUser: (user) => users.write(user.id, () => store.createUser(user)),
    findUserById: (id) => store.findUserById(id),
    findUserByEmail: (email) => store.findUserByEmail(email),
    findUserByUsername: (username) => store.findUserByUsername(username),
    updateUser: async (id, patch, options) => {
      const result = await users.write(id, () => store.updateUser(id, patch, options))
      if (result !== undefined && !('conflict' in result)) events.publish({ type: 'user_updated', userId: id })
      return result
    },
    deleteUser: async (id, options) => {
      const deleted = await users.write(id, () => store.deleteUser(id, options))
      if (deleted === true) events.publish({ type: 'user_deleted', userId: id })
      return deleted
    },
    listUsers: (query) => store.listUsers(query),
    countActiveAdmins: store.countActiveAdmins === undefined ? undefined : () => store.countActiveAdmins!(),
    createSession: (session) => store.createSession(session),
    findSession: (id) => store.findSession(id),
    rotateRefresh: (rotation) => store.rotateRefresh(rotation),
    revokeSession: (id, at, reason) => store.revokeSession(id, at, reason),
    revokeUserSessions: (userId, at, reason, exceptId) => store.revokeUserSessions(userId, at, reason, exceptId),
    listLiveSessions: (userId, now) => store.listLiveSessions(userId, now),
    pruneSessions: (before) => store.pruneSessions(before),
    issueAccountToken: (token) => store.issueAccountToken(token),
    consumeAccountToken: (tokenHash, purpose, now) => store.consumeAccountToken(tokenHash, purpose, now),
    deleteAccountTokens: (userId, purpose) => store.deleteAccountTokens(userId, purpose),
  }
}
