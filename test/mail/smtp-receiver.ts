// A real SMTP server for tests (smtp-server, from the nodemailer project), in process on a free
// loopback port, that parses every message it receives (mailparser) and can require a login.

import type { AddressInfo } from 'node:net'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface Receiver {
  readonly url: string
  readonly port: number
  readonly messages: ParsedMail[]
  /** Resolves with the next message received (or one already waiting beyond `seen`). */
  next(seen?: number): Promise<ParsedMail>
  close(): Promise<void>
}

export async function startReceiver(login?: { user: string; pass: string }, port = 0): Promise<Receiver> {
  const messages: ParsedMail[] = []
  const waiting: (() => void)[] = []
  const server = new SMTPServer({
    authOptional: login === undefined,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (login !== undefined && auth.username === login.user && auth.password === login.pass) return callback(null, { user: auth.username })
      callback(new Error('Invalid username or password'))
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          messages.push(mail)
          for (const wake of waiting.splice(0)) wake()
          callback()
        },
        (err: Error) => callback(err),
      )
    },
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const bound = (server.server.address() as AddressInfo).port
  const auth = login === undefined ? '' : `${encodeURIComponent(login.user)}:${encodeURIComponent(login.pass)}@`
  return {
    url: `smtp://${auth}127.0.0.1:${bound}`,
    port: bound,
    messages,
    async next(seen = messages.length) {
      while (messages.length <= seen) await new Promise<void>((resolve) => waiting.push(resolve))
      return messages[seen]!
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
