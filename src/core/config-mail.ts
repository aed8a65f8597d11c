// The mail part of the server configuration. SMTP_URL sends through an SMTP server (nodemailer's
// URL form: smtp://user:pass@host:587, smtps://...:465); without it, messages are written as .eml
// files to DATA_DIR/outbox so the quick start needs no mail server. MAIL_FROM is the sender,
// MAIL_TEMPLATES_DIR a folder of templates that replace the built-in wording, APP_NAME the name
// messages use. SMTP_URL holds a password: no error here quotes it.

import { isAbsolute, join } from 'node:path'
import { ConfigError, text, type Env } from './config-env.js'

export interface MailConfig {
  /** SMTP_URL: smtp:// or smtps:// (with credentials and nodemailer's query options). default: unset, messages go to DATA_DIR/outbox */
  smtpUrl: string | undefined
  /** MAIL_FROM: the sender, `Name <address>` or an address; required with SMTP_URL. default: `APP_NAME <no-reply@localhost>` for the outbox */
  mailFrom: string
  /** MAIL_TEMPLATES_DIR: `<kind>.subject.txt`, `<kind>.txt`, `<kind>.html` files replacing the built-in ones, each optional. default: unset */
  mailTemplatesDir: string | undefined
  /** APP_NAME: how messages name the service. default: tokenwarden */
  appName: string
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/
const NAMED_ADDRESS = /^[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>$/

/**
 * Parses SMTP_URL, MAIL_FROM, MAIL_TEMPLATES_DIR and APP_NAME.
 *
 * @example
 * parseMailConfig({ SMTP_URL: 'smtp://mail.example.com:587', MAIL_FROM: 'Example <no-reply@example.com>' }, '/srv/app')
 */
export function parseMailConfig(env: Env, cwd: string): MailConfig {
  const smtpUrl = text(env, 'SMTP_URL')
  if (smtpUrl !== undefined) {
    let url: URL | undefined
    try {
      url = new URL(smtpUrl)
    } catch {
      url = undefined
    }
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
  return {
    smtpUrl,
    mailFrom: from ?? `${appName} <no-reply@localhost>`,
    mailTemplatesDir: dir === undefined ? undefined : isAbsolute(dir) ? dir : join(cwd, dir),
    appName,
  }
}
