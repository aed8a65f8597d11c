// Logging in through the core auth service: a user migrated from Flask with a Werkzeug hash
// logs in and the stored hash becomes argon2id; unknown user and wrong password look the same.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createAuth } from '../../../src/core/auth.js'
import { ManualClock } from '../../../src/core/clock.js'
import { AuthError } from '../../../src/core/errors.js'
import { Keyring } from '../../../src/core/tokens/keyring.js'
import { MemoryStore } from '../../../src/store/memory.js'

const WERKZEUG = {
  scrypt:
    'scrypt:32768:8:1$CJWYMGbhfdgqbA3v$0f277e07346b165e76c99a0ba3d20c85d3162150d151fe43b7906a0a3b5a7bb6d71e8916434ea1ad4c132a7e41d70aca044a9af8e19cab7f505774df140439c3',
  pbkdf2: 'pbkdf2:sha256:1000$FYXZiSvtlwDQEHBN$a5169a4cce39d13d17df5f1f76375a3799cf9ea0edc5e739e80c459f104d8193',
}

function setup() {
  const store = new MemoryStore()
  const clock = new ManualClock()
  const auth = createAuth({
    store,
    clock,
    keyring: Keyring.of([{ alg: 'HS256', secret: 'login-test-secret-at-least-32-bytes!' }]),
    argon2: { memoryCost: 1024, timeCost: 1 },
  })
  return { store, clock, auth }
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p
  } catch (err) {
    assert.ok(err instanceof AuthError)
    return err.code
  }
  return undefined
}

for (const [kind, legacyHash] of Object.entries(WERKZEUG)) {
  test(`login with a Werkzeug ${kind} hash upgrades it to argon2id in the store`, async () => {
    const { store, clock, auth } = setup()
    const created = await store.createUser({
      id: 'u-flask',
      email: 'flask@example.com',
      username: 'flask',
      passwordHash: legacyHash,
      roles: ['user'],
      createdAt: new Date(clock.now()).toISOString(),
    })
    assert.ok(created.ok)
    // A wrong password changes nothing.
    assert.equal(await codeOf(auth.accounts.login({ email: 'flask@example.com', password: 'hunter23' })), 'INVALID_CREDENTIALS')
    assert.equal((await store.findUserById('u-flask'))!.passwordHash, legacyHash)

    clock.advance(1000)
    const pair = await auth.accounts.login({ email: 'flask@example.com', password: 'hunter22' })
    assert.equal((await auth.sessions.authenticate(pair.accessToken, 'access')).sub, 'u-flask')
    const after = (await store.findUserById('u-flask'))!
    assert.ok(after.passwordHash.startsWith('$argon2id$v=19$m=1024,t=1,p=1$'), 'upgraded to the current argon2id parameters')
    assert.equal(after.updatedAt, new Date(clock.now()).toISOString())
    // The new hash works, by username too.
    const again = await auth.accounts.login({ username: 'Flask', password: 'hunter22' })
    assert.ok(again.accessToken.length > 0)
    assert.equal((await store.findUserById('u-flask'))!.passwordHash, after.passwordHash, 'no second rehash')
  })
}

test('unknown account and wrong password fail the same way', async () => {
  const { auth } = setup()
  await auth.accounts.register({ email: 'ada@example.com', password: 'correct horse' })
  assert.equal(await codeOf(auth.accounts.login({ email: 'ada@example.com', password: 'wrong horse' })), 'INVALID_CREDENTIALS')
  assert.equal(await codeOf(auth.accounts.login({ email: 'bob@example.com', password: 'correct horse' })), 'INVALID_CREDENTIALS')
  assert.equal(await codeOf(auth.accounts.login({ username: 'nobody', password: 'correct horse' })), 'INVALID_CREDENTIALS')
  assert.equal(await codeOf(auth.accounts.login({ email: ' ADA@example.com ', password: 'correct horse' })), undefined)
})

test('a disabled account cannot log in', async () => {
  const { store, clock, auth } = setup()
  const user = await auth.accounts.register({ email: 'off@example.com', password: 'correct horse' })
  await store.updateUser(user.id, { disabled: true, updatedAt: new Date(clock.now()).toISOString() })
  assert.equal(await codeOf(auth.accounts.login({ email: 'off@example.com', password: 'correct horse' })), 'ACCOUNT_DISABLED')
})
