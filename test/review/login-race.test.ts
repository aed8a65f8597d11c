// Review: an account deleted while its login is between the password check and the session
// insert must answer like a wrong password (401 INVALID_CREDENTIALS), not a 500 from the
// sessions -> users foreign key.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createAuth } from '../../src/core/auth.js'
import { deleteUser } from '../../src/core/accounts/self.js'
import { Keyring } from '../../src/core/tokens/keyring.js'
import { KyselyStore } from '../../src/store/kysely/store.js'
import { TEST_SECRET } from '../helpers.js'

test('login racing an account deletion answers INVALID_CREDENTIALS on the SQL store', async () => {
  const store = KyselyStore.fromUrl('sqlite::memory:')
  await store.migrate()
  const auth = createAuth({ store, keyring: Keyring.of([{ alg: 'HS256', secret: TEST_SECRET }]), argon2: { memoryCost: 1024, timeCost: 1 } })
  const ada = await auth.register({ email: 'ada@example.com', password: 'correct horse battery' })
  const find = store.findUserByEmail.bind(store)
  store.findUserByEmail = async (email: string) => {
    const user = await find(email)
    await deleteUser(auth.context, ada.id, 'admin') // an admin deletes the account right after the lookup
    return user
  }
  try {
    await assert.rejects(auth.login({ identifier: { email: 'ada@example.com' }, password: 'correct horse battery' }), { code: 'INVALID_CREDENTIALS' })
  } finally {
    await store.close()
  }
})
