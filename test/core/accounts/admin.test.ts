// The admin service (auth.admin): disabling and role removal revoke at once, adding roles and
// re-enabling do not, validation of role names, listing, reading, deleting and session
// management; what it answers never carries a password hash.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { rolesProblem } from '../../../src/core/accounts/admin.js'
import { DEFAULT_PAGE_SIZE } from '../../../src/core/accounts/admin-service.js'
import { coreAuth } from '../../helpers.js'

const PASSWORD = 'correct horse battery'

async function setup() {
  const ctx = coreAuth()
  const user = await ctx.auth.accounts.register({ email: 'ada@example.com', password: PASSWORD, roles: ['user', 'editor'] })
  const login = () => ctx.auth.accounts.login({ email: 'ada@example.com', password: PASSWORD })
  return { ...ctx, user, login }
}

test('disabling revokes every session at once and blocks login', async () => {
  const { auth, user, login } = await setup()
  const a = await login()
  const b = await login()
  const { user: updated, revoked } = await auth.admin.updateUser(user.id, { disabled: true })
  assert.equal(updated.disabled, true)
  assert.equal(revoked, 2)
  assert.throws(() => auth.sessions.check(auth.verifier.verify(a.accessToken)), { code: 'TOKEN_REVOKED' })
  await assert.rejects(auth.sessions.authenticate(b.accessToken), { code: 'TOKEN_REVOKED' })
  await assert.rejects(login(), { code: 'ACCOUNT_DISABLED' })
  // Re-enabling revokes nothing and lets the user back in.
  assert.equal((await auth.admin.updateUser(user.id, { disabled: false })).revoked, 0)
  await login()
})

test('removing a role revokes; adding one does not', async () => {
  const { auth, user, login } = await setup()
  const a = await login()
  const added = await auth.admin.updateUser(user.id, { roles: ['user', 'editor', 'billing'] })
  assert.equal(added.revoked, 0)
  await auth.sessions.authenticate(a.accessToken)
  const removed = await auth.admin.updateUser(user.id, { roles: ['user', 'billing'] })
  assert.equal(removed.revoked, 1)
  assert.deepEqual(removed.user.roles, ['user', 'billing'])
  await assert.rejects(auth.sessions.authenticate(a.accessToken), { code: 'TOKEN_REVOKED' })
  const again = await login()
  assert.deepEqual(auth.verifier.verify(again.accessToken).roles, ['user', 'billing'])
})

test('role lists are validated and de-duplicated', async () => {
  const { auth, user } = await setup()
  assert.equal(rolesProblem(['admin', 'user']), undefined)
  assert.notEqual(rolesProblem(['has space']), undefined)
  assert.notEqual(rolesProblem(Array.from({ length: 33 }, (_, i) => `r${i}`)), undefined)
  await assert.rejects(auth.admin.updateUser(user.id, { roles: [''] }), { code: 'VALIDATION_FAILED' })
  assert.deepEqual((await auth.admin.updateUser(user.id, { roles: ['a', 'a', 'b'] })).user.roles, ['a', 'b'])
  await assert.rejects(auth.admin.updateUser('missing', { disabled: true }), { code: 'USER_NOT_FOUND' })
})

test('listUsers pages and searches email and username, 20 a page by default', async () => {
  const { auth, clock } = await setup()
  for (let i = 0; i < 5; i++) {
    clock.advance(1000)
    await auth.accounts.register({ email: `user${i}@corp.example`, password: PASSWORD, username: `member${i}` })
  }
  const all = await auth.admin.listUsers({ limit: 2, offset: 0 })
  assert.equal(all.total, 6)
  assert.equal(all.users.length, 2)
  assert.equal(all.users[0]!.email, 'ada@example.com')
  const corp = await auth.admin.listUsers({ q: 'CORP', limit: 10, offset: 3 })
  assert.equal(corp.total, 5)
  assert.deepEqual(corp.users.map((u) => u.username), ['member3', 'member4'])
  assert.equal((await auth.admin.listUsers({ q: 'member2', limit: 10, offset: 0 })).total, 1)
  assert.equal((await auth.admin.listUsers({ q: '  ', limit: 10, offset: 0 })).total, 6)
  assert.equal((await auth.admin.listUsers()).users.length, 6)
})

test('listUsers without a limit answers DEFAULT_PAGE_SIZE users', async () => {
  const { auth, store } = await setup()
  for (let i = 0; i < DEFAULT_PAGE_SIZE + 4; i++) {
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString()
    await store.createUser({ id: `u${i}`, email: `u${i}@example.com`, username: null, passwordHash: 'x', roles: ['user'], createdAt: at })
  }
  const page = await auth.admin.listUsers({ offset: 1 })
  assert.equal(page.users.length, DEFAULT_PAGE_SIZE)
  assert.equal(page.total, DEFAULT_PAGE_SIZE + 5)
  assert.equal(page.users[0]!.id, 'u1')
})

test('listSessions lists live sessions; endUserSessions revokes them', async () => {
  const { auth, user, login } = await setup()
  const a = await login()
  await login()
  assert.equal((await auth.admin.listSessions(user.id)).length, 2)
  assert.equal(await auth.admin.endUserSessions(user.id), 2)
  assert.equal((await auth.admin.listSessions(user.id)).length, 0)
  await assert.rejects(auth.sessions.authenticate(a.accessToken), { code: 'TOKEN_REVOKED' })
  await assert.rejects(auth.admin.listSessions('missing'), { code: 'USER_NOT_FOUND' })
})

test('deleteUser removes the account and kills its tokens; a missing one is USER_NOT_FOUND', async () => {
  const { auth, user, store, login } = await setup()
  const a = await login()
  await auth.admin.deleteUser(user.id)
  assert.equal(await store.findUserById(user.id), undefined)
  await assert.rejects(auth.sessions.authenticate(a.accessToken), { code: 'TOKEN_REVOKED' })
  await assert.rejects(auth.admin.deleteUser(user.id), { code: 'USER_NOT_FOUND' })
  await assert.rejects(auth.admin.getUser(user.id), { code: 'USER_NOT_FOUND' })
})

test('getUser, listUsers and updateUser answer users without their password hash', async () => {
  const { auth, user } = await setup()
  const got = await auth.admin.getUser(user.id)
  assert.deepEqual(Object.keys(got).sort(), ['createdAt', 'disabled', 'email', 'emailVerifiedAt', 'id', 'roles', 'updatedAt', 'username'])
  assert.equal(got.email, 'ada@example.com')
  const { users } = await auth.admin.listUsers()
  assert.ok(users.every((u) => !('passwordHash' in u)))
  assert.ok(!('passwordHash' in (await auth.admin.updateUser(user.id, { roles: ['user'] })).user))
  assert.ok(!('passwordHash' in user), 'register answers no hash either')
})

test('a login racing with a disable cannot leave a live session behind', async () => {
  const { auth, user, store, login } = await setup()
  // The admin's write lands, and its revocation runs, after the password check but before
  // the new session row exists: the revocation cannot see the row, so login must notice.
  const create = store.createSession.bind(store)
  store.createSession = async (session) => {
    await auth.admin.updateUser(user.id, { disabled: true })
    await create(session)
  }
  await assert.rejects(login(), { code: 'ACCOUNT_DISABLED' })
  assert.equal((await store.listLiveSessions(user.id, new Date(auth.clock.now()).toISOString())).length, 0)
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
      assert.equal((await auth.admin.updateUser(user.id, { roles: ['user'] })).revoked, 1)
    }
  }
  const tokens = await login()
  const claims = await auth.sessions.authenticate(tokens.accessToken)
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
    await auth.admin.updateUser(user.id, { roles: roles.shift() ?? ['user', 'b'] })
    await auth.admin.updateUser(user.id, { roles: ['x'] })
  }
  await assert.rejects(login(), { code: 'LOGIN_INTERRUPTED' })
  assert.equal((await store.listLiveSessions(user.id, new Date(auth.clock.now()).toISOString())).length, 0)
})
