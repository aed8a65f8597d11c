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
    createUser: (user, options) => users.write(user.id, () => store.createUser(user, options)),
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
    createSession: (session, options) => store.createSession(session, options),
    findSession: (id) => store.findSession(id),
    rotateRefresh: (rotation) => store.rotateRefresh(rotation),
    revokeSession: (id, at, reason, options) => store.revokeSession(id, at, reason, options),
    revokeUserSessions: (userId, at, reason, exceptId, options) => store.revokeUserSessions(userId, at, reason, exceptId, options),
    listLiveSessions: (userId, now) => store.listLiveSessions(userId, now),
    pruneSessions: (before) => store.pruneSessions(before),
    issueAccountToken: (token) => store.issueAccountToken(token),
    consumeAccountToken: (tokenHash, purpose, now) => store.consumeAccountToken(tokenHash, purpose, now),
    deleteAccountTokens: (userId, purpose) => store.deleteAccountTokens(userId, purpose),
    ...(store.findAccountToken && { findAccountToken: (userId, purpose) => store.findAccountToken!(userId, purpose) }),
    appendAudit: (record) => store.appendAudit(record),
    listAudit: (query) => store.listAudit(query),
    pruneAudit: (before) => store.pruneAudit(before),
    findTotp: (userId) => store.findTotp(userId),
    savePendingTotp: (userId, secret, at) => store.savePendingTotp(userId, secret, at),
    confirmTotp: async (userId, step, codeHashes, at, options) => {
      const confirmed = await users.write(userId, () => store.confirmTotp(userId, step, codeHashes, at, options))
      if (confirmed) events.publish({ type: 'user_updated', userId })
      return confirmed
    },
    useTotpStep: (userId, step) => store.useTotpStep(userId, step),
    consumeRecoveryCode: (userId, codeHash) => store.consumeRecoveryCode(userId, codeHash),
    countRecoveryCodes: (userId) => store.countRecoveryCodes(userId),
    deleteTotp: async (userId, options) => {
      const deleted = await users.write(userId, () => store.deleteTotp(userId, options))
      if (deleted) events.publish({ type: 'user_updated', userId })
      return deleted
    },
  }
}
