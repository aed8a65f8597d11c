// What the `users import` tests share: real password hashes from Flask's libraries, a captured
// UsersIo, a throwaway tokenwarden environment, and the accounts a database ends up with.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after } from 'node:test'
import type { ImportIo } from '../../src/cli/users-import.js'
import { createStore } from '../../src/store/create.js'

// generate_password_hash('hunter22') from Werkzeug 3 (scrypt default) and with method='pbkdf2:sha256:1000'.
export const SCRYPT = 'scrypt:32768:8:1$CJWYMGbhfdgqbA3v$0f277e07346b165e76c99a0ba3d20c85d3162150d151fe43b7906a0a3b5a7bb6d71e8916434ea1ad4c132a7e41d70aca044a9af8e19cab7f505774df140439c3'
export const PBKDF2 = 'pbkdf2:sha256:1000$FYXZiSvtlwDQEHBN$a5169a4cce39d13d17df5f1f76375a3799cf9ea0edc5e739e80c459f104d8193'
export const ARGON2 = '$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$3Ht2Fh2xZyBqDmEXK2Y4lMUXZ8qb5KF3JbYXuvT7G0A'
// flask-bcrypt's generate_password_hash('hunter22') is bcrypt.hashpw: this one from Debian's python3-bcrypt.
export const BCRYPT = '$2b$04$u/ZwI1m730Xv/B2ElqX9n.dUs.ckNAs5eYrYSOC5.1qPP2y6EB0ke'
/** The same digest under PHP's prefix. */
export const BCRYPT_2Y = `$2y$${BCRYPT.slice(4)}`

/** A directory removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

let n = 0
/** tokenwarden's environment with its own SQLite database in `dir`, cheap argon2, plus `extra`. */
export function importEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), DATABASE_URL: `sqlite:${join(dir, `tw${++n}.sqlite`)}`, ARGON2_MEMORY_COST: '1024', ARGON2_TIME_COST: '1', ...extra }
}

/** A UsersIo that keeps what is written. */
export function captureIo(progress?: ImportIo['progress']) {
  const out: string[] = []
  const err: string[] = []
  const io: ImportIo = { out: (l) => out.push(l), err: (l) => err.push(l), readStdin: async () => '', ...(progress === undefined ? {} : { progress }) }
  return { io, out, err, all: () => [...out, ...err].join('\n') }
}

/** The accounts in a tokenwarden database, by id. */
export async function usersIn(databaseUrl: string) {
  const store = await createStore({ databaseUrl })
  try {
    await store.migrate()
    return (await store.listUsers({ limit: 100, offset: 0 })).users.sort((a, b) => a.id.localeCompare(b.id))
  } finally {
    await store.close()
  }
}
