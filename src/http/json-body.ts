// The JSON body parser: Fastify's own (secure-json-parse, refusing `__proto__` and
// `constructor.prototype` keys), with prototype keys answered as JSON_PROTOTYPE_KEY rather than
// "not valid JSON": the body parses, it is refused on purpose. Fastify raises the same
// FST_ERR_CTP_INVALID_JSON_BODY for both and keeps no cause, so the body is parsed once more,
// plainly, only when the secure parse failed. Neither answer echoes the body.

import formbody from '@fastify/formbody'
import type { FastifyInstance } from 'fastify'
import { AuthError } from '../core/errors.js'

/**
 * The bodies the auth routes take: JSON (with prototype keys refused, below) and forms; any
 * other content type is a 415. Encapsulated: registered in a plugin, it applies to that
 * plugin's routes only.
 */
export async function installBodyParsing(app: FastifyInstance): Promise<void> {
  app.removeContentTypeParser('text/plain')
  installJsonParser(app)
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody)
}

export function installJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, body as string, (err: Error | null, value?: unknown) => {
      if (err !== null && err !== undefined && parsesPlainly(body as string)) return done(new AuthError('JSON_PROTOTYPE_KEY'), undefined)
      done(err, value)
    })
  })
}

/** True when plain JSON.parse accepts what secure-json-parse refused: a prototype key. */
function parsesPlainly(body: string): boolean {
  if (body.length === 0) return false
  try {
    JSON.parse(body)
    return true
  } catch {
    return false
  }
}
