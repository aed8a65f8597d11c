// The error registry's own rules, and docs/errors.md kept in step with it: same codes, same
// statuses. Adding a code to src/core/errors.ts without a row in the docs fails here.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { AuthError, bearerChallengeOf, ERRORS, isAuthError, type ErrorCode } from '../../src/core/errors.js'

const DOC = new URL('../../docs/errors.md', import.meta.url)
const codes = Object.keys(ERRORS) as ErrorCode[]

interface DocRow {
  code: string
  status: number
  message: string
  when: string
}

/** The rows of the markdown table `| code | HTTP status | message | when |`. */
function docRows(): DocRow[] {
  const lines = readFileSync(DOC, 'utf8').split('\n')
  const headerAt = lines.findIndex((l) => /^\|\s*code\s*\|\s*HTTP status\s*\|\s*message\s*\|\s*when\s*\|\s*$/i.test(l.trim()))
  assert.ok(headerAt >= 0, 'docs/errors.md has a table headed | code | HTTP status | message | when |')
  const rows: DocRow[] = []
  for (const line of lines.slice(headerAt + 2)) {
    if (!line.trim().startsWith('|')) break
    const cells = line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim())
    assert.equal(cells.length, 4, `docs/errors.md row has 4 cells: ${line}`)
    rows.push({ code: cells[0]!.replace(/`/g, ''), status: Number(cells[1]), message: cells[2]!, when: cells[3]! })
  }
  return rows
}

test('every registry entry has an UPPER_SNAKE code, a 4xx/5xx status and a message', () => {
  assert.ok(codes.length > 0)
  for (const code of codes) {
    const spec = ERRORS[code]
    assert.match(code, /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, code)
    assert.ok(Number.isInteger(spec.status) && spec.status >= 400 && spec.status <= 599, `${code} status ${spec.status}`)
    assert.equal(typeof spec.message, 'string')
    assert.ok(spec.message.trim().length > 0, `${code} has a message`)
  }
})

test('every 401 carries a Bearer challenge (RFC 7235 §3.1), and only 401/403 do', () => {
  for (const code of codes) {
    const challenge = bearerChallengeOf(code)
    if (ERRORS[code].status === 401) assert.ok(challenge !== undefined, `${code} is a 401 without a challenge`)
    else if (ERRORS[code].status !== 403) assert.equal(challenge, undefined, `${code} is not a 401/403 but has a challenge`)
  }
  assert.equal(bearerChallengeOf('TOKEN_MISSING'), 'challenge')
  assert.equal(bearerChallengeOf('TOKEN_EXPIRED'), 'invalid_token')
})

test('AuthError carries code, statusCode, default or custom message, details and cause', () => {
  const err = new AuthError('TOKEN_EXPIRED')
  assert.ok(err instanceof Error)
  assert.equal(err.name, 'AuthError')
  assert.equal(err.code, 'TOKEN_EXPIRED')
  assert.equal(err.statusCode, 401)
  assert.equal(err.message, ERRORS.TOKEN_EXPIRED.message)
  const cause = new Error('inner')
  const custom = new AuthError('VALIDATION_FAILED', 'email must be a valid email address', {
    details: { field: 'email' },
    cause,
  })
  assert.equal(custom.statusCode, 400)
  assert.equal(custom.message, 'email must be a valid email address')
  assert.deepEqual(custom.details, { field: 'email' })
  assert.equal(custom.cause, cause)
  assert.equal(new AuthError('RATE_LIMITED', undefined, { retryAfter: 7 }).retryAfter, 7)
  for (const code of codes) assert.equal(new AuthError(code).statusCode, ERRORS[code].status, code)
})

test('isAuthError recognises AuthErrors, also from a duplicated module copy, and nothing else', () => {
  assert.equal(isAuthError(new AuthError('TOKEN_MISSING')), true)
  const lookalike = Object.assign(new Error('x'), { name: 'AuthError', code: 'TOKEN_MISSING' })
  assert.equal(isAuthError(lookalike), true)
  assert.equal(isAuthError(Object.assign(new Error('x'), { name: 'AuthError', code: 'NOT_A_CODE' })), false)
  assert.equal(isAuthError(new Error('plain')), false)
  assert.equal(isAuthError({ name: 'AuthError', code: 'TOKEN_MISSING' }), false)
})

test('docs/errors.md lists exactly the registry codes, with the same statuses', () => {
  const rows = docRows()
  const documented = new Map<string, DocRow>()
  for (const row of rows) {
    assert.ok(!documented.has(row.code), `docs/errors.md lists ${row.code} twice`)
    documented.set(row.code, row)
  }
  const missingFromDocs = codes.filter((c) => !documented.has(c))
  assert.deepEqual(missingFromDocs, [], `codes in src/core/errors.ts but missing from docs/errors.md: ${missingFromDocs.join(', ')}`)
  const notInRegistry = [...documented.keys()].filter((c) => !(c in ERRORS))
  assert.deepEqual(notInRegistry, [], `codes in docs/errors.md but not in src/core/errors.ts: ${notInRegistry.join(', ')}`)
  for (const code of codes) {
    const row = documented.get(code)!
    assert.equal(row.status, ERRORS[code].status, `${code}: docs/errors.md says ${row.status}, src/core/errors.ts says ${ERRORS[code].status}`)
    assert.ok(row.message.length > 0, `${code}: docs/errors.md row has no message`)
    assert.ok(row.when.length > 0, `${code}: docs/errors.md row does not say when`)
  }
})
