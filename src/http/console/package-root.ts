// The tokenwarden package's own folder, found from this module's location: the same answer when
// the server runs from src under tsx, from tsc's dist/http/..., from the one-file bundle
// dist/tokenwarden.mjs, or from node_modules/tokenwarden in someone's app.

import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The nearest folder above `from` whose package.json is tokenwarden's, or undefined. */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json')
    if (existsSync(file) && isTokenwarden(file)) return dir
    if (dirname(dir) === dir) return undefined
  }
}

function isTokenwarden(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'tokenwarden'
  } catch {
    return false
  }
}
