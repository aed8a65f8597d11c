// Shared test helpers: a fast test app (in-memory SQLite, cheap argon2, frozen clock) and
// small request shortcuts. Add new exports rather than changing these.

import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { ManualClock } from '../src/core/clock.js'
import { parseConfig, type ServerConfig } from '../src/core/config.js'
import { buildApp, type AppDeps } from '../src/http/app.js'
import { createAuth, type Auth, type AuthOptions } from '../src/core/auth.js'
import { Keyring } from '../src/core/tokens/keyring.js'
import { MemoryStore } from '../src/store/memory.js'
import { recordContract, type Contract } from './http/openapi-contract.js'

export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long'

/** A config for tests: in-memory SQLite, argon2 at test cost, silent logs. */
export function testConfig(overrides: Record<string, string> = {}): ServerConfig {
  return parseConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_SECRET,
    DATABASE_URL: 'sqlite::memory:',
    ARGON2_MEMORY_COST: '1024',
    ARGON2_TIME_COST: '1',
    ...overrides,
  })
}

export interface TestApp {
  app: FastifyInstance
  auth: Auth
  clock: ManualClock
  config: ServerConfig
}

const contracts = new WeakMap<FastifyInstance, Contract>()

/**
 * Builds the server for app.inject(); the clock starts at the real now and moves only when told.
 * With the OpenAPI document on (the default), every answer is checked against it and a mismatch
 * fails at app.close() (test/http/openapi-contract.ts).
 */
export async function testApp(overrides: Record<string, string> = {}, deps: AppDeps = {}): Promise<TestApp> {
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000)
  const config = testConfig(overrides)
  const { app, auth } = await buildApp(config, { clock, pruneEvery: 0, ...deps })
  if (config.openapi) contracts.set(app, recordContract(app))
  return { app, auth, clock, config }
}

/** What the contract check of a testApp saw: its breaks (empty them to expect one) and the answers it checked. */
export function contractOf(app: FastifyInstance): Contract {
  const contract = contracts.get(app)
  if (contract === undefined) throw new TypeError('contractOf: not a testApp with OPENAPI on')
  return contract
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` }
}

export interface Tokens {
  access_token: string
  refresh_token: string
  token_type: string
  expires_in: number
}

export function json<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return JSON.parse(res.body) as T
}

/** Registers (201 expected) and logs in (200 expected); returns the user and tokens. */
export async function signUp(
  app: FastifyInstance,
  { email = 'ada@example.com', password = 'correct horse battery', username }: { email?: string; password?: string; username?: string } = {},
): Promise<{ user: Record<string, unknown>; tokens: Tokens; password: string; email: string }> {
  const reg = await app.inject({ method: 'POST', url: '/auth/register', payload: { email, password, ...(username ? { username } : {}) } })
  if (reg.statusCode !== 201) throw new Error(`register failed: ${reg.statusCode} ${reg.body}`)
  const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } })
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`)
  return { user: json(reg), tokens: json<Tokens>(login), password, email }
}

/** A core auth service on a MemoryStore with a frozen clock and cheap argon2 (no HTTP). */
export function coreAuth(options: Partial<AuthOptions> = {}): { auth: Auth; clock: ManualClock; store: MemoryStore } {
  const clock = new ManualClock(Math.floor(Date.now() / 1000) * 1000)
  const store = new MemoryStore()
  const auth = createAuth({
    store,
    keyring: Keyring.of([{ alg: 'HS256', secret: TEST_SECRET }]),
    clock,
    argon2: { memoryCost: 1024, timeCost: 1 },
    ...options,
  })
  return { auth, clock, store }
}

/** Logs in over HTTP (200 expected) and returns the tokens. */
export async function logIn(app: FastifyInstance, email: string, password: string, headers: Record<string, string> = {}): Promise<Tokens> {
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password }, headers })
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`)
  return json<Tokens>(res)
}

/** Creates an account holding the admin role (through core, as the CLI would) and logs it in. */
export async function signUpAdmin(
  app: FastifyInstance,
  auth: Auth,
  { email = 'root@example.com', password = 'admin password 1' }: { email?: string; password?: string } = {},
): Promise<{ id: string; tokens: Tokens }> {
  const user = await auth.accounts.register({ email, password, roles: ['user', 'admin'] })
  return { id: user.id, tokens: await logIn(app, email, password) }
}
