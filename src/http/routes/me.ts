// /auth/me self-service: change password and delete the account (both need a fresh token,
// Flask-JWT-Extended style, plus the current password), change the username (any valid access
// token), and ask to change the email address (a fresh token). GET /auth/me lives with the other auth routes.

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Auth } from '../../core/auth.js'
import { AuthError } from '../../core/errors.js'
import { auditSource } from '../audit-source.js'
import { NoContent, UserView, userView } from '../schemas.js'
import { ChangePasswordBody, DeleteAccountBody, PatchMeBody } from '../account-schemas.js'

export interface MeRoutesOptions {
  auth: Auth
}

export async function meRoutes(app: FastifyInstance, { auth }: MeRoutesOptions): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const { accounts } = auth

  // Every other session is revoked: whoever else held the old password is signed out.
  r.put(
    '/me/password',
    {
      config: { auth: { fresh: true }, errors: ['PASSWORD_INCORRECT', 'PASSWORD_TOO_WEAK', 'LOGIN_THROTTLED', 'TOKEN_USER_NOT_FOUND'] },
      schema: { summary: 'Change the password (signs out every other session)', operationId: 'changePassword', tags: ['account'], body: ChangePasswordBody, response: { 204: NoContent } },
    },
    async (request, reply) => {
    const claims = request.jwt!
    const change = { currentPassword: request.body.current_password, newPassword: request.body.new_password, keepSessionId: claims.sid }
    await accounts.changePassword(claims.sub, change, auditSource(request))
    return reply.code(204).send()
    },
  )

  r.delete(
    '/me',
    {
      config: { auth: { fresh: true }, errors: ['PASSWORD_INCORRECT', 'LAST_ADMIN', 'LOGIN_THROTTLED', 'TOKEN_USER_NOT_FOUND'] },
      schema: { summary: 'Delete the account', operationId: 'deleteMe', tags: ['account'], body: DeleteAccountBody, response: { 204: NoContent } },
    },
    async (request, reply) => {
      await accounts.deleteOwnAccount(request.identity!, request.body.password, auditSource(request))
      return reply.code(204).send()
    },
  )

  r.patch(
    '/me',
    {
      config: { auth: true, errors: ['USERNAME_TAKEN', 'EMAIL_TAKEN', 'TOKEN_NOT_FRESH', 'MAIL_NOT_CONFIGURED', 'TOKEN_USER_NOT_FOUND'] },
      schema: {
        summary: 'Change the username, or ask to change the email address (a fresh token; the new address gets a link and changes when it is followed)',
        operationId: 'patchMe',
        tags: ['account'],
        body: PatchMeBody,
        response: { 200: UserView },
      },
    },
    async (request) => {
      const { username, email } = request.body
      // A new address is as sensitive as a new password: a stolen, stale token must not redirect the account's mail.
      if (email !== undefined && request.jwt!.fresh !== true) throw new AuthError('TOKEN_NOT_FRESH')
      // The username first: a refused one changes nothing, and no message goes out.
      const renamed = username === undefined ? undefined : await accounts.rename(request.identity!, username)
      if (email !== undefined) await accounts.requestEmailChange(request.identity!, email)
      return userView(renamed ?? (await accounts.currentUser(request.jwt!)))
    },
  )
}
