// Sending one kind of message to one address, for the account flows. It never throws: an answer
// to a user must not depend on whether mail went out (a failure to mail a reset link must look
// like success, or the answer tells who has an account), so a failure is a value, published on
// the activity channel (`mail`, outcome failed: logged and counted by the server) for the
// operator, and the user can ask again.

import type { ActivityChannel } from '../events/activity.js'
import type { Mailer } from './mailer.js'
import { renderMail, type MailKind, type MailTemplates, type MailValues } from './templates.js'

export interface MailSender {
  /** Renders and sends; true when the transport took it. */
  send<K extends MailKind>(kind: K, to: string, values: MailValues<K>): Promise<boolean>
}

/** A transport error's code (ECONNREFUSED, EAUTH, ...) or its class: never its message, which may quote an address. */
export function mailErrorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code
  if (typeof code === 'string' && /^[A-Z0-9_]{2,32}$/.test(code)) return code
  return err instanceof Error ? err.name : 'unknown'
}

export function createMailSender(mailer: Mailer, templates: MailTemplates, activity: ActivityChannel): MailSender {
  return {
    async send(kind, to, values) {
      const body = renderMail(templates[kind], values)
      try {
        await mailer.send({ to, ...body })
      } catch (err) {
        activity.publish({ type: 'mail', kind, outcome: 'failed', error: mailErrorCode(err) })
        return false
      }
      if (activity.active) activity.publish({ type: 'mail', kind, outcome: 'sent', error: undefined })
      return true
    },
  }
}
