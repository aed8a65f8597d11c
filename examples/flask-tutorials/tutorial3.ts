// Tutorial 3, "User Auth with Flask JWT Extended": a JSON login answering `{"access_token": ...}`
// and `GET /protected` behind @jwt_required(). Token errors read as Flask-JWT-Extended's
// (`{"msg": "Missing Authorization Header"}`); the login's own refusal keeps the tutorial's
// `{"message": "Invalid username or password"}`.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { User } from '../../src/index.js'
import { clientOf } from '../shared/client.js'
import { errorHandler, errorResponses, installErrors } from '../shared/errors.js'
import { fjeMessage } from '../shared/flask-jwt-extended.js'
import { AccessTokenAnswer, Credentials, ProtectedAnswer } from './schemas.js'


export async function tutorial3(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const tw = app.tokenwarden
  const auth = tw.auth
  installErrors(app, { messageKey: 'msg', message: fjeMessage })

  // @app.route('/login', methods=['POST']): create_access_token(identity=username)
  app.post(
    '/login',
    {
      schema: { body: Credentials, response: { 200: AccessTokenAnswer, ...errorResponses('message') } },
      errorHandler: errorHandler({ message: (e) => (e.code === 'INVALID_CREDENTIALS' ? 'Invalid username or password' : undefined) }),
    },
    async (request, reply) => {
      const { accessToken } = await auth.accounts.login({ username: request.body.username, password: request.body.password }, clientOf(request))
      return reply.header('cache-control', 'no-store').send({ access_token: accessToken })
    },
  )

  // @app.route('/protected') @jwt_required(): get_jwt_identity() was the username; the token's
  // `sub` is the account id now, and the username comes from the account (current_user).
  app.get('/protected', { onRequest: tw.guard(), schema: { response: { 200: ProtectedAnswer, ...errorResponses('msg') } } }, async (request) => {
    const username = (request.currentUser as User).username ?? ''
    // The tutorial's code answers `message`; its HTTPie session shows `logged_in_as`: both are here.
    return { message: `Protected endpoint accessed by ${username}`, logged_in_as: username }
  })
}
