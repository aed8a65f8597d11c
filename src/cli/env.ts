// The environment the CLI runs with: `.env` in the working directory (if any) under the real
// environment, which wins. Parsed with node's own util.parseEnv.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseEnv } from 'node:util'

export function loadEnv(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  let fromFile: Record<string, string> = {}
  try {
    fromFile = parseEnv(readFileSync(join(cwd, '.env'), 'utf8')) as Record<string, string>
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  return { ...fromFile, ...env }
}
