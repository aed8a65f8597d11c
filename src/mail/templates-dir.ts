// MAIL_TEMPLATES_DIR: an operator's wording for the messages, read once at start. For each kind,
// `<kind>.subject.txt`, `<kind>.txt` and `<kind>.html` replace the built-in part when present.
// A file naming no kind, or a template using a placeholder its kind does not provide, is a
// configuration error before the server listens, not a hole in a mailed message.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '../core/config-env.js'
import { DEFAULT_MAIL_TEMPLATES, MAIL_KINDS, unknownPlaceholders, type MailKind, type MailTemplate, type MailTemplates } from '../core/mail/templates.js'

const PARTS = { 'subject.txt': 'subject', txt: 'text', html: 'html' } as const satisfies Record<string, keyof MailTemplate>
const FILE = /^([a-z_]+)\.(subject\.txt|txt|html)$/

/**
 * The built-in templates with the folder's files laid over them.
 *
 * @example
 * loadMailTemplates('/etc/tokenwarden/mail') // verify_email.subject.txt replaces that subject
 */
export function loadMailTemplates(dir: string | undefined): MailTemplates {
  if (dir === undefined) return DEFAULT_MAIL_TEMPLATES
  let names: string[]
  try {
    names = readdirSync(dir).filter((n) => !n.startsWith('.'))
  } catch (err) {
    throw new ConfigError('MAIL_TEMPLATES_DIR', `cannot read the folder ${dir} (${(err as { code?: string }).code ?? 'error'})`)
  }
  const templates: Record<string, MailTemplate> = { ...DEFAULT_MAIL_TEMPLATES }
  for (const name of names.sort()) {
    const m = FILE.exec(name)
    if (m === null || !(m[1]! in MAIL_KINDS)) {
      throw new ConfigError('MAIL_TEMPLATES_DIR', `${name} names no message: expected <kind>.subject.txt, <kind>.txt or <kind>.html with kind one of ${Object.keys(MAIL_KINDS).join(', ')}`)
    }
    const kind = m[1] as MailKind
    const part = PARTS[m[2] as keyof typeof PARTS]
    templates[kind] = { ...templates[kind]!, [part]: readFileSync(join(dir, name), 'utf8').replace(/\n$/, '') }
  }
  for (const kind of Object.keys(MAIL_KINDS) as MailKind[]) {
    const unknown = unknownPlaceholders(kind, templates[kind]!)
    if (unknown.length > 0) {
      throw new ConfigError('MAIL_TEMPLATES_DIR', `${kind} uses ${unknown.map((n) => `{{${n}}}`).join(', ')}, which it is not given (it has ${MAIL_KINDS[kind].join(', ')})`)
    }
  }
  return Object.freeze(templates as MailTemplates)
}
