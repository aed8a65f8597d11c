// The mail part of the server configuration. SMTP_URL sends through an SMTP server (nodemailer's
// URL form: smtp://user:pass@host:587, smtps://...:465); without it, messages are written as .eml
// files to DATA_DIR/outbox so the quick start needs no mail server. MAIL_FROM is the sender,
// MAIL_TEMPLATES_DIR a folder of templates that replace the built-in wording, APP_NAME the name
// messages use, PUBLIC_URL where their links point. The outbox is development's (NODE_ENV unset or
// development): in production and under test, without SMTP_URL no mail is sent, and a setting
// that needs mail (REQUIRE_EMAIL_VERIFICATION) is refused naming SMTP_URL. SMTP_URL holds a
// password: no error here quotes it.

import { isAbsolute, join } from 'node:path'
import { AUTH_DEFAULTS } from './auth-options.js'
import { boolean, ConfigError, duration, parseUrl, text, type Env } from './config-env.js'

export interface MailConfig {
  /** SMTP_URL: smtp:// or smtps:// (with credentials and nodemailer's query options). default: unset, messages go to DATA_DIR/outbox */
  smtpUrl: string | undefined
  /** MAIL_FROM: the sender, `Name <address>` or an address; required with SMTP_URL. default: `APP_NAME <no-reply@localhost>` for the outbox */
  mailFrom: string
  /** MAIL_TEMPLATES_DIR: `<kind>.subject.txt`, `<kind>.txt`, `<kind>.html` files replacing the built-in ones, each optional. default: unset */
  mailTemplatesDir: string | undefined
  /** APP_NAME: how messages name the service. default: tokenwarden */
  appName: string
  /** PUBLIC_URL: the server's address as users reach it, the base of links in messages (no trailing slash); required with SMTP_URL in production. default: http://HOST:PORT (127.0.0.1 for a wildcard HOST) */
  publicUrl: string
  /** Whether the server sends mail: with SMTP_URL, or to the outbox in development; never otherwise. */
  mailEnabled: boolean
  /** EMAIL_VERIFY_TTL, seconds a verification link works (at least 60). default: AUTH_DEFAULTS.emailVerifyTtl (24 h) */
  emailVerifyTtl: number
  /** REQUIRE_EMAIL_VERIFICATION: refuse logins (EMAIL_NOT_VERIFIED) until the address is verified. default: false */
  requireEmailVerification: boolean
  /** PASSWORD_RESET_TTL, seconds a password reset link works (at least 60). default: AUTH_DEFAULTS.passwordResetTtl (30 min) */
  passwordResetTtl: number
}

/** Where the server listens, for PUBLIC_URL's default. */
export interface Listening {
  nodeEnv: string
  host: string
  port: number
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/
const NAMED_ADDRESS = /^[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>$/

/**
 * Parses SMTP_URL, MAIL_FROM, MAIL_TEMPLATES_DIR and APP_NAME.
 *
 * @example
 * parseMailConfig({ SMTP_URL: 'smtp://mail.example.com:587', MAIL_FROM: 'Example <no-reply@example.com>' }, '/srv/app')
 */
export function parseMailConfig(env: Env, cwd: string, listening: Listening = { nodeEnv: 'development', host: '127.0.0.1', port: 3000 }): MailConfig {
  const smtpUrl = text(env, 'SMTP_URL')
  if (smtpUrl !== undefined) {
    const url = parseUrl(smtpUrl)
    if (url === undefined || (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') || url.hostname === '') {
      throw new ConfigError('SMTP_URL', 'must be an smtp:// or smtps:// URL such as smtp://user:password@mail.example.com:587')
    }
  }
  const appName = text(env, 'APP_NAME') ?? 'tokenwarden'
  if (/[\r\n<>]/.test(appName) || appName.length > 100) throw new ConfigError('APP_NAME', 'must be one line of at most 100 characters without < or >')
  const from = text(env, 'MAIL_FROM')
  if (from === undefined && smtpUrl !== undefined) throw new ConfigError('MAIL_FROM', 'is required with SMTP_URL (e.g. MAIL_FROM="Example <no-reply@example.com>")')
  if (from !== undefined && !ADDRESS.test(from) && !NAMED_ADDRESS.test(from)) {
    throw new ConfigError('MAIL_FROM', `must be an address or Name <address> (got "${from}")`)
  }
  const dir = text(env, 'MAIL_TEMPLATES_DIR')
  const production = listening.nodeEnv === 'production'
  const mailEnabled = smtpUrl !== undefined || listening.nodeEnv === 'development'
  const requireEmailVerification = boolean(env, 'REQUIRE_EMAIL_VERIFICATION', AUTH_DEFAULTS.requireEmailVerification)
  if (!mailEnabled && requireEmailVerification) {
    throw new ConfigError('SMTP_URL', `is required with REQUIRE_EMAIL_VERIFICATION=true when NODE_ENV=${listening.nodeEnv}: the verification link is mailed`)
  }
  const emailVerifyTtl = duration(env, 'EMAIL_VERIFY_TTL', AUTH_DEFAULTS.emailVerifyTtl)
  if (emailVerifyTtl < 60) throw new ConfigError('EMAIL_VERIFY_TTL', 'must be at least 60 seconds')
  const passwordResetTtl = duration(env, 'PASSWORD_RESET_TTL', AUTH_DEFAULTS.passwordResetTtl)
  if (passwordResetTtl < 60) throw new ConfigError('PASSWORD_RESET_TTL', 'must be at least 60 seconds')
  return {
    smtpUrl,
    mailFrom: from ?? `${appName} <no-reply@localhost>`,
    mailTemplatesDir: dir === undefined ? undefined : isAbsolute(dir) ? dir : join(cwd, dir),
    appName,
    publicUrl: publicUrl(env, listening, production && smtpUrl !== undefined),
    mailEnabled,
    emailVerifyTtl,
    requireEmailVerification,
    passwordResetTtl,
  }
}

function publicUrl(env: Env, { host, port }: Listening, required: boolean): string {
  const given = text(env, 'PUBLIC_URL')
  if (given === undefined) {
    if (required) throw new ConfigError('PUBLIC_URL', 'is required with SMTP_URL in production: links in messages point at it (e.g. https://auth.example.com)')
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host
    return `http://${shown}:${port}`
  }
  const url = parseUrl(given)
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError('PUBLIC_URL', `must be an http(s) URL without query, fragment or credentials, such as https://auth.example.com (got "${given}")`)
  }
  return url.toString().replace(/\/+$/, '')
}
