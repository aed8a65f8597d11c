// Helpers for driving `tokenwarden` commands as functions: a captured io (lines out and err,
// stdin text, an optional terminal answer) and a throwaway SQLite configuration.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'

export interface Captured {
  io: { out(l: string): void; err(l: string): void; readStdin(): Promise<string>; confirm?(q: string): Promise<boolean> }
  out: string[]
  err: string[]
  /** Everything written, both streams. */
  all(): string
}

/** `answer` given: a terminal that answers every question with it; otherwise no terminal. */
export function capture(stdin = '', answer?: boolean): Captured {
  const out: string[] = []
  const err: string[] = []
  const io: Captured['io'] = { out: (l) => void out.push(l), err: (l) => void err.push(l), readStdin: async () => stdin }
  if (answer !== undefined) io.confirm = async (q) => (err.push(`? ${q}`), answer)
  return { io, out, err, all: () => [...out, ...err].join('\n') }
}

export const TEST_JWT_SECRET = 'cli-test-secret-Zq8vN3kLp0Xw7Rt2Yb5Hm9Jc4Fd6Ga1S'

/** A temp directory (removed after the test) and an environment using a SQLite file in it. */
export function tempEnv(t: TestContext, extra: Record<string, string> = {}): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'tw-cli-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const env = {
    NODE_ENV: 'test',
    DATA_DIR: join(dir, 'data'),
    JWT_SECRET: TEST_JWT_SECRET,
    DATABASE_URL: `sqlite:${join(dir, 'auth.db')}`,
    ARGON2_MEMORY_COST: '1024',
    ARGON2_TIME_COST: '1',
    ...extra,
  }
  return { dir, env }
}
