// Schema violations in words a client understands, without echoing the request. A message
// names a field only when the schema declares it, never repeats a value or an unknown key
// (a JSON body posted as a form arrives as one key: the whole body, password included), and
// says what the field accepts ("scope must be one of local, global, others"), described from
// the schema itself. A schema can word its own rule with `errorMessage` (e.g. a pattern).

import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify'
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox'
import type { TSchema } from 'typebox'

/** A validation failure fit to show: the message, and the schema field it is about. */
export interface ValidationProblem {
  readonly message: string
  readonly field: string | undefined
}

type Schema = Record<string, unknown>

/** The compiler buildApp installs: TypeBox's, with each failure already put in plain words. */
export const describingValidatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  const validate = TypeBoxValidatorCompiler(route) as (value: unknown) => { value?: unknown; error?: FastifySchemaValidationError[] }
  const where = route.httpPart ?? 'body'
  return (value: unknown) => {
    const result = validate(value)
    if (result.error === undefined) return result
    const problem = describeValidation(result.error, where, route.schema as Schema)
    // One error, worded here; `params.described` tells toAuthError to use it as it is.
    const error: FastifySchemaValidationError = {
      keyword: 'described',
      instancePath: problem.field === undefined ? '' : `/${problem.field}`,
      schemaPath: '#',
      params: { described: true, field: problem.field },
      message: problem.message,
    }
    return { error: [error] }
  }
}

/**
 * The first failure in plain words. With the schema, the field's whole rule is described;
 * without it (errors from another compiler), the failing keyword is.
 */
export function describeValidation(errors: readonly FastifySchemaValidationError[], where: string, schema?: Schema): ValidationProblem {
  const first = errors[0]
  if (first === undefined) return { message: `${where} is invalid`, field: undefined }
  if (first.params?.described === true) {
    const field = first.params.field
    return { message: first.message ?? `${where} is invalid`, field: typeof field === 'string' ? field : undefined }
  }
  const missing = errors.find((e) => e.keyword === 'required')
  if (missing !== undefined && missing.instancePath === '') {
    const name = missingProperty(missing.params)
    // A required name comes from the schema, never from the request.
    if (name !== undefined) return { message: `${name} is required`, field: name }
  }
  const root = errors.find((e) => e.instancePath === '' && e.keyword === 'type')
  if (root !== undefined) return { message: `${where} must be ${typeWords(String(root.params?.type))}`, field: undefined }
  // Errors on one top-level property, in the order reported; unknown keys are never named.
  const unknown = errors.some(isUnknownKey)
  const onField = errors.filter((e) => !isUnknownKey(e) && e.instancePath !== '')
  const name = onField[0] === undefined ? undefined : topProperty(onField[0].instancePath)
  if (name !== undefined && (schema === undefined || propertyOf(schema, name) !== undefined)) {
    const sub = schema === undefined ? undefined : propertyOf(schema, name)
    const words = sub !== undefined ? describeSchema(sub) : describeErrors(onField.filter((e) => topProperty(e.instancePath) === name))
    return { message: `${name} ${words}`, field: name }
  }
  if (unknown) return { message: `${where} has a property that is not allowed${allowedList(schema)}`, field: undefined }
  return { message: `${where} is invalid`, field: undefined }
}

function isUnknownKey(e: FastifySchemaValidationError): boolean {
  return e.keyword === 'additionalProperties' || (e.keyword === 'boolean' && /additionalProperties$/.test(e.schemaPath))
}

function missingProperty(params: Record<string, unknown> | undefined): string | undefined {
  const p = params as { missingProperty?: unknown; requiredProperties?: unknown } | undefined
  const name = p?.missingProperty ?? (Array.isArray(p?.requiredProperties) ? p.requiredProperties[0] : undefined)
  return typeof name === 'string' ? name : undefined
}

/** `/roles/1` -> `roles`: JSON Pointer unescaped (RFC 6901 §4). */
function topProperty(instancePath: string): string | undefined {
  const segment = instancePath.split('/')[1]
  return segment === undefined || segment === '' ? undefined : segment.replace(/~1/g, '/').replace(/~0/g, '~')
}

function propertyOf(schema: Schema, name: string): Schema | undefined {
  const properties = schema.properties as Record<string, Schema> | undefined
  return properties !== undefined && Object.hasOwn(properties, name) ? properties[name] : undefined
}

function allowedList(schema: Schema | undefined): string {
  const properties = schema?.properties as Record<string, unknown> | undefined
  if (properties === undefined) return ''
  const names = Object.keys(properties)
  return names.length === 0 ? ' (it takes none)' : ` (allowed: ${names.join(', ')})`
}

/** What a schema accepts, as the rest of a sentence: "must be one of local, global, others". */
export function describeSchema(schema: Schema): string {
  if (typeof schema.errorMessage === 'string') return schema.errorMessage
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined
  if (Array.isArray(alternatives)) {
    if (alternatives.every((s) => s.const !== undefined)) return `must be one of ${alternatives.map((s) => String(s.const)).join(', ')}`
    const parts = alternatives.map((s) => describeSchema(s).replace(/^must be /, ''))
    return `must be ${parts.join(' or ')}`
  }
  if (Array.isArray(schema.enum)) return `must be one of ${schema.enum.map(String).join(', ')}`
  if (schema.const !== undefined) return `must be ${String(schema.const)}`
  switch (schema.type) {
    case 'string':
      return `must be ${typeWords('string')}${range(schema.minLength, schema.maxLength, 'character')}${schema.pattern === undefined ? '' : ' in the expected format'}`
    case 'integer':
    case 'number':
      return `must be ${typeWords(schema.type)}${numberRange(schema.minimum, schema.maximum)}`
    case 'array': {
      const items = schema.items as Schema | undefined
      const each = items === undefined ? '' : `, each ${describeSchema(items).replace(/^must be /, '')}`
      return `must be ${typeWords('array')}${range(schema.minItems, schema.maxItems, 'item')}${each}`
    }
    case 'object':
      return `must be ${typeWords('object')}`
    default:
      return typeof schema.type === 'string' ? `must be ${typeWords(schema.type)}` : 'is invalid'
  }
}

/** Without the schema: what the failing keywords say, never the value. */
function describeErrors(errors: readonly FastifySchemaValidationError[]): string {
  const allowed = errors.filter((e) => e.keyword === 'const' || e.keyword === 'enum')
  if (allowed.length > 0) {
    const values = allowed.flatMap((e) => {
      const p = e.params as { allowedValue?: unknown; allowedValues?: unknown[] }
      return p.allowedValues ?? [p.allowedValue]
    })
    return `must be one of ${values.map(String).join(', ')}`
  }
  const e = errors.find((x) => x.keyword !== 'anyOf' && x.keyword !== 'oneOf') ?? errors[0]!
  const limit = (e.params as { limit?: unknown }).limit
  switch (e.keyword) {
    case 'type':
      return `must be ${typeWords(String(e.params.type))}`
    case 'minLength':
      return `must be at least ${String(limit)} characters`
    case 'maxLength':
      return `must be at most ${String(limit)} characters`
    case 'minimum':
      return `must be at least ${String(limit)}`
    case 'maximum':
      return `must be at most ${String(limit)}`
    case 'minItems':
      return `must list at least ${String(limit)} items`
    case 'maxItems':
      return `must list at most ${String(limit)} items`
    case 'pattern':
    case 'format':
      return 'must be in the expected format'
    case 'required': {
      const name = missingProperty(e.params)
      return name === undefined ? 'must have every required field' : `must have ${name}`
    }
    default:
      return 'is invalid'
  }
}

function typeWords(type: string): string {
  switch (type) {
    case 'string':
      return 'a string'
    case 'integer':
      return 'a whole number'
    case 'number':
      return 'a number'
    case 'boolean':
      return 'true or false'
    case 'array':
      return 'a list'
    case 'object':
      return 'an object'
    case 'null':
      return 'null'
    default:
      return 'of another type'
  }
}

function range(min: unknown, max: unknown, unit: string): string {
  const lo = typeof min === 'number' ? min : undefined
  const hi = typeof max === 'number' ? max : undefined
  if (lo !== undefined && hi !== undefined) return ` of ${lo} to ${hi} ${unit}s`
  if (hi !== undefined) return ` of at most ${hi} ${unit}s`
  if (lo !== undefined && lo > 0) return ` of at least ${lo} ${unit}${lo === 1 ? '' : 's'}`
  return ''
}

function numberRange(min: unknown, max: unknown): string {
  const lo = typeof min === 'number' ? min : undefined
  const hi = typeof max === 'number' ? max : undefined
  if (lo !== undefined && hi !== undefined) return ` from ${lo} to ${hi}`
  if (hi !== undefined) return ` of at most ${hi}`
  if (lo !== undefined) return ` of at least ${lo}`
  return ''
}
