// The stores the conformance suites run against (TW_STORES=memory,sqlite-memory,sqlite-file,
// postgres,mysql narrows them; default: all) and builders for their test data. The postgres and
// mysql stores need the servers `npm test` starts; each make() gets a database of its own.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { NewSession, NewUser, Store } from '../../src/core/store.js'
import { createStore } from '../../src/store/create.js'
import { MemoryStore } from '../../src/store/memory.js'
import { freshDatabase, needService } from '../support/services.js'

export interface Made {
  store: Store
  /** DATABASE_URL of the store's database, when another instance or process can open it. */
  url?: string
  /**
   * Another instance over the same database, with connections of its own (closed by cleanup):
   * two writers racing as two servers would. Where the database cannot be shared within one
   * process, the same instance: an in-memory database has no second door, and a second
   * better-sqlite3 connection in this process would wait for the file's write lock
   * synchronously, stalling the event loop that must finish the first one's transaction.
   */
  twin(): Promise<Store>
  cleanup(): Promise<void>
}

export interface StoreKind {
  name: 'memory' | 'sqlite-memory' | 'sqlite-file' | 'postgres' | 'mysql'
  /** Whether twin() is a separate instance (real concurrency between connections). */
  separateTwins: boolean
  make(): Promise<Made>
}

/** A store over a fresh database on the shared server; cleanup closes every instance, then drops it. */
async function onServer(service: 'postgres' | 'mysql'): Promise<Made> {
  const db = await freshDatabase(service)
  const store = await createStore({ databaseUrl: db.url })
  const twins: Store[] = []
  return {
    store,
    url: db.url,
    twin: async () => {
      const twin = await createStore({ databaseUrl: db.url })
      twins.push(twin)
      return twin
    },
    cleanup: async () => {
      await Promise.all([store, ...twins].map((s) => s.close()))
      await db.drop()
    },
  }
}

const ALL: StoreKind[] = [
  {
    name: 'memory',
    separateTwins: false,
    make: async () => {
      const store = new MemoryStore()
      return { store, twin: async () => store, cleanup: async () => {} }
    },
  },
  {
    name: 'sqlite-memory',
    separateTwins: false,
    make: async () => {
      const store = await createStore({ databaseUrl: 'sqlite::memory:' })
      return { store, twin: async () => store, cleanup: () => store.close() }
    },
  },
  {
    name: 'sqlite-file',
    separateTwins: false,
    make: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tw-store-'))
      const url = `sqlite:${join(dir, 'nested', 'tw.db')}`
      const store = await createStore({ databaseUrl: url })
      return { store, url, twin: async () => store, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }) } }
    },
  },
  { name: 'postgres', separateTwins: true, make: () => onServer('postgres') },
  { name: 'mysql', separateTwins: true, make: () => onServer('mysql') },
]

const wanted = process.env.TW_STORES?.split(',').map((s) => s.trim()).filter(Boolean)

/** The stores this run covers. */
export const STORES: readonly StoreKind[] = ALL.filter((k) => wanted === undefined || wanted.includes(k.name))

/** describe() options for a store: a visible skip (a failure under CI=true) when its server is absent. */
export function storeOptions(kind: StoreKind): { skip?: string } {
  return kind.name === 'postgres' || kind.name === 'mysql' ? needService(kind.name) : {}
}

const T0 = Date.UTC(2026, 0, 1)

/** An ISO time `seconds` after 2026-01-01. */
export const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString()

let counter = 0

export function newUser(over: Partial<NewUser> = {}): NewUser {
  counter++
  return { id: `u${counter}`, email: `user${counter}@example.com`, username: `user${counter}`, passwordHash: '$argon2id$fake', roles: ['user'], createdAt: at(counter), ...over }
}

export function newSession(userId: string, over: Partial<NewSession> = {}): NewSession {
  counter++
  return { id: `s${counter}`, userId, createdAt: at(counter), lastUsedAt: at(counter), expiresAt: at(100_000), userAgent: 'test-agent', ip: '127.0.0.1', refreshJti: `j${counter}`, ...over }
}

/** A fresh number for names that must not collide within one run. */
export function nextId(): number {
  return ++counter
}
