// tokenwardenAuth: tokenwarden's accounts, sessions and auth routes inside a host's own Fastify
// app. Registered once, it opens the database, builds the Auth, registers the guard plugin
// (`app.tokenwarden`) on it, and mounts the server's routes under its prefix: a logout through
// the mounted API is refused at once by every guard of the app, and the host's handlers call
// the same services through `app.tokenwarden.auth`. The tokenwarden server itself is built
// from this plugin (src/http/app.ts). The implementation (the store, the routes, their schemas)
// is loaded when the plugin is registered, so importing `tokenwarden/fastify` for the guard
// alone does not load it.

import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { TokenwardenAuthOptions } from './options.js'

export type { MountedRoutes, TokenwardenAuthOptions } from './options.js'

async function tokenwardenAuthPlugin(app: FastifyInstance, opts: TokenwardenAuthOptions): Promise<void> {
  const { mountAuth } = await import('./mount.js')
  await mountAuth(app, opts)
}

/**
 * The auth API as a plugin of your app.
 *
 * @example
 * await app.register(tokenwardenAuth, { prefix: '/api', database: 'sqlite:./data/app.db', keys: [{ alg: 'HS256', secret: process.env.JWT_SECRET! }] })
 * // POST /api/auth/register, /api/auth/login, /api/auth/refresh, /api/auth/logout, GET /api/auth/me, ...
 * app.get('/notes', { onRequest: app.tokenwarden.guard() }, async (req) => notesOf(req.identity!))
 * app.post('/token', async (req) => {
 *   const { accessToken } = await app.tokenwarden.auth.accounts.login(req.body as { email: string; password: string })
 *   return { token: accessToken }
 * })
 */
export const tokenwardenAuth = fp(tokenwardenAuthPlugin, { fastify: '5.x', name: 'tokenwarden-auth' })
