// The algorithms and libraries of the token micro-benchmarks, in report order.

export const ALGS = ['HS256', 'RS256', 'ES256', 'EdDSA'] as const
export const IMPLS = ['tokenwarden', 'tokenwarden (cached)', 'fast-jwt', 'jsonwebtoken', 'jose', 'node:crypto (limit)'] as const
export type Impl = (typeof IMPLS)[number]
