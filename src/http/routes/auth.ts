// /auth: register, login, me, refresh, logout. Thin: parse, call the auth service, shape the
// response. Every guarded route goes through the public plugin's guard.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Auth } from '../../core/auth.js'
import type { TokenPair } from '../../core/context.js'
import { AuthError } from '../../core/errors.js'
import { parseAuthorization } from '../plugin/extract.js'
import { LoginBody, LogoutQuery, RegisterBody, TokenResponse, UserView, userView } from '../schemas.js'

export interface AuthRoutesOptions {
  auth: Auth
}

function tokenResponse(pair: TokenPair) {
  return { access_token: pair.accessToken, refresh_token: pair.refreshToken, token_type: 'Bearer' as const, expires_in: pair.expiresIn }
}

function client(request: FastifyRequest) {
  return { userAgent: request.headers['user-agent'], ip: request.ip }
}

/** HTTP Basic credentials (RFC 7617) as a login body: `user:password`, user an email or username. */
function basicLoginBody(request: FastifyRequest): LoginBody | undefined {
  const encoded = parseAuthorization(request.headers.authorization, 'Basic')
  if (encoded === undefined) return undefined
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 1) throw new AuthError('VALIDATION_FAILED', 'Basic credentials must be user:password')
  const user = decoded.slice(0, colon)
  const password = decoded.slice(colon + 1)
  return user.includes('@') ? { email: user, password } : { username: user, password }
}

export async function authRoutes(app: FastifyInstance, { auth }: AuthRoutesOptions): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const { store } = auth.context
  const guard = app.tokenwarden.guard()

  r.post('/register', { schema: { body: RegisterBody, response: { 201: UserView } } }, async (request, reply) => {
    const user = await auth.register(request.body)
    return reply.code(201).send(userView(user))
  })

  r.post(
    '/login',
    {
      schema: { body: LoginBody, response: { 200: TokenResponse } },
      // Basic credentials stand in for a body, so the schema sees one shape whichever way they came.
      preValidation: async (request) => {
        const basic = basicLoginBody(request)
        if (basic !== undefined && (request.body === undefined || request.body === null)) request.body = basic
        else if (request.body === undefined || request.body === null) (request as { body: unknown }).body = {}
      },
    },
    async (request) => {
      const { email, username, password } = request.body
      if (email === undefined && username === undefined) {
        throw new AuthError('VALIDATION_FAILED', 'body must have email or username', { details: { field: 'email' } })
      }
      const identifier = email !== undefined ? { email } : { username: username! }
      return tokenResponse(await auth.login({ identifier, password }, client(request)))
    },
  )

  r.get('/me', { onRequest: guard, schema: { response: { 200: UserView } } }, async (request) => {
    const user = await store.findUserById(request.identity!)
    if (user === undefined) throw new AuthError('USER_NOT_FOUND')
    return userView(user)
  })

  r.post('/refresh', { schema: { response: { 200: TokenResponse } } }, async (request: FastifyRequest, _reply: FastifyReply) => {
    let token = parseAuthorization(request.headers.authorization, 'Bearer')
    if (token === undefined) {
      const body = request.body as { refresh_token?: unknown } | undefined | null
      if (body !== undefined && body !== null && body.refresh_token !== undefined) {
        if (typeof body.refresh_token !== 'string') {
          throw new AuthError('VALIDATION_FAILED', 'body.refresh_token must be a string', { details: { field: 'refresh_token' } })
        }
        token = body.refresh_token
      }
    }
    if (token === undefined) throw new AuthError('TOKEN_MISSING')
    return tokenResponse(await auth.refresh(token))
  })

  r.post('/logout', { onRequest: guard, schema: { querystring: LogoutQuery } }, async (request, reply) => {
    await auth.logout(request.jwt!, request.query.scope ?? 'local')
    return reply.code(204).send()
  })
}
