// The server's configuration (its environment variables, parseConfig) as tokenwardenAuth's
// options: the same settings one layer up, mapped in one place. buildApp mounts the plugin with
// them; an app that reads the same variables (the examples) spreads them into its own register.

import type { MailOptions } from '../core/auth-options.js'
import type { ServerConfig } from '../core/config.js'
import type { Mailer } from '../core/mail/mailer.js'
import { loadMailTemplates } from '../mail/templates-dir.js'
import { isSymmetric, Keyring } from '../core/tokens/keyring.js'
import type { TokenwardenAuthOptions } from './mount/options.js'

/**
 * DATABASE_URL, the key, the token and session settings, the feed, where tokens travel and the
 * error body key, as tokenwardenAuth's options. `keys` default: the configured key alone
 * (JWT_SECRET, or JWT_PRIVATE_KEY for asymmetric algorithms).
 *
 * @example
 * await app.register(tokenwardenAuth, { ...authOptionsFromConfig(parseConfig(process.env)), prefix: '/api' })
 */
export function authOptionsFromConfig(config: ServerConfig, keys: TokenwardenAuthOptions['keys'] = keyringFromConfig(config), mailer?: Mailer): TokenwardenAuthOptions {
  return {
    database: config.databaseUrl,
    poolMax: config.databasePoolMax,
    databaseWait: config.databaseWait,
    redisUrl: config.redisUrl,
    keys,
    accessTtl: config.accessTtl,
    refreshTtl: config.refreshTtl,
    leeway: config.leeway,
    issuer: config.issuer,
    audience: config.audience,
    argon2: config.argon2,
    refreshReuseInterval: config.refreshReuseInterval,
    passwordMinLength: config.passwordMinLength,
    loginMaxFailures: config.loginMaxFailures,
    legacyTokens: config.legacyTokens,
    feed: { pollMs: config.invalidationPollMs, maxLagMs: config.invalidationMaxLagMs },
    locations: config.tokenLocation,
    header: { name: config.headerName, type: config.headerType },
    // Cookie support (@fastify/cookie's hooks on every route) only when cookies are a location.
    cookies: config.tokenLocation.includes('cookies') ? config.cookies : undefined,
    queryStringName: config.queryStringName,
    jsonKeys: config.jsonKeys,
    messageKey: config.errorMessageKey,
    mail: mailer === undefined ? undefined : mailOptionsFromConfig(config, mailer),
    emailVerifyTtl: config.emailVerifyTtl,
    passwordResetTtl: config.passwordResetTtl,
    requireEmailVerification: config.requireEmailVerification,
    auditRetention: config.auditRetention,
    mfaRequiredRoles: config.mfaRequiredRoles,
    // Authenticator apps list the account under the name messages use (the otpauth label
    // separates issuer and account with a colon, so APP_NAME's own colons cannot stay).
    totpIssuer: config.appName.replace(/:/g, ' ').trim() || 'tokenwarden',
  }
}

/** Pages of the console a message's link opens (the token in the fragment, never sent to a server by the browser). */
export const LINK_PAGES = Object.freeze({ verify_email: '/console/verify-email', password_reset: '/console/reset-password' })

/** APP_NAME, MAIL_TEMPLATES_DIR (read and checked here, once) and PUBLIC_URL's console pages for `mailer`. */
export function mailOptionsFromConfig(config: ServerConfig, mailer: Mailer): MailOptions {
  return {
    mailer,
    templates: loadMailTemplates(config.mailTemplatesDir),
    appName: config.appName,
    link: (purpose, token) => `${config.publicUrl}${LINK_PAGES[purpose]}#token=${token}`,
  }
}

/** The configured key alone; key files, dev key generation and rings are the CLI's (src/cli/ring.ts). */
export function keyringFromConfig(config: ServerConfig): Keyring {
  const alg = config.algorithm
  if (isSymmetric(alg)) {
    if (config.jwtSecret === undefined) throw new TypeError('buildApp: config.jwtSecret is required (the CLI generates one in development)')
    return Keyring.of([{ alg, secret: config.jwtSecret }])
  }
  if (config.jwtPrivateKey === undefined) {
    throw new TypeError(`buildApp: ${alg} needs config.jwtPrivateKey or deps.keyring (the CLI reads JWT_PRIVATE_KEY_FILE and generates a development key)`)
  }
  return Keyring.of([{ alg, privateKey: config.jwtPrivateKey }])
}
