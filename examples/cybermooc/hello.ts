// api_v1/hello.py with the routes of parts 5 to 7: a public hello, a route any valid token
// opens (@login_required), and one per role (@roles_required('admin'), and its counterpart for
// the `user` role that signup gives). The guard checks the token, its session and its roles;
// a token without the role is a 403 ROLE_REQUIRED.

import type { FastifyInstance } from 'fastify'

export async function helloRoutes(app: FastifyInstance): Promise<void> {
  const { guard } = app.tokenwarden
  const text = { 200: { type: 'string' } } as const

  app.get('/', { schema: { response: text } }, async () => 'Hello, World!')

  app.get('/need_login', { onRequest: guard(), schema: { response: text } }, async () => 'if you see this, that means your token is valid')

  app.get('/admin', { onRequest: guard({ roles: ['admin'] }), schema: { response: text } }, async () => 'if you see this, that means you are an admin')

  app.get('/user', { onRequest: guard({ roles: ['user'] }), schema: { response: text } }, async () => 'if you see this, that means you are a user')
}
