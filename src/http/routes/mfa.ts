// Two-factor login over HTTP (TOTP, RFC 6238): enroll (a fresh token; the secret, its otpauth URI
// and QR code), confirm with a first code (the recovery codes, once), the state, disable (a fresh
// token and a code), the login's second step, and the admin's reset. The rules live in core
// (core/mfa/); this file maps HTTP onto the accounts and admin services.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { ADMIN_ROLE } from '../../core/accounts/last-admin.js'
import type { Auth } from '../../core/auth.js'
import { AuthError } from '../../core/errors.js'
import type { SecondFactor } from '../../core/mfa/second-factor.js'
import { IdParams, RevokedCount } from '../account-schemas.js'
import { auditSource } from '../audit-source.js'
import { ConfirmTotpBody, MfaLoginBody, MfaStatusView, RecoveryCodesView, SecondFactorBody, TotpEnrollmentView } from '../mfa-schemas.js'
import { NoContent } from '../schemas.js'
import { CookieQuery, TokenDelivery, deliverTokens, wantsCookies } from './deliver.js'

export interface MfaRoutesOptions {
  auth: Auth
}

/** Exactly one of `code` and `recovery_code`; VALIDATION_FAILED otherwise. */
function factorOf(body: { code?: string | undefined; recovery_code?: string | undefined }): SecondFactor {
  if ((body.code === undefined) === (body.recovery_code === undefined)) {
    throw new AuthError('VALIDATION_FAILED', 'body must have either code or recovery_code, not both', { details: { field: 'code' } })
  }
  return body.code !== undefined ? { code: body.code } : { recoveryCode: body.recovery_code! }
}

function client(request: FastifyRequest) {
  return { userAgent: request.headers['user-agent'], ip: request.ip }
}

const statusView = (s: Awaited<ReturnType<Auth['accounts']['mfaStatus']>>) => ({
  enabled: s.enabled,
  pending: s.pending,
  recovery_codes_left: s.recoveryCodesLeft,
  required: s.required,
})

/** Under the auth prefix: /mfa/totp..., /login/mfa. */
export async function mfaRoutes(app: FastifyInstance, { auth }: MfaRoutesOptions): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const { accounts } = auth
  const tags = ['mfa']

  r.get(
    '/mfa',
    {
      config: { auth: true, errors: ['USER_NOT_FOUND'] },
      schema: { summary: 'Two-factor login: on, pending, required by a role, recovery codes left', operationId: 'getMfa', tags, response: { 200: MfaStatusView } },
    },
    async (request) => statusView(await accounts.mfaStatus(request.identity!)),
  )

  r.post(
    '/mfa/totp',
    {
      config: { auth: { fresh: true }, errors: ['MFA_ALREADY_ENABLED', 'USER_NOT_FOUND'] },
      schema: {
        summary: 'Start two-factor enrollment: a new TOTP secret (replacing one not yet confirmed), its otpauth URI and QR code',
        operationId: 'startTotp',
        tags,
        response: { 200: TotpEnrollmentView },
      },
    },
    async (request) => {
      const { secret, uri, qrSvg } = await accounts.startTotp(request.identity!)
      return { secret, otpauth_uri: uri, qr_svg: qrSvg }
    },
  )

  r.post(
    '/mfa/totp/confirm',
    {
      config: { auth: true, errors: ['MFA_CODE_INVALID', 'MFA_ENROLLMENT_NOT_STARTED', 'MFA_ALREADY_ENABLED', 'USER_NOT_FOUND'] },
      schema: {
        summary: 'Turn two-factor login on with a first code; answers ten recovery codes, shown this once',
        description: 'The session making this request keeps its token (its amr is unchanged); the next login asks for a code.',
        operationId: 'confirmTotp',
        tags,
        body: ConfirmTotpBody,
        response: { 200: RecoveryCodesView },
      },
    },
    async (request) => ({ recovery_codes: (await accounts.confirmTotp(request.identity!, request.body.code, auditSource(request))).recoveryCodes }),
  )

  r.delete(
    '/mfa/totp',
    {
      config: { auth: { fresh: true }, errors: ['MFA_CODE_INVALID', 'MFA_NOT_ENABLED', 'LOGIN_THROTTLED', 'USER_NOT_FOUND'] },
      schema: { summary: 'Turn two-factor login off (a current code or a recovery code)', operationId: 'disableTotp', tags, body: SecondFactorBody, response: { 204: NoContent } },
    },
    async (request, reply) => {
      await accounts.disableTotp(request.identity!, factorOf(request.body), auditSource(request))
      return reply.code(204).send()
    },
  )

  r.post(
    '/login/mfa',
    {
      schema: {
        summary: 'Log in, second step: the mfa_token from POST /auth/login and a code (or a recovery code)',
        description: 'A wrong code leaves the mfa_token usable until it expires (5 minutes); each one counts toward the account\'s throttle. With `?cookies=true` the tokens come as HttpOnly cookies.',
        operationId: 'loginMfa',
        tags: ['auth'],
        body: MfaLoginBody,
        querystring: CookieQuery,
        response: { 200: TokenDelivery },
      },
      config: { errors: ['MFA_TOKEN_INVALID', 'MFA_CODE_INVALID', 'ACCOUNT_DISABLED', 'LOGIN_THROTTLED', 'LOGIN_INTERRUPTED', 'COOKIE_LOGIN_DISABLED', 'SERVICE_UNAVAILABLE'] },
    },
    async (request, reply) => {
      const asCookies = wantsCookies(app, request)
      const login = await accounts.completeSignIn(request.body.mfa_token, factorOf(request.body), client(request))
      return deliverTokens(app, reply, login, asCookies)
    },
  )
}

export interface MfaAdminRoutesOptions {
  auth: Auth
  /** Roles a caller must hold. default: [ADMIN_ROLE] */
  roles?: readonly string[]
}

/** Under the admin prefix: DELETE /users/:id/mfa. */
export async function mfaAdminRoutes(app: FastifyInstance, { auth, roles = [ADMIN_ROLE] }: MfaAdminRoutesOptions): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.get(
    '/users/:id/mfa',
    {
      config: { auth: { roles }, errors: ['USER_NOT_FOUND'] },
      schema: { summary: "A user's two-factor login state", operationId: 'adminGetMfa', tags: ['admin'], params: IdParams, response: { 200: MfaStatusView } },
    },
    async (request) => statusView(await auth.admin.mfaStatus(request.params.id)),
  )
  r.delete(
    '/users/:id/mfa',
    {
      config: { auth: { roles }, errors: ['MFA_NOT_ENABLED', 'USER_NOT_FOUND'] },
      schema: {
        summary: "Reset a user's two-factor login (a lost authenticator): removes the factor and recovery codes and ends every session of the user",
        operationId: 'adminResetMfa',
        tags: ['admin'],
        params: IdParams,
        response: { 200: RevokedCount },
      },
    },
    async (request) => auth.admin.resetMfa(request.params.id, auditSource(request)),
  )
}
