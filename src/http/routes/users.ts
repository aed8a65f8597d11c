// /users/:username: a public profile. Anyone sees id, username and created_at; the owner
// (authenticated with their own access token) also sees their email. A present but invalid
// token is still refused: optional authentication is not "ignore bad tokens".

import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Auth } from '../../core/auth.js'
import { AuthError } from '../../core/errors.js'
import { PublicProfile, UsernameParams } from '../account-schemas.js'

export interface UserRoutesOptions {
  auth: Auth
}

export async function userRoutes(app: FastifyInstance, { auth }: UserRoutesOptions): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const { accounts } = auth

  r.get(
    '/:username',
    {
      // Optional: anyone may look; the owner's own valid token adds the email, an invalid one is refused.
      config: { auth: { optional: true }, errors: ['USER_NOT_FOUND'] },
      schema: { summary: 'A public profile', operationId: 'getProfile', tags: ['users'], params: UsernameParams, response: { 200: PublicProfile } },
    },
    async (request) => {
    const user = await accounts.findByUsername(request.params.username)
    // Disabled accounts have no public face.
    if (user === undefined || user.username === null || user.disabled) throw new AuthError('USER_NOT_FOUND')
    const profile = { id: user.id, username: user.username, created_at: user.createdAt }
    return request.identity === user.id ? { ...profile, email: user.email } : profile
    },
  )
}
