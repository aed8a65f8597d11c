// The HTTP cases: which server to start and what each request carries. Every server answers
// GET <path> with the same small JSON ({"sub": ...}) once the request is authenticated.

import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { accessTokens, BENCH_SECRET, writeTokens } from '../lib/fixtures.js'
import { nodeArgs, ROOT } from '../lib/proc.js'
import type { ServerSpec } from '../lib/server.js'

/** What the load generator sends to a started server. */
export interface Target {
  path: string
  headers?: Record<string, string>
  tokensFile?: string
}

export interface HttpCase {
  id: string
  label: string
  note?: string
  /** A reason to skip this case on this machine, or undefined. */
  unavailable?: () => string | undefined
  server: (port: number) => Promise<Omit<ServerSpec, 'port'>>
  /** Runs once the server is up: creates users, fetches tokens. */
  prepare: (url: string) => Promise<Target>
}

const nodeServer = (name: string, env: NodeJS.ProcessEnv = {}) => async (): Promise<Omit<ServerSpec, 'port'>> => ({
  name,
  command: process.execPath,
  args: await nodeArgs(`bench/servers/${name}.ts`),
  env,
  readyPath: '/me',
})

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })

export const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3'
export const PEERS_DIR = process.env.BENCH_PEERS_DIR ?? join(ROOT, '../shared/peers')

function flaskUnavailable(): string | undefined {
  if (!existsSync(join(PEERS_DIR, 'flask_pyjwt_app.py'))) return `${join(PEERS_DIR, 'flask_pyjwt_app.py')} not found`
  if (!existsSync(PYTHON)) return `${PYTHON} not found (apt-get install -y python3-flask python3-jwt gunicorn)`
  const r = spawnSync(PYTHON, ['-c', 'import flask, jwt, gunicorn'], { encoding: 'utf8' })
  if (r.status !== 0) return `python3-flask, python3-jwt or gunicorn missing for ${PYTHON} (apt-get install -y python3-flask python3-jwt gunicorn)`
  return undefined
}

async function postJson(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> }
}

/** Registers one user and logs in; returns the access token. */
export async function loginToken(url: string, registerPath: string, loginPath: string, password: string): Promise<string> {
  const email = 'bench@example.com'
  const reg = await postJson(url + registerPath, { email, password })
  if (reg.status !== 201) throw new Error(`register answered ${reg.status}`)
  const login = await postJson(url + loginPath, { email, password })
  if (login.status !== 200 || typeof login.json.access_token !== 'string') throw new Error(`login answered ${login.status}`)
  return login.json.access_token
}

export const BENCH_PASSWORD = 'correct horse battery staple'

/** The cases in report order; `coldPool` distinct tokens for the rotating cases. */
export function httpCases(coldPool: number): HttpCase[] {
  const dir = mkdtempSync(join(tmpdir(), 'tw-bench-http-'))
  let pool: string | undefined
  const poolFile = (): string => (pool ??= writeTokens(join(dir, 'tokens.txt'), accessTokens(coldPool)))
  const [one] = accessTokens(1)
  const hot = async (): Promise<Target> => ({ path: '/me', headers: bearer(one!) })
  const cold = async (): Promise<Target> => ({ path: '/me', tokensFile: poolFile() })
  return [
    { id: 'bare', label: 'bare Fastify, no auth (the limit)', server: nodeServer('bare-fastify'), prepare: async () => ({ path: '/me' }) },
    { id: 'tw-hot', label: 'tokenwarden plugin, hot (one token)', server: nodeServer('tw-plugin'), prepare: hot },
    {
      id: 'tw-cold', label: `tokenwarden plugin, cold (${coldPool} tokens, cache off)`, server: nodeServer('tw-plugin', { TW_CACHE_SIZE: '0' }), prepare: cold,
      note: 'cacheSize 0: every request pays a full signature check',
    },
    {
      id: 'tw-pool-cached', label: `tokenwarden plugin, ${coldPool} tokens, default cache`, server: nodeServer('tw-plugin'), prepare: cold,
      note: 'the pool fits the default 10,000-entry cache, so after the first pass these are hits',
    },
    {
      id: 'raw-hmac', label: `raw node:crypto HS256 per request (${coldPool} tokens)`, server: nodeServer('raw-hmac'), prepare: cold,
      note: 'reference for cold: no library, no cache',
    },
    meCase('tw-me', 'tokenwarden server GET /auth/me (SQLite)', 'verify + session liveness + user row from SQLite; LOG_LEVEL=warn'),
    { id: 'fastify-jwt', label: 'Fastify + @fastify/jwt (one token)', server: nodeServer('fastify-jwt'), prepare: hot },
    { id: 'express-jwt', label: 'Express + express-jwt (one token)', server: nodeServer('express-jwt'), prepare: hot },
    {
      id: 'flask', label: 'Flask + PyJWT, gunicorn -w 2 (GET /me, SQLite)', unavailable: flaskUnavailable,
      server: async (port) => ({
        name: 'flask',
        command: PYTHON,
        args: ['-m', 'gunicorn', '-w', '2', '-b', `127.0.0.1:${port}`, '--chdir', PEERS_DIR, 'flask_pyjwt_app:app'],
        env: { PEER_DB: join(mkdtempSync(join(tmpdir(), 'tw-bench-flask-')), 'peer.db'), PEER_SECRET: BENCH_SECRET },
        readyPath: '/me',
      }),
      prepare: async (url) => ({ path: '/me', headers: bearer(await loginToken(url, '/register', '/login', BENCH_PASSWORD)) }),
      note: 'the seeds\' stack: verify + user row from SQLite, like /auth/me',
    },
  ]
}

/**
 * tokenwarden's server (bench/servers/tw-server.ts) answering GET /auth/me with one hot token:
 * on a fresh SQLite file, or on the empty database `database()` makes for each start; `env`
 * for the server's own switches (BENCH_METRICS=1).
 */
export function meCase(id: string, label: string, note: string, database?: () => Promise<string>, env: NodeJS.ProcessEnv = {}): HttpCase {
  return {
    id,
    label,
    note,
    server: async () => {
      const serverEnv: NodeJS.ProcessEnv = { ...env, BENCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'tw-bench-me-')) }
      if (database !== undefined) serverEnv.BENCH_DATABASE_URL = await database()
      return { ...(await nodeServer('tw-server', serverEnv)()), readyPath: '/health' }
    },
    prepare: async (url) => ({ path: '/auth/me', headers: bearer(await loginToken(url, '/auth/register', '/auth/login', BENCH_PASSWORD)) }),
  }
}
