// Admin account changes at the core level: disabling and role removal revoke at once, adding
// roles and re-enabling do not, validation of role names, listing and session management.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { endUserSessions, listAccounts, rolesProblem, updateAccount, userSessions } from '../../../src/core/accounts/admin.js'
import { deleteUser } from '../../../src/core/accounts/self.js'
import { coreAuth } from '../../helpers.js'

const PASSWORD = 'correct horse battery'

async function setup() {
  const ctx = coreAuth()
  const user = await ctx.auth.register({ email: 'ada@example.com', password: PASSWORD, roles: ['user', 'editor'] })
  const login = () => ctx.auth.login({ identifier: { email: 'ada@example.com' }, password: PASSWORD })
  return { ...ctx, user, login }
}

test('disabling revokes every session at once and blocks login', async () => {
  const { auth, user, login } = await setup()
  const a = await login()
  const b = await login()
  const { user: updated, revoked } = await updateAccount(auth.context, user.id, { disabled: true })
  assert.equal(updated.disabled, true)
  assert.equal(revoked, 2)
  assert.throws(() => auth.checkSession(auth.verifier.verify(a.accessToken)), { code: 'TOKEN_REVOKED' })
  await assert.rejects(auth.authenticate(b.accessToken), { code: 'TOKEN_REVOKED' })
  await assert.rejects(login(), { code: 'ACCOUNT_DISABLED' })
  // Re-enabling revokes nothing and lets the user back in.
  assert.equal((await updateAccount(auth.context, user.id, { disabled: false })).revoked, 0)
  await login()
})

test('removing a role revokes; adding one does not', async () => {
  const { auth, user, login } = await setup()
  const a = await login()
  const added = await updateAccount(auth.context, user.id, { roles: ['user', 'editor', 'billing'] })
  assert.equal(added.revoked, 0)
  await auth.authenticate(a.accessToken)
  const removed = await updateAccount(auth.context, user.id, { roles: ['user', 'billing'] })
  assert.equal(removed.revoked, 1)
  assert.deepEqual(removed.user.roles, ['user', 'billing'])
  await assert.rejects(auth.authenticate(a.accessToken), { code: 'TOKEN_REVOKED' })
  const again = await login()
  assert.deepEqual(auth.verifier.verify(again.accessToken).roles, ['user', 'billing'])
})

test('role lists are validated and de-duplicated', async () => {
  const { auth, user } = await setup()
  assert.equal(rolesProblem(['admin', 'user']), undefined)
  assert.notEqual(rolesProblem(['has space']), undefined)
  assert.notEqual(rolesProblem(Array.from({ length: 33 }, (_, i) => `r${i}`)), undefined)
  await assert.rejects(updateAccount(auth.context, user.id, { roles: [''] }), { code: 'VALIDATION_FAILED' })
  assert.deepEqual((await updateAccount(auth.context, user.id, { roles: ['a', 'a', 'b'] })).user.roles, ['a', 'b'])
  await assert.rejects(updateAccount(auth.context, 'missing', { disabled: true }), { code: 'USER_NOT_FOUND' })
})

test('listAccounts pages and searches email and username', async () => {
  const { auth, clock } = await setup()
  for (let i = 0; i < 5; i++) {
    clock.advance(1000)
    await auth.register({ email: `user${i}@corp.example`, password: PASSWORD, username: `member${i}` })
  }
  const all = await listAccounts(auth.context, { limit: 2, offset: 0 })
  assert.equal(all.total, 6)
  assert.equal(all.users.length, 2)
  assert.equal(all.users[0]!.email, 'ada@example.com')
  const corp = await listAccounts(auth.context, { q: 'CORP', limit: 10, offset: 3 })
  assert.equal(corp.total, 5)
  assert.deepEqual(corp.users.map((u) => u.username), ['member3', 'member4'])
  assert.equal((await listAccounts(auth.context, { q: 'member2', limit: 10, offset: 0 })).total, 1)
  assert.equal((await listAccounts(auth.context, { q: '  ', limit: 10, offset: 0 })).total, 6)
})

test('userSessions lists live sessions; endUserSessions revokes them', async () => {
  const { auth, user, login } = await setup()
  const a = await login()
  await login()
  assert.equal((await userSessions(auth.context, user.id)).length, 2)
  assert.equal(await endUserSessions(auth.context, user.id), 2)
  assert.equal((await userSessions(auth.context, user.id)).length, 0)
  await assert.rejects(auth.authenticate(a.accessToken), { code: 'TOKEN_REVOKED' })
  await assert.rejects(userSessions(auth.context, 'missing'), { code: 'USER_NOT_FOUND' })
})

test('deleteUser removes the account and kills its tokens', async () => {
  const { auth, user, store, login } = await setup()
  const a = await login()
  assert.equal(await deleteUser(auth.context, user.id, 'user_deleted'), true)
  assert.equal(await store.findUserById(user.id), undefined)
  await assert.rejects(auth.authenticate(a.accessToken), { code: 'TOKEN_REVOKED' })
  assert.equal(await deleteUser(auth.context, user.id, 'user_deleted'), false)
})

test('a login racing with a disable cannot leave a live session behind', async () => {
  const { auth, user, store, login } = await setup()
  // The admin's write lands, and its revocation runs, after the password check but before
  // the new session row exists: the revocation cannot see the row, so login must notice.
  const create = store.createSession.bind(store)
  store.createSession = async (session) => {
    await updateAccount(auth.context, user.id, { disabled: true })
    await create(session)
  }
  await assert.rejects(login(), { code: 'ACCOUNT_DISABLED' })
  assert.equal((await store.listLiveSessions(user.id, new Date(auth.context.clock.now()).toISOString())).length, 0)
})

test('a login racing with a role removal gets a working session that carries the new roles', async () => {
  const { auth, user, store, login } = await setup()
  // The removal (write, then revoke every session) lands after the session row exists but
  // before the login admits it: that first session is dead on arrival and must not be handed out.
  const create = store.createSession.bind(store)
  let raced = false
  store.createSession = async (session) => {
    await create(session)
    if (!raced) {
      raced = true
      assert.equal((await updateAccount(auth.context, user.id, { roles: ['user'] })).revoked, 1)
    }
  }
  const tokens = await login()
  const claims = await auth.authenticate(tokens.accessToken)
  assert.deepEqual(claims.roles, ['user'])
  assert.equal(raced, true)
})

test('a login whose session is revoked twice in a row answers LOGIN_INTERRUPTED, leaving no live session', async () => {
  const { auth, user, store, login } = await setup()
  const create = store.createSession.bind(store)
  const roles = [['user'], ['user', 'a'], ['user']]
  store.createSession = async (session) => {
    await create(session)
    // Each pass adds a role, then removes it: every removal revokes the session just created.
    await updateAccount(auth.context, user.id, { roles: roles.shift() ?? ['user', 'b'] })
    await updateAccount(auth.context, user.id, { roles: ['x'] })
  }
  await assert.rejects(login(), { code: 'LOGIN_INTERRUPTED' })
  assert.equal((await store.listLiveSessions(user.id, new Date(auth.context.clock.now()).toISOString())).length, 0)
})
