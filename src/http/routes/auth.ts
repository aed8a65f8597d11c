// /auth: register, login, me, refresh, logout. Thin: parse, call the accounts and sessions
// services, shape the response. Every guarded route goes through the public plugin's guard.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Auth } from '../../core/auth.js'
import type { TokenLocation } from '../../core/tokens/locations.js'
import { AuthError } from '../../core/errors.js'
import { refreshOutcome } from '../../core/sessions/refresh.js'
import { auditSource } from '../audit-source.js'
import { basicCredentials } from '../plugin/basic.js'
import { missingTokenError } from '../plugin/extract.js'
import { LoginBody, LogoutQuery, NoContent, RefreshBody, RegisterBody, UserView, userView } from '../schemas.js'
import { REFRESH_ERRORS, refreshSecurity } from '../openapi/refresh-docs.js'
import { OPTIONAL_BODY } from '../openapi/route-docs.js'
import { SCHEMES } from '../openapi/security-schemes.js'
import { CookieQuery, TokenDelivery, deliverTokens, wantsCookies } from './deliver.js'
import { LoginDelivery } from '../mfa-schemas.js'

export interface AuthRoutesOptions {
  auth: Auth
}

/** The refresh route reads the configured locations plus the JSON body (`refresh_token`), always. */
function refreshLocations(app: FastifyInstance): TokenLocation[] {
  const configured = app.tokenwarden.settings.locations
  return configured.includes('json') ? [...configured] : [...configured, 'json']
}

function client(request: FastifyRequest) {
  return { userAgent: request.headers['user-agent'], ip: request.ip }
}

export async function authRoutes(app: FastifyInstance, { auth }: AuthRoutesOptions): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const { accounts, sessions } = auth
  const refreshKey = app.tokenwarden.settings.jsonKeys.refresh

  r.post(
    '/register',
    {
      schema: { summary: 'Create an account', operationId: 'register', tags: ['auth'], body: RegisterBody, response: { 201: UserView } },
      config: { errors: ['EMAIL_TAKEN', 'USERNAME_TAKEN', 'PASSWORD_TOO_WEAK', 'SERVICE_UNAVAILABLE'] },
    },
    async (request, reply) => {
    // Only these fields: anything else in the body (e.g. `roles`) must not reach the account.
    const { email, password, username } = request.body
    const user = await accounts.register({ email, password, username }, auditSource(request))
    return reply.code(201).send(userView(user))
    },
  )

  r.post(
    '/login',
    {
      schema: {
        summary: 'Log in',
        description:
          'Email or username and password, as JSON, as a form, or as HTTP Basic credentials (the user part taken as an email when it holds an @). With `?cookies=true` the tokens come as HttpOnly cookies (JSON or Basic only, never a form). ' +
          'For an account with two-factor login on, the answer is `{ mfa_required: true, mfa_token }` and no session: send the token with a code to POST /auth/login/mfa. `mfa_enrollment_required: true` says the account must turn two-factor login on (MFA_REQUIRED_ROLES).',
        operationId: 'login',
        tags: ['auth'],
        body: LoginBody,
        consumes: ['application/json', 'application/x-www-form-urlencoded'],
        querystring: CookieQuery,
        security: [{}, { [SCHEMES.basic]: [] }],
        [OPTIONAL_BODY]: true,
        response: { 200: LoginDelivery },
      },
      config: { errors: ['INVALID_CREDENTIALS', 'ACCOUNT_DISABLED', 'EMAIL_NOT_VERIFIED', 'LOGIN_THROTTLED', 'LOGIN_INTERRUPTED', 'COOKIE_LOGIN_DISABLED', 'SERVICE_UNAVAILABLE'] },
      // Basic credentials stand in for a body, so the schema sees one shape whichever way they came.
      preValidation: async (request) => {
        const basic: LoginBody | undefined = basicCredentials(request)
        if (basic !== undefined && (request.body === undefined || request.body === null)) request.body = basic
        else if (request.body === undefined || request.body === null) (request as { body: unknown }).body = {}
      },
    },
    async (request, reply) => {
      const asCookies = wantsCookies(app, request)
      const { email, username, password } = request.body
      if (email === undefined && username === undefined) {
        throw new AuthError('VALIDATION_FAILED', 'body must have email or username', { details: { field: 'email' } })
      }
      // Two identifiers may name two accounts: refuse rather than pick one.
      if (email !== undefined && username !== undefined) {
        throw new AuthError('VALIDATION_FAILED', 'body.email and body.username were both given; send one of them')
      }
      const result = await accounts.signIn({ email, username, password }, client(request))
      // No session yet, so nothing for cookies: the second step delivers the tokens.
      if (result.mfaRequired) return { mfa_required: true as const, mfa_token: result.mfaToken, expires_in: result.expiresIn }
      const delivered = deliverTokens(app, reply, result, asCookies)
      return result.mfaEnrollmentRequired ? { ...delivered, mfa_enrollment_required: true as const } : delivered
    },
  )

  r.get('/me', { config: { auth: true, errors: ['TOKEN_USER_NOT_FOUND'] }, schema: { summary: 'The current user', operationId: 'getMe', tags: ['account'], response: { 200: UserView } } }, async (request) => {
    // From the user cache: current after any write through this server, within its TTL otherwise.
    // A live session whose account was deleted or disabled an instant ago (its revocation is on
    // the way) fails as the token's, as Flask-JWT-Extended's user lookup error says.
    const user = await accounts.currentUser(request.jwt!)
    return { ...userView(user), mfa_enabled: await accounts.mfaEnabled(user.id) }
  })

  r.post(
    '/refresh',
    {
      schema: {
        summary: 'Trade a refresh token for a new pair',
        description: `The refresh token from the Authorization header, the refresh cookie (with its CSRF value echoed in the CSRF header), or \`${refreshKey}\` in the body. The old refresh token is spent: presenting it again revokes the session (REFRESH_TOKEN_REUSED).`,
        operationId: 'refresh',
        tags: ['auth'],
        body: RefreshBody(refreshKey),
        consumes: ['application/json', 'application/x-www-form-urlencoded'],
        security: refreshSecurity(app),
        [OPTIONAL_BODY]: true,
        response: { 200: TokenDelivery },
      },
      config: { errors: REFRESH_ERRORS },
      // The body is optional (the token may come in a header or a cookie); the schema sees an object either way.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) (request as { body: unknown }).body = {}
      },
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
    const locations = refreshLocations(app)
    const found = app.tokenwarden.locate(request, { refresh: true, locations })
    if (found === undefined) throw refused(missingTokenError(request, locations, app.tokenwarden.settings))
    const fromCookie = found.location === 'cookies'
    if (!fromCookie) return deliverTokens(app, reply, await sessions.refresh(found.token, { client: client(request) }), false)
    // A refresh cookie that can never work again (expired, forged, revoked, reused, its account
    // disabled) is cleared with the refusal, so the browser stops sending it. Never on a failed
    // CSRF echo: another site can cause that one, and must not be able to log anyone out.
    let claims
    try {
      claims = auth.verifier.verify(found.token, 'refresh')
    } catch (err) {
      throw clearingCookies(reply, refused(err))
    }
    // A cookie is sent by the browser on its own: the CSRF echo proves the page asked (double submit).
    try {
      app.tokenwarden.checkCsrf(request, claims)
    } catch (err) {
      throw refused(err)
    }
    try {
      return deliverTokens(app, reply, await sessions.refresh(found.token, { client: client(request) }), true)
    } catch (err) {
      throw clearingCookies(reply, err)
    }
    },
  )

  /** `err`, counted as a refresh refused here, before sessions.refresh (which counts its own). */
  function refused(err: unknown): unknown {
    auth.activity.publish({ type: 'refresh', outcome: refreshOutcome(err), userId: undefined, sessionId: undefined })
    return err
  }

  /** `err`, after clearing the token cookies when it says the refresh token is dead (401/403). */
  function clearingCookies(reply: FastifyReply, err: unknown): unknown {
    if (err instanceof AuthError && (err.statusCode === 401 || err.statusCode === 403)) app.tokenwarden.unsetJwtCookies(reply)
    return err
  }

  r.post(
    '/logout',
    {
      config: { auth: true },
      schema: {
        summary: 'End this session (scope=local), every session (global) or every other one (others)',
        operationId: 'logout',
        tags: ['auth'],
        querystring: LogoutQuery,
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
    const scope = request.query.scope ?? 'local'
    await sessions.logout(request.jwt!, scope, auditSource(request))
    // `others` keeps this session: its cookies stay, or the caller would be signed out too.
    if (scope !== 'others' && app.tokenwarden.settings.locations.includes('cookies')) app.tokenwarden.unsetJwtCookies(reply)
    return reply.code(204).send()
    },
  )
}
