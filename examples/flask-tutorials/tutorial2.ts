// Tutorial 2, "Authenticating a Flask API": a route anyone may call, a route that wants
// `?token=`, and `GET /login` with HTTP Basic answering `{"token": ...}`. Errors keep the
// tutorial's `message` key and words.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { AuthError, isAuthError } from '../../src/index.js'
import { basicCredentials } from '../../src/fastify.js'
import { clientOf } from '../shared/client.js'
import { errorResponses, installErrors, sendError } from '../shared/errors.js'
import { MessageAnswer, TokenAnswer } from './schemas.js'

const errors = errorResponses('message')


function message(error: AuthError): string | undefined {
  if (error.code === 'TOKEN_MISSING') return 'Token is missing!'
  if (error.code.startsWith('TOKEN_')) return 'Token is invalid'
  return undefined
}

export async function tutorial2(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const tw = app.tokenwarden
  const auth = tw.auth
  installErrors(app, { message })

  // @app.route('/unprotected')
  app.get('/unprotected', { schema: { response: { 200: MessageAnswer, ...errors } } }, async () => ({ message: 'Anyone can view this!' }))

  // @app.route('/protected') @token_required: http://127.0.0.1:3103/t2/protected?token=...
  app.get('/protected', { onRequest: tw.guard({ locations: ['query_string'] }), schema: { response: { 200: MessageAnswer, ...errors } } }, async () => ({
    message: 'This is only available for people with valid tokens.',
  }))

  // @app.route('/login'): request.authorization, checked against the account.
  app.get('/login', { schema: { response: { 200: TokenAnswer, ...errors } } }, async (request, reply) => {
    // request.authorization (RFC 7617): the user is a username, or an email when it holds @.
    const credentials = basicCredentials(request)
    try {
      if (credentials === undefined) throw new AuthError('INVALID_CREDENTIALS')
      const { accessToken } = await auth.accounts.login(credentials, clientOf(request))
      // A token is a credential: no cache keeps it (RFC 6749 §5.1).
      return reply.header('cache-control', 'no-store').send({ token: accessToken })
    } catch (err) {
      if (!isAuthError(err) || err.code !== 'INVALID_CREDENTIALS') throw err
      // make_response('Could not verify', 401, {'WWW-Authenticate': 'Basic realm="Login Required"'})
      reply.header('www-authenticate', 'Basic realm="Login Required", charset="UTF-8"')
      return sendError(reply, err, undefined, 'Could not verify')
    }
  })
}
