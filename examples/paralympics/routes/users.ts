// /api/register and /api/login, the tutorial's two user routes, on tokenwarden's accounts:
// an argon2id hash instead of the tutorial's, a login that answers the same for an unknown
// email and a wrong password, and the token in the answer (the tutorial made one and forgot to
// send it). The token is a tokenwarden access token: it expires (ACCESS_TOKEN_TTL, the
// tutorial's 5 minutes by default), names its session, and is refused once that session ends.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { AuthError, isAuthError } from '../../../src/index.js'
import { Credentials, ErrorAnswer, LoginAnswer, Status } from '../schemas.js'

export async function userRoutes(app: FastifyInstance): Promise<void> {
  const { accounts } = app.tokenwarden.auth
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const errors = { 400: ErrorAnswer, 401: ErrorAnswer, 409: ErrorAnswer, 429: ErrorAnswer }

  r.post('/register', { schema: { body: Credentials, response: { 201: Status, ...errors } } }, async (request, reply) => {
    const { email, password } = request.body
    try {
      await accounts.register({ email, password })
    } catch (err) {
      // The tutorial's words for a taken email, with a 409 and a code instead of its 202.
      if (isAuthError(err) && err.code === 'EMAIL_TAKEN') throw new AuthError('EMAIL_TAKEN', 'User already exists. Please Log in.')
      throw err
    }
    return reply.code(201).send({ status: 'success', message: 'Successfully registered.' })
  })

  r.post('/login', { schema: { body: Credentials, response: { 200: LoginAnswer, ...errors } } }, async (request) => {
    const { email, password } = request.body
    const { accessToken } = await accounts.login({ email, password }, { userAgent: request.headers['user-agent'], ip: request.ip })
    return { status: 'success' as const, message: 'Successfully logged in.', token: accessToken }
  })
}
