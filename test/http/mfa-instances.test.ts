// Two-factor login across two servers sharing one database, on SQLite (a file), PostgreSQL and
// MySQL: enrolled on A, logged in on B with a code; the same code replayed on A is refused (the
// last used step is in the database, not in one server's memory); an mfa_token from A is spent
// once, by either server, even when both race; a recovery code works once across both; A's
// admin reset is seen by B at once.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { totpCode } from '../../src/core/mfa/totp.js'
import { freshDatabase, needService } from '../support/services.js'
import { bearer, json, logIn, signUpAdmin, testApp, type TestApp, type Tokens } from '../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

const DATABASES: { name: string; options: ReturnType<typeof needService>; url: () => Promise<{ url: string; drop(): Promise<void> }> }[] = [
  {
    name: 'sqlite',
    options: {},
    url: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tw-mfa-'))
      return { url: `sqlite:${join(dir, 'tw.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) }
    },
  },
  { name: 'postgres', options: needService('postgres'), url: () => freshDatabase('postgres') },
  { name: 'mysql', options: needService('mysql'), url: () => freshDatabase('mysql') },
]

for (const database of DATABASES) {
  describe(`two-factor login on two servers: ${database.name}`, database.options, () => {
    const apps: TestApp[] = []
    const drops: (() => Promise<void>)[] = []
    after(async () => {
      for (const t of apps) await t.app.close()
      for (const drop of drops) await drop()
    })

    test('a code, an mfa_token and a recovery code each work once across both servers; a reset on one is seen by the other', async () => {
      const db = await database.url()
      drops.push(() => db.drop())
      const env = { DATABASE_URL: db.url, INVALIDATION_POLL_MS: '20' }
      const a = await testApp(env)
      apps.push(a)
      const b = await testApp(env)
      apps.push(b)
      b.clock.set(a.clock.now())
      const advance = () => [a, b].forEach((t) => t.clock.advance(30_000))

      await a.app.inject({ method: 'POST', url: '/auth/register', payload: ADA })
      const first = await logIn(a.app, ADA.email, ADA.password)
      const { secret } = json<{ secret: string }>(await a.app.inject({ method: 'POST', url: '/auth/mfa/totp', headers: bearer(first.access_token) }))
      const confirmed = await a.app.inject({ method: 'POST', url: '/auth/mfa/totp/confirm', headers: bearer(first.access_token), payload: { code: totpCode(secret, a.clock.now()) } })
      const recoveryCodes = json<{ recovery_codes: string[] }>(confirmed).recovery_codes
      advance()

      const challenge = async (t: TestApp) => json<{ mfa_token: string }>(await t.app.inject({ method: 'POST', url: '/auth/login', payload: ADA })).mfa_token
      const second = (t: TestApp, payload: Record<string, string>) => t.app.inject({ method: 'POST', url: '/auth/login/mfa', payload })

      const code = totpCode(secret, a.clock.now())
      const onB = await second(b, { mfa_token: await challenge(b), code })
      assert.equal(onB.statusCode, 200, onB.body)
      const replay = await second(a, { mfa_token: await challenge(a), code })
      assert.equal(json(replay).code, 'MFA_CODE_INVALID', 'the step B accepted is spent for A too')

      advance()
      const token = await challenge(a)
      const raced = await Promise.all([second(a, { mfa_token: token, code: totpCode(secret, a.clock.now()) }), second(b, { mfa_token: token, recovery_code: recoveryCodes[0]! })])
      assert.deepEqual(raced.map((r) => r.statusCode).sort(), [200, 401], raced.map((r) => r.body).join(' '))

      const recovery = recoveryCodes[1]!
      assert.equal((await second(b, { mfa_token: await challenge(b), recovery_code: recovery })).statusCode, 200)
      assert.equal(json(await second(a, { mfa_token: await challenge(a), recovery_code: recovery })).code, 'MFA_CODE_INVALID')

      const session = json<Tokens>(onB)
      const admin = await signUpAdmin(a.app, a.auth)
      const userId = String(json(await b.app.inject({ url: '/auth/me', headers: bearer(session.access_token) })).id)
      const reset = await a.app.inject({ method: 'DELETE', url: `/admin/users/${userId}/mfa`, headers: bearer(admin.tokens.access_token) })
      assert.equal(reset.statusCode, 200, reset.body)
      const plain = json(await b.app.inject({ method: 'POST', url: '/auth/login', payload: ADA }))
      assert.equal(typeof plain.access_token, 'string', 'B asks for no code once A reset it')
      // B learns of the revocation through the event log within its bound.
      const start = Date.now()
      while ((await b.app.inject({ url: '/auth/me', headers: bearer(session.access_token) })).statusCode !== 401) {
        assert.ok(Date.now() - start < 3000, 'B still accepts a session A ended')
        await new Promise((r) => setTimeout(r, 10))
      }
    })
  })
}
