// The password rules over HTTP: NFC and NFD forms of one password log in both ways (register
// and change), lone surrogates are 400 where a password is set and 401 at login,
// PASSWORD_TOO_WEAK names why, PASSWORD_MIN_LENGTH is honoured, an account whose password
// predates the rules still logs in, and usernames are stored lowercased.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bearer, json, logIn, signUp, testApp } from '../helpers.js'
import { contextOf } from '../../src/core/auth.js'

const NFC = 'Cr\u00e8me br\u00fbl\u00e9e 42'
const NFD = NFC.normalize('NFD')

test('register in NFD, log in with NFC and NFD; change to NFC, log in with NFD', async () => {
  const { app } = await testApp()
  const { tokens } = await signUp(app, { email: 'ada@example.com', password: NFD })
  await logIn(app, 'ada@example.com', NFC)
  await logIn(app, 'ada@example.com', NFD)
  const change = await app.inject({
    method: 'PUT',
    url: '/auth/me/password',
    headers: bearer(tokens.access_token),
    payload: { current_password: NFC, new_password: `${NFC}!` },
  })
  assert.equal(change.statusCode, 204, change.body)
  await logIn(app, 'ada@example.com', `${NFD}!`)
  await logIn(app, 'ada@example.com', `${NFC}!`)
  await app.close()
})

test('lone surrogates: 400 at register and change, 401 (not 500) at login', async () => {
  const { app } = await testApp()
  for (const password of ['abcdefgh\ud800', 'abcdefgh\udfff']) {
    const res = await app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'ada@example.com', password } })
    assert.equal(res.statusCode, 400)
    assert.equal(json(res).code, 'VALIDATION_FAILED')
    assert.equal(json(res).field, 'password')
    assert.match(json<{ message: string }>(res).message, /surrogate/)
  }
  const { tokens, password } = await signUp(app, { email: 'ada@example.com', password: 'abcdefgh\ufffd' })
  for (const lone of ['abcdefgh\ud800', 'abcdefgh\udfff']) {
    const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: lone } })
    assert.equal(res.statusCode, 401)
    assert.equal(json(res).code, 'INVALID_CREDENTIALS')
  }
  const change = await app.inject({
    method: 'PUT',
    url: '/auth/me/password',
    headers: bearer(tokens.access_token),
    payload: { current_password: password, new_password: 'new password \udc00' },
  })
  assert.equal(change.statusCode, 400)
  assert.equal(json(change).field, 'new_password')
  await app.close()
})

test('12345678, eight spaces, the email local part -> 400 PASSWORD_TOO_WEAK saying why', async () => {
  const { app } = await testApp()
  for (const [email, password, message] of [
    ['ada@example.com', '12345678', 'password is too common'],
    ['ada@example.com', 'Password1', 'password is too common'],
    ['ada@example.com', '        ', 'password must not be only whitespace'],
    ['ada.lovelace@example.com', 'ada.lovelace', 'password must not be your email or username'],
    ['ada.lovelace@example.com', 'ADA.LOVELACE@example.com', 'password must not be your email or username'],
  ] as const) {
    const res = await app.inject({ method: 'POST', url: '/auth/register', payload: { email, password } })
    assert.equal(res.statusCode, 400, password)
    assert.deepEqual(json(res), { statusCode: 400, code: 'PASSWORD_TOO_WEAK', error: 'Bad Request', message, field: 'password' })
  }
  const username = await app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'ada@example.com', username: 'lovelace1815', password: 'Lovelace1815' } })
  assert.equal(json(username).code, 'PASSWORD_TOO_WEAK')
  const { tokens, password } = await signUp(app, { email: 'ada@example.com' })
  const change = await app.inject({ method: 'PUT', url: '/auth/me/password', headers: bearer(tokens.access_token), payload: { current_password: password, new_password: 'iloveyou' } })
  assert.equal(change.statusCode, 400)
  assert.equal(json(change).code, 'PASSWORD_TOO_WEAK')
  assert.equal(json(change).field, 'new_password')
  await app.close()
})

test('an existing account with a now-weak password still logs in', async () => {
  const { app, auth } = await testApp()
  const { user } = await signUp(app, { email: 'ada@example.com' })
  // As stored before the rules existed.
  await contextOf(auth).store.updateUser(user.id as string, { passwordHash: await contextOf(auth).hasher.hash('12345678'), updatedAt: new Date().toISOString() })
  await logIn(app, 'ada@example.com', '12345678')
  await app.close()
})

test('PASSWORD_MIN_LENGTH=12 refuses 10 characters at register and change', async () => {
  const { app } = await testApp({ PASSWORD_MIN_LENGTH: '12' })
  const short = await app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'ada@example.com', password: 'ten chars!' } })
  assert.equal(short.statusCode, 400)
  assert.equal(json(short).code, 'VALIDATION_FAILED')
  assert.equal(json(short).field, 'password')
  assert.equal(json(short).message, 'password must be at least 12 characters')
  const { tokens, password } = await signUp(app, { email: 'ada@example.com', password: 'twelve chars' })
  const change = await app.inject({ method: 'PUT', url: '/auth/me/password', headers: bearer(tokens.access_token), payload: { current_password: password, new_password: 'ten chars!' } })
  assert.equal(change.statusCode, 400)
  assert.equal(json(change).field, 'new_password')
  await app.close()
})

test('PATCH /auth/me stores the username lowercased (the answer shows it); login by username ignores case', async () => {
  const { app } = await testApp()
  const { tokens, password } = await signUp(app, { email: 'ada@example.com' })
  const res = await app.inject({ method: 'PATCH', url: '/auth/me', headers: bearer(tokens.access_token), payload: { username: 'Ada.L' } })
  assert.equal(json(res).username, 'ada.l')
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'ADA.L', password } })
  assert.equal(login.statusCode, 200)
  await app.close()
})
