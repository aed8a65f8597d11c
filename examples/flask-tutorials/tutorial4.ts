// Tutorial 4, "Automatic User Loading": a JSON login and `GET /who_am_i`, whose account is loaded
// for every request (@jwt.user_lookup_loader -> the plugin's loadUser -> request.currentUser).
// A token whose account was deleted is refused (401 TOKEN_USER_NOT_FOUND, or TOKEN_REVOKED when
// the deletion ended its session first), as user_lookup_loader returning None is.

import type { FastifyInstance } from 'fastify'
import type { User } from '../../src/index.js'
import { installErrors } from '../shared/errors.js'
import { fjeMessage } from '../shared/flask-jwt-extended.js'
import { clientOf, credentialsSchema, type CredentialsBody } from './login.js'
import type { Profiles } from './profiles.js'

export interface Tutorial4Options {
  profiles: Profiles
}

export async function tutorial4(app: FastifyInstance, { profiles }: Tutorial4Options): Promise<void> {
  const tw = app.tokenwarden
  const auth = tw.auth
  installErrors(app, {
    messageKey: 'msg',
    message: (e, request) => (e.code === 'INVALID_CREDENTIALS' ? 'Wrong username or password' : fjeMessage(e, request)),
  })

  // @app.route("/login", methods=["POST"]): create_access_token(identity=user) stores user.id in `sub`.
  app.post<{ Body: CredentialsBody }>('/login', { schema: { body: credentialsSchema } }, async (request, reply) => {
    const { accessToken } = await auth.accounts.login({ username: request.body.username, password: request.body.password }, clientOf(request))
    return reply.header('cache-control', 'no-store').send({ access_token: accessToken })
  })

  // @app.route("/who_am_i") @jwt_required(): current_user.
  app.get('/who_am_i', { onRequest: tw.guard() }, async (request) => {
    const user = request.currentUser as User
    return { id: user.id, full_name: (await profiles.fullName(user.id)) ?? null, username: user.username }
  })
}
