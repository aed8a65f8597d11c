// Tutorial 1, "User Authentication": a home page with a login form, a public route, a route
// that wants `?token=`, and a form login that answers `{"token": ...}` and remembers the login
// in a cookie (the tutorial's `session['logged_in']`). Errors keep the tutorial's `Alert` key.

import formbody from '@fastify/formbody'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AuthError, isAuthError } from '../../src/index.js'
import { clientOf } from '../shared/client.js'
import { errorResponses, installErrors } from '../shared/errors.js'
import { Credentials, Text, TokenAnswer } from './schemas.js'

const errors = errorResponses('Alert')

/** The tutorial's wording for each refusal, under `Alert`. */
function alert(error: AuthError): string | undefined {
  if (error.code === 'TOKEN_MISSING') return 'Token is missing!'
  if (error.code.startsWith('TOKEN_')) return 'Invalid Token!'
  if (error.code === 'INVALID_CREDENTIALS') return 'Unable to verify'
  return undefined
}

function loginPage(prefix: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Login</title></head>
<body>
  <h1>Login</h1>
  <form action="${prefix}/login" method="post">
    <label>Username <input name="username" autocomplete="username" required></label>
    <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
    <button type="submit">Log in</button>
  </form>
</body>
</html>
`
}

export async function tutorial1(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>()
  const tw = app.tokenwarden
  const auth = tw.auth
  installErrors(app, { messageKey: 'Alert', message: alert })
  // request.form: this prefix alone takes form bodies.
  await app.register(formbody)

  /** Whether the request carries a live login cookie (session.get('logged_in')). */
  async function loggedIn(request: FastifyRequest): Promise<boolean> {
    const found = tw.locate(request, { locations: ['cookies'] })
    if (found === undefined) return false
    try {
      await auth.sessions.authenticate(found.token)
      return true
    } catch (err) {
      // An expired or ended login shows the form again, as an empty Flask session would.
      if (isAuthError(err)) return false
      throw err
    }
  }

  // @app.route('/')
  app.get('/', { schema: { response: { 200: Text, ...errors } } }, async (request, reply) => {
    if (await loggedIn(request)) return reply.type('text/plain; charset=utf-8').send('Logged in currently!')
    return reply.type('text/html; charset=utf-8').send(loginPage(app.prefix))
  })

  // @app.route('/public')
  app.get('/public', { schema: { response: { 200: Text, ...errors } } }, async (_request, reply) => reply.type('text/plain; charset=utf-8').send('For Public'))

  // @app.route('/auth') @token_required: the token comes in ?token=
  app.get('/auth', { onRequest: tw.guard({ locations: ['query_string'] }), schema: { response: { 200: Text, ...errors } } }, async (_request, reply) =>
    reply.type('text/plain; charset=utf-8').send('JWT is verified. Welcome to your dashboard!'),
  )

  // @app.route('/login', methods=['POST']): the form's username and password, checked against the account.
  app.post('/login', { schema: { body: Credentials, response: { 200: TokenAnswer, ...errors } } }, async (request, reply) => {
    // A form posted from another site would sign this browser into someone else's account (login CSRF).
    if (request.headers['sec-fetch-site'] === 'cross-site') throw new AuthError('CSRF_FAILED', 'Cross-site login form refused')
    const { accessToken } = await auth.accounts.login({ username: request.body.username, password: request.body.password }, clientOf(request))
    tw.setAccessCookies(reply, accessToken)
    return reply.header('cache-control', 'no-store').send({ token: accessToken })
  })
}
