// The tokenwarden package's own folder, found from this module's location: the same answer when
// the server runs from src under tsx, from tsc's dist/http/..., from the one-file bundle
// dist/tokenwarden.mjs, or from node_modules/tokenwarden in someone's app.

import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The nearest folder above `from` whose package.json is tokenwarden's, or undefined. */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  return findPackage(from)?.root
}

export interface OwnPackage {
  root: string
  version: string
}

let own: OwnPackage | null | undefined

/** This module's package (its folder and version), found once per process: the console and the OpenAPI document both ask at start. */
export function ownPackage(): OwnPackage | undefined {
  if (own === undefined) own = findPackage(dirname(fileURLToPath(import.meta.url))) ?? null
  return own ?? undefined
}

function findPackage(from: string): OwnPackage | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json')
    const version = existsSync(file) ? tokenwardenVersion(file) : undefined
    if (version !== undefined) return { root: dir, version }
    if (dirname(dir) === dir) return undefined
  }
}

/** The version in a package.json that is tokenwarden's; undefined for any other (or an unreadable one). */
function tokenwardenVersion(file: string): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown }
    return pkg.name === 'tokenwarden' ? String(pkg.version ?? '0.0.0') : undefined
  } catch {
    return undefined
  }
}
