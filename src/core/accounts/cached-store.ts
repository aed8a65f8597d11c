// The Store as core uses it: every user write goes through the UserCache, which drops the
// user's entry before and after it, so no write path in this process can leave a stale row
// behind. Reads pass straight through: only callers that accept a TTL's staleness (GET
// /auth/me, legacy token liveness) ask the cache instead.

import type { Store } from '../store.js'
import type { UserCache } from './user-cache.js'

/**
 * @example
 * const users = new UserCache((id) => store.findUserById(id), { clock })
 * const ctxStore = withUserCache(store, users) // hand this one to the account flows
 */
export function withUserCache(store: Store, users: UserCache): Store {
  return {
    migrate: () => store.migrate(),
    close: () => store.close(),
    createUser: (user) => users.write(user.id, () => store.createUser(user)),
    findUserById: (id) => store.findUserById(id),
    findUserByEmail: (email) => store.findUserByEmail(email),
    findUserByUsername: (username) => store.findUserByUsername(username),
    updateUser: (id, patch) => users.write(id, () => store.updateUser(id, patch)),
    deleteUser: (id) => users.write(id, () => store.deleteUser(id)),
    listUsers: (query) => store.listUsers(query),
    countActiveAdmins: store.countActiveAdmins === undefined ? undefined : () => store.countActiveAdmins!(),
    createSession: (session) => store.createSession(session),
    findSession: (id) => store.findSession(id),
    rotateRefresh: (rotation) => store.rotateRefresh(rotation),
    revokeSession: (id, at, reason) => store.revokeSession(id, at, reason),
    revokeUserSessions: (userId, at, reason, exceptId) => store.revokeUserSessions(userId, at, reason, exceptId),
    listLiveSessions: (userId, now) => store.listLiveSessions(userId, now),
    pruneSessions: (before) => store.pruneSessions(before),
  }
}
