// The server's Mailer from its configuration: SMTP when SMTP_URL is set, the outbox folder
// (DATA_DIR/outbox) otherwise.

import { join } from 'node:path'
import type { MailConfig } from '../core/config-mail.js'
import type { Mailer } from '../core/mail/mailer.js'
import { outboxMailer } from './outbox.js'
import { smtpMailer } from './smtp.js'

/** Where the outbox is for a DATA_DIR. */
export function outboxDir(dataDir: string): string {
  return join(dataDir, 'outbox')
}

/**
 * @example
 * const mailer = createMailer(parseConfig(process.env)) // smtp://... or ./data/outbox
 */
export function createMailer(config: Pick<MailConfig, 'smtpUrl' | 'mailFrom'> & { dataDir: string }): Mailer {
  return config.smtpUrl !== undefined ? smtpMailer(config.smtpUrl, config.mailFrom) : outboxMailer(outboxDir(config.dataDir), config.mailFrom)
}
