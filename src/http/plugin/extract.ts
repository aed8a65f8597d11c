// Finding the token in a request. Headers: `Authorization: Bearer <token>`, the scheme
// matched case-insensitively (RFC 7235 §2.1); the header name and scheme are configurable
// (Flask-JWT-Extended's JWT_HEADER_NAME / JWT_HEADER_TYPE; an empty type means a bare token).

import type { FastifyRequest } from 'fastify'

export interface HeaderOptions {
  /** default: authorization */
  name?: string
  /** default: Bearer ('' for a bare token) */
  type?: string
}

export type Extractor = (request: FastifyRequest) => string | undefined

export function headerExtractor(options: HeaderOptions = {}): Extractor {
  const name = (options.name ?? 'authorization').toLowerCase()
  const type = options.type ?? 'Bearer'
  return (request) => parseAuthorization(request.headers[name], type)
}

/** The credentials of `<scheme> <credentials>`, or undefined when the header does not fit. */
export function parseAuthorization(value: string | string[] | undefined, scheme: string): string | undefined {
  if (typeof value !== 'string') return undefined
  const v = value.trim()
  if (scheme === '') return v === '' ? undefined : v
  if (v.length <= scheme.length + 1 || v.slice(0, scheme.length).toLowerCase() !== scheme.toLowerCase()) return undefined
  const rest = v.slice(scheme.length)
  if (rest[0] !== ' ' && rest[0] !== '\t') return undefined
  const credentials = rest.trim()
  return credentials === '' || /\s/.test(credentials) ? undefined : credentials
}
