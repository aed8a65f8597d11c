// The messages tokenwarden sends, as small templates: a subject, a plain-text body and an HTML
// body with `{{name}}` placeholders. Values are HTML-escaped in the HTML body; a template may use
// only the placeholders its kind provides, so an operator's override (MAIL_TEMPLATES_DIR, read by
// src/mail/templates-dir.ts) with a typo is refused at start rather than mailed with a hole.

/** Every kind of message, a closed set; each names the values its template gets. */
export const MAIL_KINDS = {
  /** On register (and on a resend): the link that proves the address is the user's. */
  verify_email: ['app_name', 'email', 'link', 'token', 'expires_in'],
  /** On a forgotten password: the link to the page that sets a new one. */
  password_reset: ['app_name', 'email', 'link', 'token', 'expires_in'],
  /** After the password was changed or reset: a notice, so a user who did not do it knows. */
  password_changed: ['app_name', 'email', 'time'],
  /** To the new address of an email change: the link that proves it and makes it the account's. */
  email_change: ['app_name', 'email', 'link', 'token', 'expires_in'],
  /** To the old address of an email change: a notice, so a user who did not ask knows. */
  email_change_notice: ['app_name', 'email', 'new_email'],
} as const satisfies Record<string, readonly string[]>

export type MailKind = keyof typeof MAIL_KINDS
export type MailValues<K extends MailKind> = Readonly<Record<(typeof MAIL_KINDS)[K][number], string>>

export interface MailTemplate {
  readonly subject: string
  readonly text: string
  readonly html: string
}

export type MailTemplates = Readonly<Record<MailKind, MailTemplate>>

/** The built-in wording. */
export const DEFAULT_MAIL_TEMPLATES: MailTemplates = Object.freeze({
  verify_email: {
    subject: 'Confirm your email address for {{app_name}}',
    text: [
      'Hello,',
      '',
      'Someone (we hope you) created an account on {{app_name}} with {{email}}.',
      'Open this link to confirm the address:',
      '',
      '{{link}}',
      '',
      'Or paste this code where you are asked for it: {{token}}',
      '',
      'The link works once and expires in {{expires_in}}. If this was not you, ignore this message.',
    ].join('\n'),
    html: [
      '<p>Hello,</p>',
      '<p>Someone (we hope you) created an account on {{app_name}} with {{email}}.</p>',
      '<p><a href="{{link}}">Confirm this address</a></p>',
      '<p>Or paste this code where you are asked for it: <code>{{token}}</code></p>',
      '<p>The link works once and expires in {{expires_in}}. If this was not you, ignore this message.</p>',
    ].join('\n'),
  },
  password_reset: {
    subject: 'Reset your {{app_name}} password',
    text: [
      'Hello,',
      '',
      'Someone asked to reset the password of the {{app_name}} account {{email}}.',
      'Open this link to choose a new one:',
      '',
      '{{link}}',
      '',
      'Or paste this code where you are asked for it: {{token}}',
      '',
      'The link works once and expires in {{expires_in}}. If you did not ask, ignore this message: your password stays as it is.',
    ].join('\n'),
    html: [
      '<p>Hello,</p>',
      '<p>Someone asked to reset the password of the {{app_name}} account {{email}}.</p>',
      '<p><a href="{{link}}">Choose a new password</a></p>',
      '<p>Or paste this code where you are asked for it: <code>{{token}}</code></p>',
      '<p>The link works once and expires in {{expires_in}}. If you did not ask, ignore this message: your password stays as it is.</p>',
    ].join('\n'),
  },
  email_change: {
    subject: 'Confirm your new email address for {{app_name}}',
    text: [
      'Hello,',
      '',
      'Someone asked to use {{email}} for their {{app_name}} account.',
      'Open this link to confirm it; the account keeps its old address until you do:',
      '',
      '{{link}}',
      '',
      'Or paste this code where you are asked for it: {{token}}',
      '',
      'The link works once and expires in {{expires_in}}. If this was not you, ignore this message.',
    ].join('\n'),
    html: [
      '<p>Hello,</p>',
      '<p>Someone asked to use {{email}} for their {{app_name}} account.</p>',
      '<p><a href="{{link}}">Confirm this address</a> (the account keeps its old address until you do)</p>',
      '<p>Or paste this code where you are asked for it: <code>{{token}}</code></p>',
      '<p>The link works once and expires in {{expires_in}}. If this was not you, ignore this message.</p>',
    ].join('\n'),
  },
  email_change_notice: {
    subject: 'A new email address was requested for your {{app_name}} account',
    text: [
      'Hello,',
      '',
      'Someone signed in to the {{app_name}} account {{email}} asked to change its address to {{new_email}}.',
      'It changes only once the link sent to {{new_email}} is followed.',
      '',
      'If this was not you, change your password now and tell your administrator.',
    ].join('\n'),
    html: [
      '<p>Hello,</p>',
      '<p>Someone signed in to the {{app_name}} account {{email}} asked to change its address to {{new_email}}.</p>',
      '<p>It changes only once the link sent to {{new_email}} is followed.</p>',
      '<p>If this was not you, change your password now and tell your administrator.</p>',
    ].join('\n'),
  },
  password_changed: {
    subject: 'Your {{app_name}} password was changed',
    text: [
      'Hello,',
      '',
      'The password of the {{app_name}} account {{email}} was changed at {{time}}, and every other session was signed out.',
      '',
      'If this was not you, reset your password now and tell your administrator.',
    ].join('\n'),
    html: [
      '<p>Hello,</p>',
      '<p>The password of the {{app_name}} account {{email}} was changed at {{time}}, and every other session was signed out.</p>',
      '<p>If this was not you, reset your password now and tell your administrator.</p>',
    ].join('\n'),
  },
})

const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g

/** The placeholders `template` uses that its kind does not provide (empty when it is sound). */
export function unknownPlaceholders(kind: MailKind, template: MailTemplate): string[] {
  const known: readonly string[] = MAIL_KINDS[kind]
  const used = [template.subject, template.text, template.html].flatMap((part) => [...part.matchAll(PLACEHOLDER)].map((m) => m[1]!))
  return [...new Set(used.filter((name) => !known.includes(name)))]
}

/**
 * Fills a template. Subject and text get the values as they are (a subject loses line breaks);
 * the HTML body gets them escaped.
 *
 * @example
 * renderMail(DEFAULT_MAIL_TEMPLATES.verify_email, { app_name: 'tokenwarden', email: 'a@example.com', link, token, expires_in: '24 hours' })
 */
export function renderMail(template: MailTemplate, values: Readonly<Record<string, string>>): MailTemplate {
  const fill = (part: string, escape: (s: string) => string) => part.replace(PLACEHOLDER, (_, name: string) => escape(values[name] ?? ''))
  return {
    subject: fill(template.subject, (s) => s.replace(/[\r\n]+/g, ' ')),
    text: fill(template.text, (s) => s),
    html: fill(template.html, escapeHtml),
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** A duration in words for a message: 86400 -> "24 hours", 1800 -> "30 minutes". */
export function inWords(seconds: number): string {
  const unit = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  if (seconds % 86400 === 0 && seconds >= 172800) return unit(seconds / 86400, 'day')
  if (seconds % 3600 === 0) return unit(seconds / 3600, 'hour')
  if (seconds % 60 === 0) return unit(seconds / 60, 'minute')
  return unit(seconds, 'second')
}
