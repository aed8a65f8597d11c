// The users resources: UserListResource (`POST /users`, registration, from the book's chapter
// before the seed's) and UserResource (`GET /users/:username` behind @jwt_optional: everyone
// sees the id and username, the owner also the email and friends).

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { AuthError, isAuthError, type User } from '../../src/index.js'
import { sendError } from '../shared/errors.js'
import type { Friends } from './friends.js'
import { CreatedUser, errors, NewUser, UserAnswer, UsernameParams } from './schemas.js'

export interface UsersOptions {
  friends: Friends
}

/** What the owner sees of an account (and MeResource shows). */
export async function ownView(user: User, friends: Friends): Promise<{ id: string; username: string | null; email: string; friends: string[] }> {
  return { id: user.id, username: user.username, email: user.email, friends: await friends.list(user.id) }
}

export async function usersResources(fastify: FastifyInstance, { friends }: UsersOptions): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const tw = app.tokenwarden
  const auth = tw.auth

  // UserListResource.post: {'message': 'username already used'} / 'email already used' (409 here, the book's 400).
  app.post('/users', { schema: { body: NewUser, response: { 201: CreatedUser, ...errors } } }, async (request, reply) => {
    const { username, email, password } = request.body
    try {
      const user = await auth.accounts.register({ username, email, password })
      return reply.code(201).send({ id: user.id, username: user.username, email: user.email })
    } catch (err) {
      if (!isAuthError(err) || (err.code !== 'USERNAME_TAKEN' && err.code !== 'EMAIL_TAKEN')) throw err
      return sendError(reply, err, 'message', err.code === 'USERNAME_TAKEN' ? 'username already used' : 'email already used')
    }
  })

  // UserResource.get with @jwt_optional: get_jwt_identity() is None without a token.
  app.get(
    '/users/:username',
    { onRequest: tw.guard({ optional: true }), schema: { params: UsernameParams, response: { 200: UserAnswer, ...errors } } },
    async (request, reply) => {
      const user = await auth.accounts.findByUsername(request.params.username)
      if (user === undefined) return sendError(reply, new AuthError('USER_NOT_FOUND'), 'msg', 'user not found')
      if (request.identity === user.id) return ownView(user, friends)
      return { id: user.id, username: user.username }
    },
  )
}
