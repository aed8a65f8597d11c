// No acknowledged write is lost when the server is killed with SIGKILL under load, on every
// dialect: every account whose registration answered 201 exists afterwards, and every session
// whose logout answered 204 is revoked.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { createStore } from '../../src/store/create.js'
import { freshDatabase, needService, type FreshDatabase } from '../support/services.js'
import { cleanEnv, ensureBuilt, startServer } from './process.js'

const dir = mkdtempSync(join(tmpdir(), 'tw-sigkill-'))
before(() => ensureBuilt())
after(() => rmSync(dir, { recursive: true, force: true }))

interface Acked {
  emails: string[]
  loggedOut: string[]
}

/** Registers, logs in and out from `workers` concurrent loops until the server dies; returns what it acknowledged. */
async function load(url: string, workers: number, killAfterMs: number, kill: () => void): Promise<Acked> {
  const acked: Acked = { emails: [], loggedOut: [] }
  let n = 0
  let dead = false
  const timer = setTimeout(() => {
    dead = true
    kill()
  }, killAfterMs)
  const loop = async (w: number) => {
    while (!dead) {
      const email = `u${w}-${n++}@example.com`
      try {
        const reg = await fetch(`${url}/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'correct horse battery' }) })
        if (reg.status !== 201) continue
        acked.emails.push(email)
        const login = await fetch(`${url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'correct horse battery' }) })
        if (login.status !== 200) continue
        const { access_token } = (await login.json()) as { access_token: string }
        const sid = JSON.parse(Buffer.from(access_token.split('.')[1]!, 'base64url').toString()).sid as string
        const out = await fetch(`${url}/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${access_token}` } })
        if (out.status === 204) acked.loggedOut.push(sid)
      } catch {
        // The server died mid-request: nothing was acknowledged.
      }
    }
  }
  await Promise.all(Array.from({ length: workers }, (_, w) => loop(w)))
  clearTimeout(timer)
  return acked
}

async function killUnderLoad(databaseUrl: string): Promise<void> {
  const server = await startServer(dir, cleanEnv({ NODE_ENV: 'development', JWT_SECRET: 'x'.repeat(32), PORT: '0', DATABASE_URL: databaseUrl, RATE_LIMIT_MAX: '0', LOG_LEVEL: 'info' }))
  const acked = await load(server.url, 8, 1500, () => server.child.kill('SIGKILL'))
  await server.stop()
  assert.ok(acked.emails.length > 10, `only ${acked.emails.length} registrations acknowledged: the load did not run`)
  const store = await createStore({ databaseUrl })
  try {
    for (const email of acked.emails) assert.ok(await store.findUserByEmail(email), `acknowledged registration of ${email} lost`)
    for (const sid of acked.loggedOut) assert.notEqual((await store.findSession(sid))?.revokedAt ?? null, null, `acknowledged logout of ${sid} lost`)
  } finally {
    await store.close()
  }
}

test('sqlite file: SIGKILL under load loses no acknowledged write', async () => {
  await killUnderLoad(`sqlite:${join(dir, 'tw.db')}`)
})

for (const name of ['postgres', 'mysql'] as const) {
  describe(`${name}: SIGKILL under load`, { ...needService(name) }, () => {
    let db: FreshDatabase
    before(async () => (db = await freshDatabase(name)))
    after(async () => db?.drop())
    test('loses no acknowledged write', async () => {
      await killUnderLoad(db.url)
    })
  })
}
