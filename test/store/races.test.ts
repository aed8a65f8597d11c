// Store conformance under concurrency: two store instances over one database (stores.ts twin())
// race as two servers would. The last-admin rule, revocation and refresh rotation must each
// hold with one winner, and no race may end in a deadlock or serialization error.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { after, before, describe, test } from 'node:test'
import type { AuthEvent } from '../../src/core/events/types.js'
import type { Store, UserRecord } from '../../src/core/store.js'
import type { Kysely } from 'kysely'
import { changeWithEvents, NothingChanged } from '../../src/store/kysely/events.js'
import { migrationProvider } from '../../src/store/kysely/migrations.js'
import type { Database } from '../../src/store/kysely/schema.js'
import { KyselyStore } from '../../src/store/kysely/store.js'
import { at, newSession, newUser, STORES, storeOptions, type Made } from './stores.js'

const ROUNDS = 5
const demote = { roles: ['user'], updatedAt: at(500) }
const keep = { keepAnAdmin: true }

/** The events recorded after `after`. */
async function eventsSince(store: Store, after: number): Promise<AuthEvent[]> {
  return (await store.events!.read(after, 1000)).map((e) => e.event!)
}

/** Runs the migrations in another process (migrate-process.ts) started together with `local`. */
async function migrateTogether(local: Store, url: string): Promise<[string[], string[]]> {
  const script = fileURLToPath(new URL('./migrate-process.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', script, url], { stdio: ['pipe', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
  while (!out.includes('ready\n')) await once(child.stdout, 'data')
  const exited = once(child, 'exit')
  child.stdin.end()
  const mine = await local.migrate()
  const [code] = (await exited) as [number | null]
  assert.equal(code, 0, 'the other process migrated without error')
  return [mine, JSON.parse(out.slice(out.indexOf('\n') + 1)) as string[]]
}

for (const kind of STORES) {
  describe(`Store races: ${kind.name}`, storeOptions(kind), () => {
    let made: Made
    let a: Store
    let b: Store
    before(async () => {
      made = await kind.make()
      a = made.store
      await a.migrate()
      b = await made.twin()
    })
    after(async () => made.cleanup())

    // Each round's two admins are the only ones: the round ends by demoting the survivor.
    test('two admins demoting each other with keepAnAdmin: exactly one succeeds', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const [x, y] = [newUser({ roles: ['admin'] }), newUser({ roles: ['user', 'admin'] })]
        await a.createUser(x)
        await a.createUser(y)
        const h0 = await a.events!.head()
        const results = await Promise.all([a.updateUser(x.id, demote, keep), b.updateUser(y.id, demote, keep)])
        const won = results.filter((r): r is UserRecord => r !== undefined && !('conflict' in r))
        assert.equal(won.length, 1, `round ${round}: one demotion goes through`)
        assert.equal(results.filter((r) => r !== undefined && 'conflict' in r && r.conflict === 'last_admin').length, 1)
        assert.equal(await a.countActiveAdmins!(), 1)
        assert.deepEqual(await eventsSince(a, h0), [{ type: 'user_updated', userId: won[0]!.id }])
        await a.updateUser(won[0]!.id === x.id ? y.id : x.id, demote)
      }
    })

    test('two admins deleting each other with keepAnAdmin: exactly one succeeds', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const [x, y] = [newUser({ roles: ['admin'] }), newUser({ roles: ['admin'] })]
        await a.createUser(x)
        await a.createUser(y)
        await a.createSession(newSession(x.id))
        await a.createSession(newSession(y.id))
        const h0 = await a.events!.head()
        const results = await Promise.all([a.deleteUser(x.id, keep), b.deleteUser(y.id, keep)])
        assert.equal(results.filter((r) => r === true).length, 1, `round ${round}: one deletion goes through`)
        assert.deepEqual(results.filter((r) => r !== true), [{ conflict: 'last_admin' }])
        const deleted = results[0] === true ? x : y
        assert.equal(await a.findUserById(deleted.id), undefined)
        assert.equal(await a.countActiveAdmins!(), 1)
        assert.deepEqual(await eventsSince(a, h0), [{ type: 'user_deleted', userId: deleted.id }])
        await a.updateUser(deleted === x ? y.id : x.id, demote)
      }
    })

    test('a demotion racing a deletion of the other admin: exactly one succeeds', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const [x, y] = [newUser({ roles: ['admin'] }), newUser({ roles: ['admin'] })]
        await a.createUser(x)
        await a.createUser(y)
        const [demoted, deleted] = await Promise.all([a.updateUser(x.id, { disabled: true, updatedAt: at(501) }, keep), b.deleteUser(y.id, keep)])
        const demotedOk = demoted !== undefined && !('conflict' in demoted)
        assert.notEqual(demotedOk, deleted === true, `round ${round}: one of the two goes through`)
        assert.equal(await a.countActiveAdmins!(), 1)
        if (demotedOk) await a.updateUser(y.id, demote)
        else await a.updateUser(x.id, demote)
      }
    })

    test('revokeUserSessions racing revokeSession: each session revoked once and reported once', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const u = newUser()
        await a.createUser(u)
        const sessions = Array.from({ length: 8 }, () => newSession(u.id))
        for (const s of sessions) await a.createSession(s)
        const h0 = await a.events!.head()
        const [bulk, ...singles] = await Promise.all([
          a.revokeUserSessions(u.id, at(700), 'logout_global'),
          ...sessions.map((s) => b.revokeSession(s.id, at(800), 'logout')),
        ])
        const alone = sessions.filter((_, i) => singles[i] === true).map((s) => s.id)
        const reported = [...(bulk as string[]), ...alone].sort()
        assert.deepEqual(reported, sessions.map((s) => s.id).sort(), `round ${round}: every session reported once`)
        for (const s of sessions) {
          const row = (await a.findSession(s.id))!
          const byBulk = (bulk as string[]).includes(s.id)
          assert.deepEqual([row.revokedAt, row.revokedReason], byBulk ? [at(700), 'logout_global'] : [at(800), 'logout'])
        }
        // The log announces each session once, by the call that revoked it.
        const announced = (await eventsSince(a, h0)).flatMap((e) =>
          e.type === 'session_revoked' ? [e.sessionId] : e.type === 'user_sessions_revoked' ? [...e.sessionIds] : [],
        )
        assert.deepEqual(announced.sort(), reported)
      }
    })

    test('rotateRefresh from the same jti on two instances: exactly one wins', async () => {
      const u = newUser()
      await a.createUser(u)
      const sessions = Array.from({ length: 10 }, () => newSession(u.id))
      for (const s of sessions) await a.createSession(s)
      const rotate = (store: Store, sessionId: string, fromJti: string, toJti: string) =>
        store.rotateRefresh({ sessionId, fromJti, toJti, at: at(900), expiresAt: at(200_000) })
      const pairs = await Promise.all(sessions.map((s) => Promise.all([rotate(a, s.id, s.refreshJti, `${s.id}-a`), rotate(b, s.id, s.refreshJti, `${s.id}-b`)])))
      for (const [i, [byA, byB]] of pairs.entries()) {
        const s = sessions[i]!
        assert.notEqual(byA, byB, `${s.id}: exactly one rotation wins`)
        const row = (await a.findSession(s.id))!
        assert.deepEqual([row.refreshJti, row.prevRefreshJti], [`${s.id}-${byA ? 'a' : 'b'}`, s.refreshJti])
      }
    })

    test('every kind of change at once on one user: no deadlock, one outcome', async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const admin = newUser({ roles: ['admin'] })
        const u = newUser()
        await a.createUser(admin)
        await a.createUser(u)
        const sessions = Array.from({ length: 4 }, () => newSession(u.id))
        for (const s of sessions) await a.createSession(s)
        const results = await Promise.allSettled([
          a.revokeUserSessions(u.id, at(1000), 'user_revoked'),
          b.updateUser(u.id, { disabled: true, updatedAt: at(1001) }, keep),
          a.revokeSession(sessions[0]!.id, at(1002), 'logout'),
          b.rotateRefresh({ sessionId: sessions[1]!.id, fromJti: sessions[1]!.refreshJti, toJti: 'r', at: at(1003), expiresAt: at(200_000) }),
          b.deleteUser(u.id, keep),
          a.updateUser(u.id, { roles: ['user', 'x'], updatedAt: at(1004) }),
        ])
        const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))
        assert.deepEqual(failures, [], `round ${round}`)
        assert.equal(await a.findUserById(u.id), undefined, 'the deletion went through')
        await a.updateUser(admin.id, demote)
      }
    })

    if (kind.separateTwins) {
      test('inside an event transaction, a read sees rows committed after its first read', async () => {
        // What the last-admin count relies on; MySQL's REPEATABLE READ would repeat the first snapshot.
        const count = async (db: Kysely<Database>) => Number((await db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)
        const store = a as KyselyStore
        const seen: number[] = []
        // Nothing changed: the transaction rolls back, after the reads.
        await changeWithEvents(store.db, store.dialect, undefined, async (trx) => {
          seen.push(await count(trx))
          assert.ok((await b.createUser(newUser())).ok)
          seen.push(await count(trx))
          throw new NothingChanged()
        })
        assert.equal(seen.length, 2)
        assert.equal(seen[1], seen[0]! + 1)
      })
    }

    if (kind.name === 'sqlite-file' || kind.separateTwins) {
      test('two instances migrating one fresh database at once both succeed, applying each migration once', async () => {
        const fresh = await kind.make()
        try {
          const defined = Object.keys(await migrationProvider((fresh.store as KyselyStore).dialect).getMigrations()).sort()
          // SQLite's second instance is another process (stores.ts twin() says why).
          const twin = kind.separateTwins ? await fresh.twin() : undefined
          const [mine, theirs] = twin !== undefined ? await Promise.all([fresh.store.migrate(), twin.migrate()]) : await migrateTogether(fresh.store, fresh.url!)
          assert.deepEqual([...mine, ...theirs].sort(), defined)
          assert.deepEqual(await fresh.store.migrate(), [])
          assert.ok((await fresh.store.createUser(newUser())).ok, 'the schema works')
        } finally {
          await fresh.cleanup()
        }
      })
    }
  })
}
