// TOTP (RFC 6238) through otpauth: HMAC-SHA1, 6 digits, 30-second steps, the parameters every
// authenticator app reads from an otpauth:// URI (several ignore any other algorithm or length).
// A code is matched within one step either side (§5.2's recommended drift allowance) and the
// step it matched is returned, so the caller can refuse that step a second time (§5.2: replay).

import { randomBytes } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'

/** The TOTP parameters: what the otpauth URI announces and every check uses. */
export const TOTP_PARAMS = Object.freeze({ algorithm: 'SHA1', digits: 6, period: 30 })

/** Steps accepted either side of the current one: clock drift between the server and a phone (RFC 6238 §5.2). */
export const TOTP_WINDOW = 1

/** 20 bytes (160 bits), the HMAC-SHA1 key length RFC 4226 §4 (R6) recommends. */
export const TOTP_SECRET_BYTES = 20

const CODE_SHAPE = /^\d{6}$/

/** A fresh shared secret, base32 (RFC 4648 §6) as authenticator apps take it. */
export function newTotpSecret(): string {
  // A copy: a Buffer may be a view into a larger shared ArrayBuffer.
  return new Secret({ buffer: new Uint8Array(randomBytes(TOTP_SECRET_BYTES)).buffer }).base32
}

function totpOf(secret: string, issuer = '', label = ''): TOTP {
  return new TOTP({ issuer, label, issuerInLabel: issuer !== '', secret: Secret.fromBase32(secret), ...TOTP_PARAMS })
}

/**
 * The `otpauth://totp/...` URI an authenticator app scans (Key Uri Format), naming the service
 * (`issuer`) and the account (`label`).
 *
 * @example
 * totpUri(secret, 'tokenwarden', 'ada@example.com') // 'otpauth://totp/tokenwarden:ada%40example.com?issuer=tokenwarden&secret=...'
 */
export function totpUri(secret: string, issuer: string, label: string): string {
  return totpOf(secret, issuer, label).toString()
}

/** A code as typed: spaces (authenticators show `123 456`) dropped. */
export function normalizeCode(code: string): string {
  return code.replace(/\s+/g, '')
}

/**
 * The time step (counter, RFC 6238 §4.2) `code` is right for at `nowMs`, within TOTP_WINDOW
 * steps; undefined when it is right for none. The comparison is otpauth's, in constant time.
 */
export function matchTotp(secret: string, code: string, nowMs: number): number | undefined {
  const typed = normalizeCode(code)
  if (!CODE_SHAPE.test(typed)) return undefined
  const delta = totpOf(secret).validate({ token: typed, timestamp: nowMs, window: TOTP_WINDOW })
  if (delta === null) return undefined
  return TOTP.counter({ period: TOTP_PARAMS.period, timestamp: nowMs }) + delta
}

/** The current code (for tests and the CLI's own checks). */
export function totpCode(secret: string, nowMs: number): string {
  return totpOf(secret).generate({ timestamp: nowMs })
}
