// The OpenAPI contract, checked on every answer of the HTTP suite: testApp (test/helpers.ts)
// records each response of a documented route, and its status and body must match the document
// the same app serves (the route's response for that status, validated with Ajv's JSON Schema
// 2020-12, the dialect of OpenAPI 3.1; an error's `code` is among the codes the document lists
// for that route and status). A break is collected and fails the test at app.close().

import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import type { FastifyInstance } from 'fastify'

export interface ContractBreak {
  method: string
  path: string
  status: number
  problem: string
}

/** One answer the contract saw and checked. */
export interface Sampled {
  method: string
  /** The document's path (`/auth/sessions/{id}`). */
  path: string
  status: number
}

export interface Contract {
  readonly breaks: ContractBreak[]
  readonly sampled: Sampled[]
}

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>
}
interface Document {
  paths: Record<string, Record<string, Operation>>
  components?: unknown
}

/**
 * Answers about the HTTP request itself, which any route can meet before its own work starts
 * (src/http/client-errors.ts): the document states them once, in its description, not per route.
 */
const ANY_ROUTE = new Set(['MALFORMED_REQUEST', 'HEADERS_TOO_LARGE', 'HOST_REQUIRED', 'EXPECTATION_FAILED', 'REQUEST_TIMEOUT'])

const ajv = new Ajv2020({ strict: false, allErrors: true })
const validators = new Map<string, ValidateFunction>()

function validatorFor(schema: unknown, components: unknown): ValidateFunction {
  const key = JSON.stringify(schema)
  const known = validators.get(key)
  if (known !== undefined) return known
  // The components ride along so a `#/components/schemas/...` reference resolves.
  const validate = ajv.compile({ ...(schema as object), components })
  validators.set(key, validate)
  return validate
}

/** `/auth/sessions/:id` -> `/auth/sessions/{id}`, as @fastify/swagger writes paths. */
export function documentPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{*}')
}

/** Checks every answer `app` sends against the document it serves (app.swagger()). */
export function recordContract(app: FastifyInstance): Contract {
  const contract: Contract = { breaks: [], sampled: [] }
  let doc: Document | undefined
  app.addHook('onSend', async (request, reply, payload) => {
    const url = request.routeOptions.url
    if (url === undefined || request.method === 'HEAD' || !app.hasDecorator('swagger')) return payload
    // A route that declares no responses documents none to check against: openapi.test.ts allows
    // that only for the console's routes.
    if ((request.routeOptions.schema as { response?: unknown } | undefined)?.response === undefined) return payload
    doc ??= (app as unknown as { swagger(): Document }).swagger()
    const path = documentPath(url)
    const operation = doc.paths[path]?.[request.method.toLowerCase()]
    // Not in the document: a hidden route (/openapi.json, /docs); "every route is documented" is openapi.test.ts's.
    if (operation === undefined) return payload
    const status = reply.statusCode
    if (status >= 400 && typeof payload === 'string' && ANY_ROUTE.has(codeOf(payload))) return payload
    const fail = (problem: string) => contract.breaks.push({ method: request.method, path, status, problem })
    const response = operation.responses?.[String(status)] ?? operation.responses?.[`${String(status)[0]}XX`]
    if (response === undefined) {
      fail(`status ${status} is not documented (${typeof payload === 'string' ? payload.slice(0, 200) : ''})`)
      return payload
    }
    contract.sampled.push({ method: request.method, path, status })
    // A documented media type other than JSON (GET /metrics' text/plain): the body is whatever text it is.
    const mediaType = String(reply.getHeader('content-type') ?? '').split(';')[0]!.trim()
    if (mediaType !== 'application/json' && response.content?.[mediaType] !== undefined) {
      if (typeof payload !== 'string') fail(`a ${typeof payload} body where the document says ${mediaType}`)
      return payload
    }
    const schema = response.content?.['application/json']?.schema
    if (schema === undefined) {
      if (typeof payload === 'string' && payload.length > 0) fail('a body where the document says none')
      return payload
    }
    if (typeof payload !== 'string') {
      fail(`a ${typeof payload} body where the document says JSON`)
      return payload
    }
    let body: unknown
    try {
      body = JSON.parse(payload)
    } catch {
      fail('a body that is not JSON')
      return payload
    }
    const validate = validatorFor(schema, doc.components)
    if (!validate(body)) fail(`${ajv.errorsText(validate.errors)}; body ${payload.slice(0, 300)}`)
    return payload
  })
  app.addHook('onClose', async () => {
    if (contract.breaks.length > 0) {
      throw new Error(`responses broke the OpenAPI document:\n${contract.breaks.map((b) => `  ${b.method} ${b.path} ${b.status}: ${b.problem}`).join('\n')}`)
    }
  })
  return contract
}

function codeOf(payload: string): string {
  try {
    const code = (JSON.parse(payload) as { code?: unknown }).code
    return typeof code === 'string' ? code : ''
  } catch {
    return ''
  }
}
