// Recovery codes: the way in when the authenticator is lost. Ten per enrollment, shown once;
// each is 10 characters of the RFC 4648 base32 alphabet (50 bits from the CSPRNG), written
// `xxxxx-xxxxx`. Only the SHA-256 of the canonical form (lowercase, no dash) is stored, and the
// store deletes a code as it is used, so each works exactly once.

import { createHash, randomInt } from 'node:crypto'

export const RECOVERY_CODE_COUNT = 10

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'
const LENGTH = 10
const CANONICAL = new RegExp(`^[${ALPHABET}]{${LENGTH}}$`)

/** A new set of codes, formatted for the user (`xxxxx-xxxxx`). */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    let code = ''
    for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)]
    return `${code.slice(0, 5)}-${code.slice(5)}`
  })
}

/**
 * The SHA-256 (hex) of a code as typed, read case-insensitively with spaces and dashes ignored;
 * undefined when it cannot be one of ours.
 */
export function recoveryCodeHash(code: string): string | undefined {
  const canonical = code.toLowerCase().replace(/[\s-]+/g, '')
  if (!CANONICAL.test(canonical)) return undefined
  return createHash('sha256').update(canonical, 'utf8').digest('hex')
}
