// What a route declares about itself, turned into the parts of its schema that document it: the
// error responses it can give (the shared error body, one per status, with the codes that route
// can return) and its OpenAPI `security`. Run from the guard plugin's onRoute hook, so the same
// `config: { auth, errors }` that installs the guard describes it, whether or not @fastify/swagger
// is registered (Fastify ignores `security`, `x-*` and the like; the error schemas also serialize
// the error bodies, which have exactly this shape).

import { STATUS_CODES } from 'node:http'
import type { RouteOptions } from 'fastify'
import { ERRORS, type ErrorCode } from '../../core/errors.js'
import type { GuardOptions, LocationSettings } from '../plugin/options.js'
import { SCHEMES, securitySchemes } from './security-schemes.js'

/** A route schema's flag: the body may be absent (the credentials or the token can come another way); openapi.ts marks its requestBody optional. */
export const OPTIONAL_BODY = 'x-tokenwarden-optional-body'

/** Every verification failure a guard can answer (core/tokens/verify.ts and the guard), before its own options add more. */
const VERIFY_CODES: readonly ErrorCode[] = (Object.keys(ERRORS) as ErrorCode[]).filter(
  (code) => code.startsWith('TOKEN_') && code !== 'TOKEN_NOT_FRESH' && code !== 'TOKEN_USER_NOT_FOUND' && code !== 'TOKEN_MISSING',
)

/** What a route can answer because it takes a body through the server's parsers (json-body.ts, errors.ts). */
const BODY_CODES: readonly ErrorCode[] = ['VALIDATION_FAILED', 'INVALID_JSON', 'JSON_PROTOTYPE_KEY', 'BODY_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE']
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export interface RouteDocContext {
  readonly settings: LocationSettings
  /** JWT_ERROR_MESSAGE_KEY: the name of the message property in error bodies. */
  readonly messageKey: string
  /** Whether guards load the user (a deleted account is then TOKEN_USER_NOT_FOUND). */
  readonly loadsUser: boolean
  /** MFA_REQUIRED_ROLES: role-guarded routes may answer MFA_REQUIRED. */
  readonly mfaRequiredRoles: readonly string[]
}

/** The guard options a route's `config.auth` declares (`true` is a plain guard), or undefined. */
export function declaredAuth(route: Pick<RouteOptions, 'config'>): GuardOptions | undefined {
  const auth = (route.config as { auth?: GuardOptions | true } | undefined)?.auth
  return auth === undefined || (auth as unknown) === false ? undefined : auth === true ? {} : auth
}

/** The codes a guard with these options can refuse a request with. */
function guardCodes(auth: GuardOptions, ctx: RouteDocContext): ErrorCode[] {
  const locations = auth.locations ?? ctx.settings.locations
  const codes: ErrorCode[] = [...VERIFY_CODES, 'SERVICE_UNAVAILABLE']
  if (auth.optional !== true) codes.push('TOKEN_MISSING')
  if (auth.fresh === true) codes.push('TOKEN_NOT_FRESH')
  if (auth.refresh === true) codes.push('REFRESH_TOKEN_REUSED')
  if ((auth.roles ?? []).length > 0) codes.push('ROLE_REQUIRED')
  if (auth.mfa === true || ((auth.roles ?? []).length > 0 && ctx.mfaRequiredRoles.length > 0)) codes.push('MFA_REQUIRED')
  if (locations.includes('cookies') && ctx.settings.cookies.csrfProtect) codes.push('CSRF_FAILED')
  if (ctx.loadsUser) codes.push('TOKEN_USER_NOT_FOUND', 'TOKEN_REVOKED')
  return codes
}

/** Every code the route can answer: what it declares, what its guard, its input and its body imply, and INTERNAL_ERROR. */
function routeCodes(route: RouteOptions, ctx: RouteDocContext): ErrorCode[] {
  const declared = (route.config as { errors?: readonly ErrorCode[] } | undefined)?.errors ?? []
  const codes = new Set<ErrorCode>([...declared, 'INTERNAL_ERROR'])
  const auth = declaredAuth(route)
  if (auth !== undefined) for (const code of guardCodes(auth, ctx)) codes.add(code)
  const schema = route.schema as Record<string, unknown> | undefined
  if (schema?.querystring !== undefined || schema?.params !== undefined) codes.add('VALIDATION_FAILED')
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  if (methods.some((m) => BODY_METHODS.has(m))) for (const code of BODY_CODES) codes.add(code)
  // The registry's order, so the document reads the same from one build to the next.
  return (Object.keys(ERRORS) as ErrorCode[]).filter((code) => codes.has(code))
}

/**
 * The error body (`{ statusCode, code, error, <messageKey>, field? }`, src/http/challenge.ts) for
 * one status, its `code` limited to the codes given.
 */
function errorSchema(status: number, codes: readonly ErrorCode[], messageKey: string): Record<string, unknown> {
  return {
    type: 'object',
    title: 'Error',
    description: `${STATUS_CODES[status] ?? 'Error'}: ${codes.map((c) => `${c} (${ERRORS[c].message})`).join('; ')}`,
    required: ['statusCode', 'code', 'error', messageKey],
    properties: {
      statusCode: { type: 'integer', enum: [status] },
      code: { type: 'string', enum: [...codes] },
      error: { type: 'string' },
      [messageKey]: { type: 'string' },
      field: { type: 'string', description: 'The request field a VALIDATION_FAILED is about' },
    },
    additionalProperties: false,
  }
}

/** One error response per status, for these codes (also for routes documented without a declaration: GET /metrics). */
export function errorResponses(codes: readonly ErrorCode[], messageKey: string): Record<number, Record<string, unknown>> {
  const byStatus = new Map<number, ErrorCode[]>()
  for (const code of codes) {
    const status = ERRORS[code].status
    byStatus.set(status, [...(byStatus.get(status) ?? []), code])
  }
  return Object.fromEntries([...byStatus].sort(([a], [b]) => a - b).map(([status, list]) => [status, errorSchema(status, list, messageKey)]))
}

/** The OpenAPI security requirements of a guard: any one of the configured token locations (roles as the requirement's list, OpenAPI 3.1 §4.8.30). */
function securityOf(auth: GuardOptions, settings: LocationSettings, methods: readonly string[]): Record<string, string[]>[] {
  const roles = [...(auth.roles ?? [])]
  const locations = auth.locations ?? settings.locations
  const csrf = settings.cookies.csrfProtect && methods.some((m) => settings.cookies.csrfMethods.includes(m))
  const alternatives: Record<string, string[]>[] = []
  if (locations.includes('headers')) alternatives.push({ [SCHEMES.bearer]: roles })
  if (locations.includes('cookies')) alternatives.push(csrf ? { [SCHEMES.cookie]: roles, [SCHEMES.csrf]: [] } : { [SCHEMES.cookie]: roles })
  if (locations.includes('query_string')) alternatives.push({ [SCHEMES.query]: roles })
  // An optional guard lets a request without a token through: the empty requirement says so.
  if (auth.optional === true) alternatives.push({})
  return alternatives
}

/** The declared responses, each with a description (the status's reason phrase unless it has its own), which OpenAPI requires of a response. */
function described(responses: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(responses).map(([status, schema]) => [status, typeof schema.description === 'string' ? schema : { ...schema, description: STATUS_CODES[Number(status)] ?? 'Response' }]),
  )
}

/** Whether a route declares anything this module describes. */
function declares(route: RouteOptions): boolean {
  const config = route.config as { auth?: unknown; errors?: unknown } | undefined
  return config?.auth !== undefined || config?.errors !== undefined
}

/**
 * Completes the route's schema from its declaration: error responses for every status its codes
 * have (a status the route declares itself is left as declared), `security` and
 * `x-tokenwarden-auth` for a guard. Idempotent.
 */
export function describeRoute(route: RouteOptions, ctx: RouteDocContext): void {
  if (!declares(route)) return
  const schema: Record<string, unknown> = { ...(route.schema as Record<string, unknown> | undefined) }
  const declared = (schema.response ?? {}) as Record<string, Record<string, unknown>>
  schema.response = { ...errorResponses(routeCodes(route, ctx), ctx.messageKey), ...described(declared) }
  const auth = declaredAuth(route)
  if (auth !== undefined) {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    schema.security ??= securityOf(auth, ctx.settings, methods)
    schema['x-tokenwarden-auth'] = { fresh: auth.fresh === true, roles: [...(auth.roles ?? [])], optional: auth.optional === true, mfa: auth.mfa === true }
    const needs = [
      auth.fresh === true ? 'a fresh access token (from a password login, not a refresh)' : undefined,
      auth.mfa === true ? 'a login with a second factor (amr lists mfa)' : undefined,
      (auth.roles ?? []).length > 0 ? `the role(s) ${(auth.roles ?? []).join(', ')}` : undefined,
    ].filter(Boolean)
    if (needs.length > 0 && typeof schema.description !== 'string') schema.description = `Needs ${needs.join(' and ')}.`
  }
  route.schema = schema
  // @fastify/swagger calls a route's own swaggerTransform with the document being built: the
  // schemes the route's security names are added there when missing, so a host app that registers
  // @fastify/swagger itself gets a whole document without declaring them (its global transform,
  // if any, is not applied to these routes).
  if (schema.security !== undefined && (route.config as { swaggerTransform?: unknown } | undefined)?.swaggerTransform === undefined) {
    const schemes = securitySchemes(ctx.settings)
    const swaggerTransform = ({ schema, url, openapiObject }: { schema: unknown; url: string; openapiObject?: { components?: { securitySchemes?: Record<string, unknown> } } }) => {
      if (openapiObject !== undefined) {
        const components = (openapiObject.components ??= {})
        components.securitySchemes = { ...schemes, ...components.securitySchemes }
      }
      return { schema, url }
    }
    route.config = { ...route.config, swaggerTransform } as typeof route.config
  }
}
