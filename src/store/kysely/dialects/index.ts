// DATABASE_URL -> the dialect that serves its scheme; an unknown scheme is a configuration error.

import { ConfigError } from '../../../core/config-env.js'
import { mysql } from './mysql.js'
import { postgres } from './postgres.js'
import { sqlite } from './sqlite.js'
import type { DialectFactory } from './types.js'

export const DIALECTS: readonly DialectFactory[] = [sqlite, postgres, mysql]

export function dialectFor(databaseUrl: string): DialectFactory {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(databaseUrl)?.[1]?.toLowerCase()
  const found = DIALECTS.find((d) => scheme !== undefined && d.schemes.includes(scheme))
  if (found !== undefined) return found
  const supported = DIALECTS.flatMap((d) => d.schemes.map((s) => `${s}:`)).join(', ')
  throw new ConfigError('DATABASE_URL', `unsupported database scheme${scheme === undefined ? '' : ` "${scheme}:"`} (supported: ${supported})`)
}
