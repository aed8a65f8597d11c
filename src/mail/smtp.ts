// The Mailer over SMTP (nodemailer, imported on first send so a server that never mails never
// loads it). One pooled transport per server; a message that fails rejects, and the caller
// (core/mail/send.ts) counts it and answers the user as if it went.

import type { Mailer, MailMessage } from '../core/mail/mailer.js'

type Transport = { sendMail(message: Record<string, unknown>): Promise<unknown>; close(): void }

/** SMTP_URL without its credentials and query: what the start log may say. */
export function smtpDescription(smtpUrl: string): string {
  const url = new URL(smtpUrl)
  return `${url.protocol}//${url.host}`
}

/**
 * @example
 * const mailer = smtpMailer('smtp://user:pass@mail.example.com:587', 'Example <no-reply@example.com>')
 * await mailer.send({ to: 'ada@example.com', subject, text, html })
 */
export function smtpMailer(smtpUrl: string, from: string): Mailer {
  let transport: Promise<Transport> | undefined
  const open = () =>
    (transport ??= import('nodemailer').then((nodemailer) => {
      // A pool keeps one connection open between messages; the URL's own options (?secure=...) still apply.
      const url = new URL(smtpUrl)
      if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true')
      return nodemailer.createTransport(url.toString()) as unknown as Transport
    }))
  return {
    description: smtpDescription(smtpUrl),
    async send(message: MailMessage) {
      await (await open()).sendMail({ from, ...message })
    },
    async close() {
      if (transport !== undefined) (await transport).close()
    },
  }
}
