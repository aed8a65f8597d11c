// The throttle wired into core login: counted per submitted identifier whether or not the
// account exists, the same answers for both, a success resetting, and waits on the clock.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AuthError } from '../../../src/core/errors.js'
import { contextOf } from '../../../src/core/auth.js'
import { coreAuth } from '../../helpers.js'

const PASSWORD = 'correct horse battery'

async function attempt(auth: ReturnType<typeof coreAuth>['auth'], identifier: { email: string } | { username: string }, password: string) {
  try {
    await auth.accounts.login({ ...identifier, password })
    return { code: 'OK', retryAfter: undefined }
  } catch (err) {
    assert.ok(err instanceof AuthError)
    return { code: err.code, retryAfter: err.retryAfter }
  }
}

test('existing and unknown accounts get the same answers, attempt by attempt', async () => {
  const { auth } = coreAuth()
  await auth.accounts.register({ email: 'ada@example.com', password: PASSWORD })
  const known = []
  const unknown = []
  for (let i = 0; i < 8; i++) {
    known.push(await attempt(auth, { email: 'ada@example.com' }, 'wrong password'))
    unknown.push(await attempt(auth, { email: 'nobody@example.com' }, 'wrong password'))
  }
  assert.deepEqual(known, unknown)
  assert.deepEqual(
    known.map((a) => a.code),
    ['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'LOGIN_THROTTLED', 'LOGIN_THROTTLED', 'LOGIN_THROTTLED'],
  )
  assert.equal(known[5]!.retryAfter, 60)
})

test('while throttled even the right password waits; afterwards it succeeds and resets', async () => {
  const { auth, clock } = coreAuth()
  await auth.accounts.register({ email: 'ada@example.com', password: PASSWORD })
  for (let i = 0; i < 5; i++) await attempt(auth, { email: 'ada@example.com' }, 'wrong password')
  assert.deepEqual(await attempt(auth, { email: 'ada@example.com' }, PASSWORD), { code: 'LOGIN_THROTTLED', retryAfter: 60 })
  clock.advance(60_000)
  assert.equal((await attempt(auth, { email: 'ada@example.com' }, PASSWORD)).code, 'OK')
  for (let i = 0; i < 4; i++) assert.equal((await attempt(auth, { email: 'ada@example.com' }, 'wrong password')).code, 'INVALID_CREDENTIALS')
})

test('the identifier is normalized: case and spacing do not make a new counter', async () => {
  const { auth } = coreAuth()
  const spellings = ['ada@example.com', 'ADA@example.com', ' Ada@Example.com', 'ada@EXAMPLE.COM', 'aDa@example.com']
  for (const email of spellings) await attempt(auth, { email }, 'wrong password')
  assert.equal((await attempt(auth, { email: 'ada@example.com' }, 'wrong password')).code, 'LOGIN_THROTTLED')
})

test('LOGIN_MAX_FAILURES is honoured, and 0 turns the throttle off', async () => {
  const three = coreAuth({ loginMaxFailures: 3 }).auth
  for (let i = 0; i < 3; i++) await attempt(three, { username: 'ada' }, 'wrong password')
  assert.equal((await attempt(three, { username: 'ada' }, 'wrong password')).code, 'LOGIN_THROTTLED')
  const off = coreAuth({ loginMaxFailures: 0 }).auth
  for (let i = 0; i < 20; i++) assert.equal((await attempt(off, { username: 'ada' }, 'wrong password')).code, 'INVALID_CREDENTIALS')
})

test('parallel guesses cannot exceed the budget', async () => {
  const { auth } = coreAuth()
  const results = await Promise.all(Array.from({ length: 20 }, () => attempt(auth, { email: 'ada@example.com' }, 'wrong password')))
  assert.equal(results.filter((r) => r.code === 'INVALID_CREDENTIALS').length, 5)
  assert.equal(results.filter((r) => r.code === 'LOGIN_THROTTLED').length, 15)
})

test('a disabled account answers ACCOUNT_DISABLED only to the right password', async () => {
  const { auth } = coreAuth()
  const user = await auth.accounts.register({ email: 'ada@example.com', password: PASSWORD })
  await contextOf(auth).store.updateUser(user.id, { disabled: true, updatedAt: new Date().toISOString() })
  assert.equal((await attempt(auth, { email: 'ada@example.com' }, 'wrong password')).code, 'INVALID_CREDENTIALS')
  assert.equal((await attempt(auth, { email: 'ada@example.com' }, PASSWORD)).code, 'ACCOUNT_DISABLED')
})
