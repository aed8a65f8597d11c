// The example's configuration: the server's environment variables through the examples' shared
// reader (PORT 3102, DATA_DIR ./data/file-upload, DATABASE_URL, JWT_SECRET, ...), the tutorial's
// 20-minute token, and the upload limit.

import { tmpdir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { ConfigError } from '../../src/index.js'
import { exampleConfig, loadEnv, type ExampleConfig } from '../shared/config.js'
import type { UploadLimits } from './upload.js'

export const NAME = 'file-upload'
export const PORT = 3102

/** The tutorial's tokens lived 20 minutes (`datetime.timedelta(minutes=20)`); ACCESS_TOKEN_TTL changes it. */
export const ENV_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({ ACCESS_TOKEN_TTL: '20m' })

/** UPLOAD_MAX_SIZE's default: 50 MiB a file. */
export const DEFAULT_MAX_FILE_BYTES = 50 * 2 ** 20
/** The most UPLOAD_MAX_SIZE may be: sizes are stored in a 32-bit integer column. */
export const MAX_FILE_BYTES_CEILING = 2 ** 30

export interface FileUploadConfig extends ExampleConfig {
  readonly upload: UploadLimits
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 2 ** 10, kb: 1000, kib: 2 ** 10, m: 2 ** 20, mb: 1000 ** 2, mib: 2 ** 20, g: 2 ** 30, gb: 1000 ** 3, gib: 2 ** 30 }

/** `52428800`, `50MiB`, `50M` (binary), `50MB` (decimal), `512KiB`, `1GiB` -> bytes; undefined when not a size. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d{1,10})\s*([a-z]*)\s*$/i.exec(text)
  const unit = m === null ? undefined : UNITS[m[2]!.toLowerCase()]
  return unit === undefined ? undefined : Number(m![1]) * unit
}

/** UPLOAD_MAX_SIZE and UPLOAD_TMP_DIR; a bad value is a ConfigError naming it. */
export function uploadLimits(env: Record<string, string | undefined>, cwd = process.cwd()): UploadLimits {
  const raw = env.UPLOAD_MAX_SIZE?.trim()
  const maxFileBytes = raw === undefined || raw === '' ? DEFAULT_MAX_FILE_BYTES : parseSize(raw)
  if (maxFileBytes === undefined || maxFileBytes < 1 || maxFileBytes > MAX_FILE_BYTES_CEILING) {
    throw new ConfigError('UPLOAD_MAX_SIZE', 'must be a size from 1 byte to 1GiB, e.g. 50MiB, 512KiB or 1048576')
  }
  const dir = env.UPLOAD_TMP_DIR?.trim() || tmpdir()
  return { maxFileBytes, tmpDir: isAbsolute(dir) ? dir : join(cwd, dir) }
}

/** The whole configuration from `env` (default: `.env` under the environment) over ENV_DEFAULTS. */
export function fileUploadConfig(env: Record<string, string | undefined> = loadEnv(), cwd = process.cwd()): FileUploadConfig {
  const merged = { ...ENV_DEFAULTS, ...env }
  return Object.freeze({ ...exampleConfig({ name: NAME, port: PORT }, merged, cwd), upload: uploadLimits(merged, cwd) })
}
