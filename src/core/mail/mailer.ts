// The mail port: what the account flows need to send a message, and nothing of how it travels.
// src/mail/ implements it (SMTP through nodemailer, or .eml files in an outbox folder); tests
// may hand in their own. A message carries a single-use secret at most, so an implementation
// never logs a body.

/** One message to one address, in both forms every mail client reads. */
export interface MailMessage {
  readonly to: string
  readonly subject: string
  readonly text: string
  readonly html: string
}

export interface Mailer {
  /** Hands the message to the transport; rejects when it could not (the server down, refused). */
  send(message: MailMessage): Promise<void>
  /** Where messages go, for the start log: `smtp://mail.example.com:587` or the outbox folder (never a credential). */
  readonly description: string
  /** Closes connections the transport keeps. */
  close(): Promise<void>
}
