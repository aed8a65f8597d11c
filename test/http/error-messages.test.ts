// Error messages say what is wrong in words a client understands and never echo the request:
// no unknown key, no submitted value (a JSON body posted as a form arrives as one key holding
// the password). Every message a code can carry is listed in docs/errors.md, checked here
// against the messages written in src/ and those the validation layer produced in these tests.

import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, test } from 'node:test'
import { Type } from 'typebox'
import { Compile } from 'typebox/compile'
import { ERRORS, type ErrorCode } from '../../src/core/errors.js'
import { describeValidation } from '../../src/http/validation.js'
import { bearer, json, signUp, signUpAdmin, testApp, type TestApp, type Tokens } from '../helpers.js'

const SECRET_KEY = 'hunter2-secret-Kq7Zx'
const SECRET_PASSWORD = 'Pw-Marker-9fT2-hunter2'
const JSON_TYPE = { 'content-type': 'application/json' }
const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' }

let t: TestApp
let user: Tokens
let admin: Tokens
/** Every VALIDATION_FAILED message the server answered in this file, checked against the docs last. */
const validationMessages = new Set<string>()

before(async () => {
  t = await testApp()
  user = (await signUp(t.app, { email: 'ada@example.com', password: 'correct horse battery', username: 'ada' })).tokens
  admin = (await signUpAdmin(t.app, t.auth)).tokens
})
after(() => t.app.close())

interface ErrorBody {
  statusCode: number
  code: string
  error: string
  message: string
  field?: string
}

async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload: string | undefined, headers: Record<string, string>): Promise<{ status: number; raw: string; body: ErrorBody }> {
  const res = await t.app.inject({ method, url, payload, headers })
  const body = json<ErrorBody>(res)
  if (body.code === 'VALIDATION_FAILED') validationMessages.add(body.message)
  return { status: res.statusCode, raw: res.body, body }
}

function assertNoEcho(raw: string, ...secrets: string[]): void {
  for (const secret of secrets) assert.ok(!raw.includes(secret), `the response echoes ${secret}: ${raw}`)
}

test('an unknown body key is refused without naming it, on every route that refuses unknown keys', async () => {
  const cases = [
    { method: 'PATCH' as const, url: '/auth/me', token: () => user.access_token, body: { username: 'abc', [SECRET_KEY]: 1 }, allowed: 'username, email' },
    { method: 'PATCH' as const, url: '/admin/users/some-id', token: () => admin.access_token, body: { disabled: true, [SECRET_KEY]: SECRET_PASSWORD }, allowed: 'roles, disabled' },
  ]
  for (const c of cases) {
    const res = await call(c.method, c.url, JSON.stringify(c.body), { ...JSON_TYPE, ...bearer(c.token()) })
    assert.equal(res.status, 400, res.raw)
    assert.equal(res.body.code, 'VALIDATION_FAILED')
    assert.equal(res.body.message, `body has a property that is not allowed (allowed: ${c.allowed})`)
    assert.equal(res.body.field, undefined, 'an unknown key is not a field')
    assertNoEcho(res.raw, SECRET_KEY, 'hunter2', SECRET_PASSWORD)
  }
})

test('a JSON body sent as a form (one key holding the password) is never echoed', async () => {
  const payload = JSON.stringify({ email: 'ada@example.com', password: SECRET_PASSWORD, username: 'ada2' })
  const routes: Array<['POST' | 'PUT' | 'PATCH' | 'DELETE', string, Record<string, string>]> = [
    ['POST', '/auth/login', {}],
    ['POST', '/auth/register', {}],
    ['PATCH', '/auth/me', bearer(user.access_token)],
    ['PUT', '/auth/me/password', bearer(user.access_token)],
    ['DELETE', '/auth/me', bearer(user.access_token)],
    ['PATCH', '/admin/users/some-id', bearer(admin.access_token)],
  ]
  for (const [method, url, headers] of routes) {
    const res = await call(method, url, payload, { ...FORM_TYPE, ...headers })
    assert.equal(res.status, 400, `${method} ${url}: ${res.raw}`)
    assertNoEcho(res.raw, SECRET_PASSWORD, 'ada@example.com', '{"email"')
  }
})

test('a value that breaks its field rule is described, never repeated', async () => {
  const username = await call('PATCH', '/auth/me', JSON.stringify({ username: `${SECRET_PASSWORD}!` }), { ...JSON_TYPE, ...bearer(user.access_token) })
  assert.equal(username.body.code, 'VALIDATION_FAILED')
  assert.equal(username.body.field, 'username')
  assert.equal(username.body.message, 'username must be 3 to 32 characters of a-z, 0-9, _ . - or null')
  assertNoEcho(username.raw, SECRET_PASSWORD, '^[A-Za-z')

  const type = await call('PATCH', '/auth/me', JSON.stringify({ username: 12345 }), { ...JSON_TYPE, ...bearer(user.access_token) })
  assert.equal(type.body.field, 'username')

  const roles = await call('PATCH', '/admin/users/some-id', JSON.stringify({ roles: ['ok', `${SECRET_KEY} spaced`] }), { ...JSON_TYPE, ...bearer(admin.access_token) })
  assert.equal(roles.body.field, 'roles')
  assert.match(roles.body.message, /^roles must be a list of at most 32 roles, each 1 to 64 characters/)
  assertNoEcho(roles.raw, SECRET_KEY)

  const limit = await call('GET', `/admin/users?limit=${SECRET_KEY}`, undefined, bearer(admin.access_token))
  assert.equal(limit.body.field, 'limit')
  assert.equal(limit.body.message, 'limit must be a whole number from 1 to 100')
  assertNoEcho(limit.raw, SECRET_KEY)

  const root = await call('POST', '/auth/login', JSON.stringify([SECRET_PASSWORD]), JSON_TYPE)
  assert.equal(root.body.message, 'body must be an object')
  assertNoEcho(root.raw, SECRET_PASSWORD)
})

test('the logout scope names its allowed values', async () => {
  const res = await call('POST', `/auth/logout?scope=${SECRET_KEY}`, undefined, bearer(user.access_token))
  assert.equal(res.status, 400)
  assert.equal(res.body.code, 'VALIDATION_FAILED')
  assert.equal(res.body.field, 'scope')
  assert.equal(res.body.message, 'scope must be one of local, global, others')
  assertNoEcho(res.raw, SECRET_KEY)
})

test('login, registration and password change word a too long password the same way', async () => {
  const long = 'x'.repeat(3000)
  const login = await call('POST', '/auth/login', JSON.stringify({ email: 'ada@example.com', password: long }), JSON_TYPE)
  const register = await call('POST', '/auth/register', JSON.stringify({ email: 'new@example.com', password: long }), JSON_TYPE)
  const registerRule = await call('POST', '/auth/register', JSON.stringify({ email: 'new@example.com', password: 'y'.repeat(1025) }), JSON_TYPE)
  const change = await call('PUT', '/auth/me/password', JSON.stringify({ current_password: long, new_password: 'long enough password' }), { ...JSON_TYPE, ...bearer(user.access_token) })
  for (const res of [login, register, registerRule]) assert.equal(res.body.message, 'password must be at most 1024 characters', res.raw)
  assert.equal(change.body.message, 'current_password must be at most 1024 characters')
  const short = await call('POST', '/auth/register', JSON.stringify({ email: 'new@example.com', password: 'short' }), JSON_TYPE)
  assert.equal(short.body.message, 'password must be at least 8 characters')
  assertNoEcho(short.raw, '"short"')
})

test('__proto__ and constructor.prototype keys get JSON_PROTOTYPE_KEY, not "not valid JSON"', async () => {
  for (const payload of [
    `{"email":"a@b.co","password":"${SECRET_PASSWORD}","__proto__":{"roles":["admin"]}}`,
    `{"email":"a@b.co","password":"${SECRET_PASSWORD}","constructor":{"prototype":{"roles":["admin"]}}}`,
  ]) {
    const res = await call('POST', '/auth/register', payload, JSON_TYPE)
    assert.equal(res.status, 400)
    assert.equal(res.body.code, 'JSON_PROTOTYPE_KEY')
    assert.equal(res.body.message, ERRORS.JSON_PROTOTYPE_KEY.message)
    assertNoEcho(res.raw, SECRET_PASSWORD)
  }
  // Broken JSON stays INVALID_JSON, and a harmless `constructor` key is just data.
  assert.equal((await call('POST', '/auth/register', '{"__proto__":', JSON_TYPE)).body.code, 'INVALID_JSON')
  const harmless = await call('POST', '/auth/login', '{"email":"ada@example.com","password":"wrong password","constructor":1}', JSON_TYPE)
  assert.equal(harmless.body.code, 'INVALID_CREDENTIALS')
})

test('without the schema (errors from another compiler) an unknown key is still not named', () => {
  const schema = Type.Object({ username: Type.String() }, { additionalProperties: false })
  const errors = [...Compile(schema).Errors({ username: 'abc', [SECRET_KEY]: 1 })]
  const problem = describeValidation(errors as never, 'body')
  assert.equal(problem.message, 'body has a property that is not allowed')
  assert.equal(problem.field, undefined)
  const scope = Type.Object({ scope: Type.Union([Type.Literal('local'), Type.Literal('global')]) })
  const described = describeValidation([...Compile(scope).Errors({ scope: SECRET_KEY })] as never, 'querystring')
  assert.deepEqual(described, { message: 'scope must be one of local, global', field: 'scope' })
  validationMessages.add(problem.message)
})

// docs/errors.md: the message column lists each code's messages, the default first, split by <br>.

interface Documented {
  messages: string[]
  patterns: RegExp[]
}

function documentedMessages(): Map<string, Documented> {
  const lines = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8').split('\n')
  const headerAt = lines.findIndex((l) => /^\|\s*code\s*\|\s*HTTP status\s*\|\s*message\s*\|\s*when\s*\|$/i.test(l.trim()))
  assert.ok(headerAt >= 0)
  const rows = new Map<string, Documented>()
  for (const line of lines.slice(headerAt + 2)) {
    if (!line.trim().startsWith('|')) break
    const cells = line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim())
    const messages = cells[2]!.split('<br>').map((m) => m.replace(/`/g, '').trim())
    rows.set(cells[0]!.replace(/`/g, ''), { messages, patterns: messages.map(toPattern) })
  }
  return rows
}

/** `Token header parameter <name> is not accepted` -> a regex in which `<name>` is any text. */
function toPattern(message: string): RegExp {
  const parts = message.split(/<[^>]+>/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('.+')}$`)
}

/** Every `new AuthError('CODE', 'message')` and `fail('CODE', 'message')` in src/, `${...}` as a placeholder. */
function sourceMessages(): Array<{ code: string; message: string; where: string }> {
  const root = fileURLToPath(new URL('../../src', import.meta.url))
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
  const found: Array<{ code: string; message: string; where: string }> = []
  const call = /(?:new AuthError|\bfail)\(\s*'([A-Z_]+)'\s*,\s*(?:'((?:\\.|[^'\\])*)'|`((?:\\.|[^`\\])*)`)/g
  for (const file of files(root)) {
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(call)) {
      const message = (m[2] ?? m[3]!).replace(/\$\{[^}]*\}/g, 'PLACEHOLDER')
      found.push({ code: m[1]!, message, where: file.slice(root.length - 3) })
    }
  }
  return found
}

test('docs/errors.md lists every message a code can carry: the registry default first, then each custom one', () => {
  const documented = documentedMessages()
  for (const code of Object.keys(ERRORS) as ErrorCode[]) {
    assert.equal(documented.get(code)?.messages[0], ERRORS[code].message, `docs/errors.md: ${code}'s first message is the registry's`)
  }
  const found = sourceMessages()
  assert.ok(found.some((f) => f.code === 'TOKEN_MALFORMED'), 'the source scan finds the custom messages')
  const undocumented = found.filter((f) => !(documented.get(f.code)?.patterns ?? []).some((p) => p.test(f.message)))
  assert.deepEqual(undocumented, [], 'custom messages missing from the message column of docs/errors.md')
  const validation = documented.get('VALIDATION_FAILED')!.patterns
  const unlisted = [...validationMessages].filter((m) => !validation.some((p) => p.test(m)))
  assert.ok(validationMessages.size >= 8, 'the tests above collected validation messages')
  assert.deepEqual(unlisted, [], 'validation messages answered in this file but not in the forms docs/errors.md lists')
})
