// The Mailer for a server with no SMTP_URL (the quick start, development): each message is
// written as an .eml file (RFC 5322, what a mail client opens) to a folder, so a developer can
// click the verification or reset link in it. The files hold single-use secrets: the folder is
// 0700 and each file 0600.

import { mkdir, writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import type { Mailer, MailMessage } from '../core/mail/mailer.js'

/**
 * @example
 * const mailer = outboxMailer('./data/outbox', 'tokenwarden <no-reply@localhost>')
 */
export function outboxMailer(dir: string, from: string): Mailer {
  let composer: Promise<{ sendMail(message: Record<string, unknown>): Promise<{ message: Buffer }> }> | undefined
  const compose = () =>
    (composer ??= import('nodemailer').then((nodemailer) => nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' }) as never))
  return {
    description: dir,
    async send(message: MailMessage) {
      const { message: raw } = await (await compose()).sendMail({ from, ...message })
      await mkdir(dir, { recursive: true, mode: 0o700 })
      // Sortable by time, unique without a counter shared between processes.
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`
      await writeFile(join(dir, name), raw, { mode: 0o600, flag: 'wx' })
    },
    async close() {},
  }
}
