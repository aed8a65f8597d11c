// Shared fixtures: the HMAC secret every HTTP server under test verifies with, and pools of
// distinct tokenwarden access tokens signed with it.

import { writeFileSync } from 'node:fs'
import { createIssuer } from '../../src/core/tokens/issue.js'
import { Keyring } from '../../src/core/tokens/keyring.js'

/** The HS256 secret shared by every server in the HTTP section (48 bytes). */
export const BENCH_SECRET = 'tokenwarden-bench-secret-0123456789-abcdefghijkl'

/** `n` distinct HS256 access tokens (sub user-<i>), valid for an hour. */
export function accessTokens(n: number, secret = BENCH_SECRET): string[] {
  const issuer = createIssuer({ keyring: Keyring.of([{ alg: 'HS256', secret }]), accessTtl: 3600 })
  const tokens: string[] = []
  for (let i = 0; i < n; i++) tokens.push(issuer.issue('access', { sub: `user-${i}`, sid: `s-${i}` }).token)
  return tokens
}

/** Writes tokens one per line (for the wrk Lua script or the autocannon worker). */
export function writeTokens(path: string, tokens: readonly string[]): string {
  writeFileSync(path, tokens.join('\n') + '\n')
  return path
}
