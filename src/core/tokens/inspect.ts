// Reading a token without trusting it: the header and claims as the token states them, for a
// person looking at one (the console's token inspector, `tokenwarden token inspect`). Nothing
// here decides anything; whether the server accepts the token is sessions.inspect's answer,
// which runs the real verifier.

/** What a JWT says about itself, unverified. */
export interface DecodedToken {
  readonly header: Readonly<Record<string, unknown>>
  readonly claims: Readonly<Record<string, unknown>>
}

/** Longer than the verifier's limit by far: a person may paste something odd, never megabytes. */
const MAX_DECODE_LENGTH = 16_384
const SEGMENT = /^[A-Za-z0-9_-]*$/

/**
 * Decodes a compact JWS's header and payload, or answers undefined when it is not one (three
 * base64url segments whose first two are JSON objects). Never verifies anything.
 *
 * @example
 * decodeToken('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig') // { header: { alg: 'HS256' }, claims: { sub: '1' } }
 */
export function decodeToken(token: string): DecodedToken | undefined {
  if (typeof token !== 'string' || token.length > MAX_DECODE_LENGTH) return undefined
  const parts = token.split('.')
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) return undefined
  const header = jsonObject(parts[0]!)
  const claims = jsonObject(parts[1]!)
  return header === undefined || claims === undefined ? undefined : { header, claims }
}

function jsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
