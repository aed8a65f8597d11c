// Mail templates: values fill their placeholders (escaped in HTML, one line in a subject), the
// built-in templates use only what their kind provides, and durations read as words.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DEFAULT_MAIL_TEMPLATES, inWords, MAIL_KINDS, renderMail, unknownPlaceholders, type MailKind } from '../../../src/core/mail/templates.js'

test('renderMail fills placeholders, escapes HTML only in the HTML body, and keeps a subject on one line', () => {
  const out = renderMail({ subject: 'Hi {{ name }}', text: '{{name}} <{{link}}>', html: '<a href="{{link}}">{{name}}</a>' }, { name: 'A\r\nB <b>', link: 'http://x/?a=1&b="2"' })
  assert.equal(out.subject, 'Hi A B <b>')
  assert.equal(out.text, 'A\r\nB <b> <http://x/?a=1&b="2">')
  assert.equal(out.html, '<a href="http://x/?a=1&#38;b=&#34;2&#34;">A\r\nB &#60;b&#62;</a>')
})

test('the built-in templates use only their kind\'s placeholders, and each is used', () => {
  for (const kind of Object.keys(MAIL_KINDS) as MailKind[]) {
    const t = DEFAULT_MAIL_TEMPLATES[kind]
    assert.deepEqual(unknownPlaceholders(kind, t), [], kind)
    const all = t.subject + t.text + t.html
    for (const name of MAIL_KINDS[kind]) assert.ok(all.includes(`{{${name}}}`), `${kind} never uses {{${name}}}`)
  }
  assert.deepEqual(unknownPlaceholders('verify_email', { subject: '{{link}} {{nope}}', text: '{{nope}}', html: '{{other}}' }), ['nope', 'other'])
})

test('inWords', () => {
  assert.equal(inWords(86400), '24 hours')
  assert.equal(inWords(172800), '2 days')
  assert.equal(inWords(1800), '30 minutes')
  assert.equal(inWords(3600), '1 hour')
  assert.equal(inWords(90), '90 seconds')
})
