// `tokenwarden users reset-mfa`: the operator's way back in when an account (an admin's, say)
// lost its authenticator and recovery codes: the factor goes, the running server asks no code at
// the next login and refuses the account's old tokens; an account without one is refused (exit 1).

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { usersMain, type UsersIo } from '../../src/cli/users.js'
import { totpCode } from '../../src/core/mfa/totp.js'
import { bearer, json, signUp, testApp, type TestApp } from '../helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'tokenwarden-reset-mfa-'))
const apps: TestApp[] = []
after(async () => {
  for (const t of apps) await t.app.close()
  rmSync(dir, { recursive: true, force: true })
})

function io() {
  const out: string[] = []
  const err: string[] = []
  const value: UsersIo = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '' }
  return { io: value, out, err }
}

test('users reset-mfa removes the factor and ends the sessions; again is MFA_NOT_ENABLED (exit 1)', async () => {
  const databaseUrl = `sqlite:${join(dir, 'db.sqlite')}`
  const s = await testApp({ DATABASE_URL: databaseUrl, INVALIDATION_POLL_MS: '20' })
  apps.push(s)
  const env = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: databaseUrl, ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1' }
  const { tokens } = await signUp(s.app)
  const { secret } = json<{ secret: string }>(await s.app.inject({ method: 'POST', url: '/auth/mfa/totp', headers: bearer(tokens.access_token) }))
  await s.app.inject({ method: 'POST', url: '/auth/mfa/totp/confirm', headers: bearer(tokens.access_token), payload: { code: totpCode(secret, s.clock.now()) } })
  const login = () => s.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'ada@example.com', password: 'correct horse battery' } })
  assert.equal(json(await login()).mfa_required, true)

  const cli = io()
  assert.equal(await usersMain(['reset-mfa', 'ada@example.com'], env, cli.io), 0, cli.err.join('\n'))
  assert.match(cli.out[0]!, /^Reset the two-factor login of \S+ <ada@example.com>; 1 sessions revoked$/)
  assert.equal(typeof json(await login()).access_token, 'string', 'no code asked')
  const start = Date.now()
  while ((await s.app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })).statusCode !== 401) {
    assert.ok(Date.now() - start < 2000, 'the old session still works')
    await new Promise((r) => setTimeout(r, 10))
  }

  const again = io()
  assert.equal(await usersMain(['reset-mfa', 'ada@example.com'], env, again.io), 1)
  assert.match(again.err.join('\n'), /MFA_NOT_ENABLED/)
  const help = io()
  assert.equal(await usersMain(['reset-mfa', '--help'], env, help.io), 0)
  assert.match(help.out.join('\n'), /^Usage: tokenwarden users reset-mfa/)
})
