// The optional peer dependencies: the native and driver modules only some users need (the
// password hasher, the SQLite, PostgreSQL and MySQL drivers, the Redis client) are not installed
// with tokenwarden, so a host that only verifies tokens installs none of them. Each is imported
// where it is first needed; when it is missing, the error names the package and how to install it.

import { ConfigError } from './config-env.js'

/** A package tokenwarden needs for what it was asked to do is not installed. */
export class MissingPackageError extends ConfigError {
  readonly packageName: string
  constructor(packageName: string, purpose: string) {
    super(packageName, `${purpose} needs this package, which is not installed: npm install ${packageName}`)
    this.name = 'MissingPackageError'
    this.packageName = packageName
  }
}

/** Whether `err` says that `packageName` itself (not something it imports) cannot be found. */
export function isMissingPackage(err: unknown, packageName: string): boolean {
  const e = (err ?? {}) as { code?: unknown; message?: unknown }
  if (e.code !== 'ERR_MODULE_NOT_FOUND' && e.code !== 'MODULE_NOT_FOUND') return false
  // ESM: "Cannot find package 'pg' imported from ..."; CommonJS: "Cannot find module 'pg'".
  return String(e.message).includes(`'${packageName}'`)
}

/**
 * Runs `load` (a literal `import('<package>')`, so bundlers and type checkers see it) and turns
 * "not installed" into a MissingPackageError saying what needed it.
 * @example
 * const { default: pg } = await importOptional('pg', 'DATABASE_URL=postgres://...', () => import('pg'))
 */
export async function importOptional<T>(packageName: string, purpose: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (err) {
    if (isMissingPackage(err, packageName)) throw new MissingPackageError(packageName, purpose)
    throw err
  }
}
