// The token resources: TokenResource (`POST /token`: email and password for a fresh access token
// and a refresh token), RefreshResource (`POST /refresh` behind @jwt_refresh_token_required: a
// new access token, not fresh) and RevokeResource (`POST /revoke`: logout). The seed's
// blacklist was a process-local set of jtis, checked for access and refresh tokens alike but
// filled only with the access token's; here /revoke ends the session both tokens belong to, in
// the database, so the refresh token is refused too, by every process on the database.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { isAuthError } from '../../src/index.js'
import { clientOf } from '../shared/client.js'
import { errorHandler, sendError } from '../shared/errors.js'
import { FJE_REFRESH_ONLY, fjeMessage } from '../shared/flask-jwt-extended.js'
import { AccessToken, Credentials, errors, Msg, Tokens } from './schemas.js'

export async function tokenResources(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const tw = app.tokenwarden
  const auth = tw.auth

  // TokenResource.post: create_access_token(identity=user.id, fresh=True), create_refresh_token(identity=user.id)
  app.post('/token', { schema: { body: Credentials, response: { 200: Tokens, ...errors } } }, async (request, reply) => {
    try {
      const { accessToken, refreshToken } = await auth.accounts.login({ email: request.body.email, password: request.body.password }, clientOf(request))
      // Tokens are credentials: no cache keeps them (RFC 6749 §5.1).
      return reply.header('cache-control', 'no-store').send({ access_token: accessToken, refresh_token: refreshToken })
    } catch (err) {
      if (!isAuthError(err) || err.code !== 'INVALID_CREDENTIALS') throw err
      return sendError(reply, err, 'msg', 'email or password is incorrect')
    }
  })

  // RefreshResource.post: create_access_token(identity=current_user, fresh=False). The client keeps
  // its one refresh token, as with Flask-JWT-Extended: no rotation (rotate: false), and the
  // session still ends when the refresh token expires (REFRESH_TOKEN_TTL), which the seed's did not.
  app.post(
    '/refresh',
    {
      onRequest: tw.guard({ refresh: true }),
      schema: { response: { 200: AccessToken, ...errors } },
      errorHandler: errorHandler({ message: (e, request) => (e.code === 'TOKEN_TYPE_INVALID' ? FJE_REFRESH_ONLY : fjeMessage(e, request)) }),
    },
    async (request, reply) => {
      const located = tw.locate(request, { refresh: true })!
      const { accessToken } = await auth.sessions.refresh(located.token, { rotate: false })
      return reply.header('cache-control', 'no-store').send({ access_token: accessToken })
    },
  )

  // RevokeResource.post: blacklist.add(jti) becomes the end of the session: this access token,
  // the refresh token of the same login and every access token refreshed from it.
  app.post('/revoke', { onRequest: tw.guard(), schema: { response: { 200: Msg, ...errors } } }, async (request) => {
    await auth.sessions.logout(request.jwt!)
    return { msg: 'Successfully logged out' }
  })
}
