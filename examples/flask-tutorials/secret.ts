// The tutorial's first step, "ways to generate a secret_key", as a command:
//
//   npx tsx examples/flask-tutorials/secret.ts                 # 48 random bytes, base64url
//   npx tsx examples/flask-tutorials/secret.ts --format hex    # uuid.uuid4().hex's alphabet
//   npx tsx examples/flask-tutorials/secret.ts --env >> .env   # JWT_SECRET=... for the .env file
//
// The tutorial's three ways give 12 or 16 random bytes (os.urandom(12), secrets.token_urlsafe(12),
// uuid4().hex, of which 122 bits are random); an HMAC key for HS256 wants at least 32 (RFC 7518
// §3.2), and tokenwarden refuses a shorter JWT_SECRET. This draws from the OS's CSPRNG as
// os.urandom does, never fewer than 32 bytes.

import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

export const FORMATS = ['base64url', 'hex', 'base64'] as const
export type SecretFormat = (typeof FORMATS)[number]
export const MIN_BYTES = 32
export const DEFAULT_BYTES = 48

const USAGE = `Usage: secret.ts [--bytes N] [--format base64url|hex|base64] [--env]

Prints a new random secret for JWT_SECRET (N bytes, default ${DEFAULT_BYTES}, at least ${MIN_BYTES}).
  --env   print it as a JWT_SECRET=... line, to append to .env`

/** A new secret of `bytes` random bytes, encoded. */
export function generateSecret(bytes: number = DEFAULT_BYTES, format: SecretFormat = 'base64url'): string {
  if (!Number.isInteger(bytes) || bytes < MIN_BYTES || bytes > 1024) throw new RangeError(`bytes must be a whole number from ${MIN_BYTES} to 1024`)
  return randomBytes(bytes).toString(format)
}

function main(argv: string[]): number {
  let values
  try {
    ;({ values } = parseArgs({ args: argv, options: { bytes: { type: 'string' }, format: { type: 'string' }, env: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }))
  } catch (err) {
    console.error(`secret: ${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (values.help === true) {
    console.log(USAGE)
    return 0
  }
  const format = (values.format ?? 'base64url') as SecretFormat
  const bytes = values.bytes === undefined ? DEFAULT_BYTES : /^\d+$/.test(values.bytes) ? Number(values.bytes) : NaN
  if (!FORMATS.includes(format)) {
    console.error(`secret: --format must be one of ${FORMATS.join(', ')}\n\n${USAGE}`)
    return 2
  }
  let secret: string
  try {
    secret = generateSecret(bytes, format)
  } catch (err) {
    console.error(`secret: --${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  console.log(values.env === true ? `JWT_SECRET=${secret}` : secret)
  return 0
}

// Run as a command, not when imported (the test imports generateSecret).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2))
