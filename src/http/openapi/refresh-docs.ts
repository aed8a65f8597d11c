// POST /auth/refresh finds its token itself (any configured location plus the JSON body, never
// through a guard: a refresh cookie that can never work again is cleared with the refusal), so
// what a guard's declaration would say is written out here.

import type { FastifyInstance } from 'fastify'
import { ERRORS, type ErrorCode } from '../../core/errors.js'
import { SCHEMES } from './security-schemes.js'

/** Every verification failure, plus what spending a refresh token can meet (core/sessions/refresh.ts). */
export const REFRESH_ERRORS: readonly ErrorCode[] = [
  ...(Object.keys(ERRORS) as ErrorCode[]).filter((code) => code.startsWith('TOKEN_') && code !== 'TOKEN_NOT_FRESH'),
  'REFRESH_TOKEN_REUSED',
  'CSRF_FAILED',
  'ACCOUNT_DISABLED',
  'USER_NOT_FOUND',
  'SERVICE_UNAVAILABLE',
]

/** The refresh token in the Authorization header, or the refresh cookie with its CSRF echo, or in the body (the empty requirement). */
export function refreshSecurity(app: FastifyInstance): Record<string, string[]>[] {
  const { locations, cookies } = app.tokenwarden.settings
  const alternatives: Record<string, string[]>[] = []
  if (locations.includes('headers')) alternatives.push({ [SCHEMES.bearer]: [] })
  if (locations.includes('cookies')) alternatives.push(cookies.csrfProtect ? { [SCHEMES.refreshCookie]: [], [SCHEMES.csrf]: [] } : { [SCHEMES.refreshCookie]: [] })
  alternatives.push({})
  return alternatives
}
