// The users resources: UserListResource (`POST /users`, registration, from the book's chapter
// before the seed's) and UserResource (`GET /users/:username` behind @jwt_optional: everyone
// sees the id and username, the owner also the email and friends).

import type { FastifyInstance } from 'fastify'
import { AuthError, isAuthError, type User } from '../../src/index.js'
import { sendError } from '../shared/errors.js'
import type { Friends } from './friends.js'

export interface UsersOptions {
  friends: Friends
}

interface NewUserBody {
  username: string
  email: string
  password: string
}

const newUserSchema = {
  type: 'object',
  required: ['username', 'email', 'password'],
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    email: { type: 'string', minLength: 1, maxLength: 320 },
    password: { type: 'string', minLength: 1, maxLength: 2048 },
  },
} as const

/** What the owner sees of an account (and MeResource shows). */
export async function ownView(user: User, friends: Friends): Promise<Record<string, unknown>> {
  return { id: user.id, username: user.username, email: user.email, friends: await friends.list(user.id) }
}

export async function usersResources(app: FastifyInstance, { friends }: UsersOptions): Promise<void> {
  const tw = app.tokenwarden
  const auth = tw.auth

  // UserListResource.post: {'message': 'username already used'} / 'email already used' (409 here, the book's 400).
  app.post<{ Body: NewUserBody }>('/users', { schema: { body: newUserSchema } }, async (request, reply) => {
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
  app.get<{ Params: { username: string } }>(
    '/users/:username',
    { onRequest: tw.guard({ optional: true }), schema: { params: { type: 'object', properties: { username: { type: 'string', maxLength: 64 } } } } },
    async (request, reply) => {
      const user = await auth.accounts.findByUsername(request.params.username)
      if (user === undefined) return sendError(reply, new AuthError('USER_NOT_FOUND'), 'msg', 'user not found')
      if (request.identity === user.id) return ownView(user, friends)
      return { id: user.id, username: user.username }
    },
  )
}
