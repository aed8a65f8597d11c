// MeResource (`GET /me`, behind @jwt_required), and two routes the seed describes but does not
// list: a password change that wants a fresh token ("for critical operations like changing a
// password, we require that the access token is fresh"), and adding or removing a friend, so
// that `friends` holds something.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import type { FastifyInstance } from 'fastify'
import { AuthError, type User } from '../../src/index.js'
import { sendError } from '../shared/errors.js'
import type { Friends } from './friends.js'
import { errors, Friend, PasswordChange, UserAnswer, UsernameParams } from './schemas.js'
import { ownView } from './users.js'

export interface MeOptions {
  friends: Friends
}

export async function meResources(fastify: FastifyInstance, { friends }: MeOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const tw = app.tokenwarden
  const auth = tw.auth

  // MeResource.get: User.get_by_id(get_jwt_identity()), loaded by the guard (a deleted account's token is refused there).
  app.get('/me', { onRequest: tw.guard(), schema: { response: { 200: UserAnswer, ...errors } } }, async (request) => ownView(request.currentUser as User, friends))

  // @jwt_required(fresh=True): only a token from POST /token, not one from POST /refresh. Ends every other session.
  app.put(
    '/me/password',
    { onRequest: tw.guard({ fresh: true }), schema: { body: PasswordChange, response: { 204: Type.Null(), ...errors } } },
    async (request, reply) => {
      await auth.accounts.changePassword(request.identity!, {
        currentPassword: request.body.current_password,
        newPassword: request.body.new_password,
        keepSessionId: request.jwt!.sid,
      })
      return reply.code(204).send(null)
    },
  )

  app.post('/me/friends', { onRequest: tw.guard(), schema: { body: Friend, response: { 200: UserAnswer, ...errors } } }, async (request, reply) => {
    const me = request.currentUser as User
    const friend = await auth.accounts.findByUsername(request.body.username)
    if (friend === undefined) return sendError(reply, new AuthError('USER_NOT_FOUND'), 'msg', 'user not found')
    if (friend.id === me.id) throw new AuthError('VALIDATION_FAILED', 'username must be another user', { details: { field: 'username' } })
    await friends.add(me.id, friend.id)
    return ownView(me, friends)
  })

  app.delete('/me/friends/:username', { onRequest: tw.guard(), schema: { params: UsernameParams, response: { 200: UserAnswer, ...errors } } }, async (request, reply) => {
    const me = request.currentUser as User
    const friend = await auth.accounts.findByUsername(request.params.username)
    if (friend === undefined) return sendError(reply, new AuthError('USER_NOT_FOUND'), 'msg', 'user not found')
    await friends.remove(me.id, friend.id)
    return ownView(me, friends)
  })
}
