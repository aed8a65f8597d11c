// The server's routes as one encapsulated plugin: each group under its own prefix, with the
// server's body parsing, validation wording and error handler, all scoped to these routes so a
// host app's own routes, parsers and error handler are left as they are.

import type { FastifyInstance } from 'fastify'
import type { Auth } from '../../core/auth.js'
import { installErrorHandler } from '../errors.js'
import { installBodyParsing } from '../json-body.js'
import { adminRoutes } from '../routes/admin.js'
import { activityRoutes, auditAdminRoutes } from '../routes/audit.js'
import { authRoutes } from '../routes/auth.js'
import { meRoutes } from '../routes/me.js'
import { mfaAdminRoutes, mfaRoutes } from '../routes/mfa.js'
import { sessionRoutes } from '../routes/sessions.js'
import { tokenRoutes } from '../routes/token.js'
import { accountLinkRoutes } from '../routes/account-links.js'
import { userRoutes } from '../routes/users.js'
import { describingValidatorCompiler } from '../validation.js'
import type { MountedRoutes } from './options.js'

export interface AuthApiOptions {
  auth: Auth
  routes: Readonly<Required<MountedRoutes>>
  adminRoles: readonly string[] | undefined
  messageKey: string | undefined
}

export async function authApi(app: FastifyInstance, { auth, routes, adminRoles, messageKey }: AuthApiOptions): Promise<void> {
  app.setValidatorCompiler(describingValidatorCompiler)
  await installBodyParsing(app)
  installErrorHandler(app, messageKey)
  if (routes.auth !== false) {
    await app.register(authRoutes, { prefix: routes.auth, auth })
    await app.register(meRoutes, { prefix: routes.auth, auth })
    await app.register(sessionRoutes, { prefix: routes.auth, auth })
    await app.register(tokenRoutes, { prefix: routes.auth, auth })
    await app.register(accountLinkRoutes, { prefix: routes.auth, auth })
    await app.register(mfaRoutes, { prefix: routes.auth, auth })
    await app.register(activityRoutes, { prefix: routes.auth, auth })
  }
  if (routes.admin !== false) {
    await app.register(adminRoutes, { prefix: routes.admin, auth, roles: adminRoles })
    await app.register(mfaAdminRoutes, { prefix: routes.admin, auth, roles: adminRoles })
    await app.register(auditAdminRoutes, { prefix: routes.admin, auth, roles: adminRoles })
  }
  if (routes.users !== false) await app.register(userRoutes, { prefix: routes.users, auth })
}
