// Review: an account deleted while its login is between the password check and the session
// insert must answer like a wrong password (401 INVALID_CREDENTIALS), not a 500 from the
// sessions -> users foreign key.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { contextOf, createAuth } from '../../src/core/auth.js'
import { deleteUser } from '../../src/core/accounts/self.js'
import { Keyring } from '../../src/core/tokens/keyring.js'
import { createStore } from '../../src/store/create.js'
import { coreAuth, TEST_SECRET } from '../helpers.js'

test('login racing an account deletion answers INVALID_CREDENTIALS on the SQL store', async () => {
  const store = (await createStore({ databaseUrl: 'sqlite::memory:' }))
  await store.migrate()
  const auth = createAuth({ store, keyring: Keyring.of([{ alg: 'HS256', secret: TEST_SECRET }]), argon2: { memoryCost: 1024, timeCost: 1 } })
  const ada = await auth.accounts.register({ email: 'ada@example.com', password: 'correct horse battery' })
  const find = store.findUserByEmail.bind(store)
  store.findUserByEmail = async (email: string) => {
    const user = await find(email)
    await deleteUser(contextOf(auth), ada.id, 'user_deleted') // an admin deletes the account right after the lookup
    return user
  }
  try {
    await assert.rejects(auth.accounts.login({ email: 'ada@example.com', password: 'correct horse battery' }), { code: 'INVALID_CREDENTIALS' })
  } finally {
    await store.close()
  }
})

test('a login with the old password that lands during a password change gets no session', async () => {
  const { auth, store } = coreAuth()
  const ada = await auth.accounts.register({ email: 'ada@example.com', password: 'correct horse battery' })
  const mine = await auth.accounts.login({ email: 'ada@example.com', password: 'correct horse battery' })
  const find = store.findUserByEmail.bind(store)
  let raced = false
  store.findUserByEmail = async (email: string) => {
    const user = await find(email) // the attacker's login read the old hash...
    if (!raced) {
      raced = true
      // ...and the owner changes the password before that login opens its session.
      await auth.accounts.changePassword(ada.id, { currentPassword: 'correct horse battery', newPassword: 'a brand new password', keepSessionId: mine.sessionId })
    }
    return user
  }
  const attempt = await auth.accounts.login({ email: 'ada@example.com', password: 'correct horse battery' }).then(
    (pair) => pair,
    (err: { code?: string }) => String(err.code),
  )
  if (typeof attempt === 'string') assert.equal(attempt, 'INVALID_CREDENTIALS')
  else await assert.rejects(auth.sessions.authenticate(attempt.accessToken), { code: 'TOKEN_REVOKED' }, 'a session opened with the old password survived the change')
  await auth.sessions.authenticate(mine.accessToken) // the session that made the change stays
})

test('a legacy hash upgraded at login does not make that login look like a password change', async () => {
  const { auth, store } = coreAuth()
  const ada = await auth.accounts.register({ email: 'ada@example.com', password: 'correct horse battery' })
  // Werkzeug pbkdf2 hash of the same password, as a migrated Flask app would have stored it.
  const { pbkdf2Sync } = await import('node:crypto')
  const legacy = `pbkdf2:sha256:1000$salt$${pbkdf2Sync('correct horse battery', 'salt', 1000, 32, 'sha256').toString('hex')}`
  await store.updateUser(ada.id, { passwordHash: legacy, updatedAt: new Date().toISOString() })
  const pair = await auth.accounts.login({ email: 'ada@example.com', password: 'correct horse battery' })
  await auth.sessions.authenticate(pair.accessToken)
  assert.match((await store.findUserById(ada.id))!.passwordHash, /^\$argon2id\$/)
})
