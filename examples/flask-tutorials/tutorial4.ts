// Tutorial 4, "Automatic User Loading": a JSON login and `GET /who_am_i`, whose account is loaded
// for every request (@jwt.user_lookup_loader -> the plugin's loadUser -> request.currentUser).
// A token whose account was deleted is refused (401 TOKEN_USER_NOT_FOUND, or TOKEN_REVOKED when
// the deletion ended its session first), as user_lookup_loader returning None is.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { User } from '../../src/index.js'
import { clientOf } from '../shared/client.js'
import { errorResponses, installErrors } from '../shared/errors.js'
import { fjeMessage } from '../shared/flask-jwt-extended.js'
import type { Profiles } from './profiles.js'
import { AccessTokenAnswer, Credentials, WhoAmI } from './schemas.js'

const errors = errorResponses('msg')

export interface Tutorial4Options {
  profiles: Profiles
}

export async function tutorial4(fastify: FastifyInstance, { profiles }: Tutorial4Options): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const tw = app.tokenwarden
  const auth = tw.auth
  installErrors(app, {
    messageKey: 'msg',
    message: (e, request) => (e.code === 'INVALID_CREDENTIALS' ? 'Wrong username or password' : fjeMessage(e, request)),
  })

  // @app.route("/login", methods=["POST"]): create_access_token(identity=user) stores user.id in `sub`.
  app.post('/login', { schema: { body: Credentials, response: { 200: AccessTokenAnswer, ...errors } } }, async (request, reply) => {
    const { accessToken } = await auth.accounts.login({ username: request.body.username, password: request.body.password }, clientOf(request))
    return reply.header('cache-control', 'no-store').send({ access_token: accessToken })
  })

  // @app.route("/who_am_i") @jwt_required(): current_user.
  app.get('/who_am_i', { onRequest: tw.guard(), schema: { response: { 200: WhoAmI, ...errors } } }, async (request) => {
    const user = request.currentUser as User
    return { id: user.id, full_name: (await profiles.fullName(user.id)) ?? null, username: user.username }
  })
}
