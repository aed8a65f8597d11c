// POST /auth/register (and GET /health): the user view, normalization, username rules,
// conflicts, and type-strict validation that names the offending field.

import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { json, testApp, type TestApp, type Tokens } from '../helpers.js'
import { contextOf } from '../../src/core/auth.js'

let t: TestApp
before(async () => {
  t = await testApp()
})
after(() => t.app.close())

const PASSWORD = 'correct horse battery'
const register = (payload: unknown) => t.app.inject({ method: 'POST', url: '/auth/register', payload: payload as object })

let n = 0
const freshEmail = () => `user${++n}@example.com`

test('GET /health -> 200', async () => {
  const res = await t.app.inject({ url: '/health' })
  assert.equal(res.statusCode, 200)
  assert.deepEqual(json(res), { status: 'ok' })
})

test('register -> 201 with id, email, username, created_at; never the password or its hash', async () => {
  const res = await register({ email: 'grace@example.com', password: PASSWORD, username: 'grace' })
  assert.equal(res.statusCode, 201)
  const body = json(res)
  assert.equal(typeof body.id, 'string')
  assert.ok((body.id as string).length > 0)
  assert.equal(body.email, 'grace@example.com')
  assert.equal(body.username, 'grace')
  assert.equal(body.created_at, new Date(t.clock.now()).toISOString())
  for (const key of Object.keys(body)) assert.doesNotMatch(key, /password|hash/i)
  assert.ok(!res.body.includes(PASSWORD))
  assert.ok(!res.body.includes('$argon2'))
  // The stored hash is argon2id.
  const stored = await contextOf(t.auth).store.findUserById(body.id as string)
  assert.ok(stored?.passwordHash.startsWith('$argon2id$'))
})

test('email is trimmed and lowercased, and compared that way', async () => {
  const res = await register({ email: '  Linus@Example.COM ', password: PASSWORD })
  assert.equal(res.statusCode, 201)
  assert.equal(json(res).email, 'linus@example.com')
  assert.equal(json(res).username, null)
  const dup = await register({ email: 'LINUS@example.com', password: PASSWORD })
  assert.equal(dup.statusCode, 409)
  assert.equal(json(dup).code, 'EMAIL_TAKEN')
})

test('duplicate email -> 409 EMAIL_TAKEN', async () => {
  const email = freshEmail()
  assert.equal((await register({ email, password: PASSWORD })).statusCode, 201)
  const res = await register({ email, password: 'another password' })
  assert.equal(res.statusCode, 409)
  assert.equal(json(res).code, 'EMAIL_TAKEN')
  assert.equal(json(res).statusCode, 409)
})

test('usernames are unique case-insensitively: Ada then ada -> 409 USERNAME_TAKEN', async () => {
  const first = await register({ email: freshEmail(), password: PASSWORD, username: 'Ada' })
  assert.equal(first.statusCode, 201)
  assert.equal(json(first).username, 'ada')
  const second = await register({ email: freshEmail(), password: PASSWORD, username: 'ada' })
  assert.equal(second.statusCode, 409)
  assert.equal(json(second).code, 'USERNAME_TAKEN')
  const third = await register({ email: freshEmail(), password: PASSWORD, username: 'ADA' })
  assert.equal(json(third).code, 'USERNAME_TAKEN')
})

test('username rules: 3 to 32 of [a-z0-9_.-]', async () => {
  for (const ok of ['abc', 'a'.repeat(32), 'x_y.z-1', '0-9']) {
    const res = await register({ email: freshEmail(), password: PASSWORD, username: ok })
    assert.equal(res.statusCode, 201, ok)
  }
  for (const bad of ['ab', 'a'.repeat(33), 'a b', 'ada!', 'adá', 'a/b', '']) {
    const res = await register({ email: freshEmail(), password: PASSWORD, username: bad })
    assert.equal(res.statusCode, 400, JSON.stringify(bad))
    assert.equal(json(res).code, 'VALIDATION_FAILED')
    assert.equal(json(res).field, 'username')
  }
})

test('non-string fields -> 400 VALIDATION_FAILED naming the field (no coercion)', async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ email: freshEmail(), password: 12345678 }, 'password'],
    [{ email: 5, password: PASSWORD }, 'email'],
    [{ email: freshEmail(), password: PASSWORD, username: 42 }, 'username'],
    [{ email: [freshEmail()], password: PASSWORD }, 'email'],
    [{ email: freshEmail(), password: { toString: 'x' } }, 'password'],
    [{ email: freshEmail(), password: true }, 'password'],
  ]
  for (const [payload, field] of cases) {
    const res = await register(payload)
    assert.equal(res.statusCode, 400, JSON.stringify(payload))
    assert.equal(json(res).code, 'VALIDATION_FAILED')
    assert.equal(json(res).field, field, JSON.stringify(payload))
  }
})

test('missing fields -> 400 naming the field', async () => {
  const noEmail = await register({ password: PASSWORD })
  assert.equal(noEmail.statusCode, 400)
  assert.equal(json(noEmail).code, 'VALIDATION_FAILED')
  assert.equal(json(noEmail).field, 'email')
  const noPassword = await register({ email: freshEmail() })
  assert.equal(json(noPassword).field, 'password')
})

test('password of 7 and of 1025 characters -> 400; 8 and 1024 are fine', async () => {
  for (const password of ['1234567', 'p'.repeat(1025)]) {
    const res = await register({ email: freshEmail(), password })
    assert.equal(res.statusCode, 400, `length ${password.length}`)
    assert.equal(json(res).code, 'VALIDATION_FAILED')
    assert.equal(json(res).field, 'password')
    assert.ok(!res.body.includes(password))
  }
  for (const password of ['tw-8char', 'p'.repeat(1024)]) {
    assert.equal((await register({ email: freshEmail(), password })).statusCode, 201, `length ${password.length}`)
  }
})

test('password length counts characters, not UTF-16 units: 1024 emoji fine, 1025 or 4 refused', async () => {
  const emoji = '\u{1F511}' // two UTF-16 units, one character
  assert.equal((await register({ email: freshEmail(), password: emoji.repeat(1024) })).statusCode, 201)
  for (const password of [emoji.repeat(1025), emoji.repeat(4)]) {
    const res = await register({ email: freshEmail(), password })
    assert.equal(res.statusCode, 400, `${[...password].length} characters`)
    assert.equal(json(res).code, 'VALIDATION_FAILED')
    assert.equal(json(res).field, 'password')
  }
})

test('invalid email -> 400 naming email, without echoing it', async () => {
  for (const email of ['not-an-email', 'a@b', 'two@@example.com', 'sp ace@example.com', `${'x'.repeat(250)}@example.com`]) {
    const res = await register({ email, password: PASSWORD })
    assert.equal(res.statusCode, 400, email)
    assert.equal(json(res).code, 'VALIDATION_FAILED')
    assert.equal(json(res).field, 'email')
    assert.ok(!res.body.includes(email))
  }
})

test('a body that is not an object -> 400 VALIDATION_FAILED', async () => {
  for (const payload of ['[1,2]', 'null', '"text"', '42']) {
    const res = await t.app.inject({ method: 'POST', url: '/auth/register', payload, headers: { 'content-type': 'application/json' } })
    assert.equal(res.statusCode, 400, payload)
    assert.equal(json(res).code, 'VALIDATION_FAILED')
  }
})

test('extra body fields cannot set roles, id or disabled (no privilege escalation at sign-up)', async () => {
  const email = freshEmail()
  const res = await register({ email, password: PASSWORD, roles: ['admin'], id: 'chosen-id', disabled: true, password_hash: 'x' })
  assert.equal(res.statusCode, 201)
  const body = json(res)
  assert.deepEqual(body.roles, ['user'])
  assert.notEqual(body.id, 'chosen-id')
  const stored = await contextOf(t.auth).store.findUserByEmail(email)
  assert.deepEqual(stored?.roles, ['user'])
  assert.equal(stored?.disabled, false)
  assert.ok(stored?.passwordHash.startsWith('$argon2id$'))
  const login = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: PASSWORD } })
  const access = JSON.parse(Buffer.from(json<Tokens>(login).access_token.split('.')[1]!, 'base64url').toString())
  assert.deepEqual(access.roles, ['user'])
})

test('10 parallel registrations of one email: exactly one 201, the rest 409 EMAIL_TAKEN, no 5xx', async () => {
  const email = freshEmail()
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => register({ email: i % 2 ? email.toUpperCase() : email, password: PASSWORD })))
  const statuses = results.map((r) => r.statusCode).sort()
  assert.deepEqual(statuses, [201, ...Array(9).fill(409)])
  for (const r of results.filter((r) => r.statusCode === 409)) assert.equal(json(r).code, 'EMAIL_TAKEN')
})
