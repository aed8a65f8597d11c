// The mailed-link flows: verify an address (POST /auth/email/verify, /auth/email/resend) and
// recover a forgotten password (POST /auth/password/forgot, /auth/password/reset). The two that
// take an address answer 202 whatever it names (no enumeration); none takes an access token, so
// each draws on the per-IP limit like login. Tokens travel in the body only, never a URL.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import type { Auth } from '../../core/auth.js'
import { auditSource } from '../audit-source.js'
import { Email, NoContent, Password, UserView, userView } from '../schemas.js'

/** A mailed token: 43 base64url characters; anything else is answered with the flow's own code, not a schema error. */
const MailedToken = Type.String({ maxLength: 256 })
const AddressBody = Type.Object({ email: Email })
const Accepted = Type.Object({ status: Type.Literal('accepted') }, { description: 'Accepted: a message is sent when the address names an account that should get one' })

export interface AccountLinkRoutesOptions {
  auth: Auth
}

export async function accountLinkRoutes(app: FastifyInstance, { auth }: AccountLinkRoutesOptions): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const { accounts } = auth

  r.post(
    '/email/verify',
    {
      config: { errors: ['VERIFICATION_TOKEN_INVALID', 'SERVICE_UNAVAILABLE'] },
      schema: { summary: 'Verify an email address with the token from its message', operationId: 'verifyEmail', tags: ['account'], body: Type.Object({ token: MailedToken }), response: { 200: UserView } },
    },
    async (request) => userView(await accounts.verifyEmail(request.body.token, auditSource(request))),
  )

  r.post(
    '/email/resend',
    {
      config: { errors: ['SERVICE_UNAVAILABLE'] },
      schema: { summary: 'Send the verification link again', operationId: 'resendVerification', tags: ['account'], body: AddressBody, response: { 202: Accepted } },
    },
    async (request, reply) => {
      await accounts.resendVerification(request.body.email)
      return reply.code(202).send({ status: 'accepted' })
    },
  )

  r.post(
    '/password/forgot',
    {
      config: { errors: [] },
      schema: { summary: 'Mail a password reset link', operationId: 'forgotPassword', tags: ['account'], body: AddressBody, response: { 202: Accepted } },
    },
    async (request, reply) => {
      // Returns before the lookup: the answer and its time say nothing about the address.
      accounts.forgotPassword(request.body.email)
      return reply.code(202).send({ status: 'accepted' })
    },
  )

  r.post(
    '/password/reset',
    {
      config: { errors: ['PASSWORD_RESET_TOKEN_INVALID', 'ACCOUNT_DISABLED', 'PASSWORD_TOO_WEAK', 'SERVICE_UNAVAILABLE'] },
      schema: {
        summary: 'Set a new password with the token from a reset message (signs out every session)',
        operationId: 'resetPassword',
        tags: ['account'],
        body: Type.Object({ token: MailedToken, new_password: Password }),
        response: { 204: NoContent },
      },
    },
    async (request, reply) => {
      await accounts.resetPassword(request.body.token, request.body.new_password, auditSource(request))
      return reply.code(204).send()
    },
  )
}
