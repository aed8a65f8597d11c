// api_v1/user.py: POST /users/signup and POST /users/login, by username, on tokenwarden's
// accounts. Signup stores an argon2id hash (flask-bcrypt's bcrypt hashes of imported users are
// still verified, and replaced by argon2id at their next login); login answers `{ token }`,
// an access token that expires (ACCESS_TOKEN_TTL) and is bound to a session.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { AuthError } from '../../src/index.js'

// Every field optional, as `datas.get('username', '')` was: a missing one is "empty" (400).
const Field = Type.Optional(Type.String({ maxLength: 1024 }))
const SignupBody = Type.Object({ username: Field, email: Field, password: Field })
const LoginBody = Type.Object({ username: Field, password: Field })
const ErrorAnswer = Type.Object({ statusCode: Type.Integer(), code: Type.String(), error: Type.String(), field: Type.Optional(Type.String()) })
const errors = { 400: ErrorAnswer, 401: ErrorAnswer, 403: ErrorAnswer, 409: ErrorAnswer, 429: ErrorAnswer }

/** The tutorial's checks, in its order: `<field> is empty`, a 400 with VALIDATION_FAILED. */
function required<K extends string>(body: Partial<Record<K, string>> | undefined, fields: readonly K[]): Record<K, string> {
  for (const field of fields) {
    if ((body?.[field] ?? '') === '') throw new AuthError('VALIDATION_FAILED', `${field} is empty`, { details: { field } })
  }
  return body as Record<K, string>
}

export async function userRoutes(app: FastifyInstance): Promise<void> {
  const { accounts } = app.tokenwarden.auth
  const r = app.withTypeProvider<TypeBoxTypeProvider>()

  r.post('/users/signup', { schema: { body: SignupBody, response: { 200: Type.Object({ msg: Type.String() }), ...errors } } }, async (request) => {
    const { username, email, password } = required(request.body, ['username', 'email', 'password'])
    await accounts.register({ username, email, password })
    return { msg: 'welcome :-)' }
  })

  r.post('/users/login', { schema: { body: LoginBody, response: { 200: Type.Object({ token: Type.String() }), ...errors } } }, async (request) => {
    const { username, password } = required(request.body, ['username', 'password'])
    const { accessToken } = await accounts.login({ username, password }, { userAgent: request.headers['user-agent'], ip: request.ip })
    return { token: accessToken }
  })
}
