// The SMTP Mailer against a real SMTP server: the message arrives with its sender, subject and
// both bodies; a server that wants a login gets the URL's credentials; a server that is down (or
// refuses the login) rejects the send, which the mail sender turns into `false` and one
// `mail failed` activity event carrying the error code, never the address.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ActivityChannel, type ActivityEvent } from '../../src/core/events/activity.js'
import { createMailSender } from '../../src/core/mail/send.js'
import { DEFAULT_MAIL_TEMPLATES } from '../../src/core/mail/templates.js'
import { smtpDescription, smtpMailer } from '../../src/mail/smtp.js'
import { startReceiver } from './smtp-receiver.js'

const FROM = 'Tokenwarden Test <no-reply@example.test>'
const VALUES = { app_name: 'Acme <Auth>', email: 'ada@example.com', link: 'http://127.0.0.1:3000/console/#/verify?token=abc&x=1', token: 'abc', expires_in: '24 hours' }

test('a message goes through a real SMTP server with both bodies, escaped in HTML', async () => {
  const rx = await startReceiver()
  const mailer = smtpMailer(rx.url, FROM)
  try {
    const activity = new ActivityChannel()
    const seen: ActivityEvent[] = []
    activity.subscribe((e) => void seen.push(e))
    const sender = createMailSender(mailer, DEFAULT_MAIL_TEMPLATES, activity)
    assert.equal(await sender.send('verify_email', 'ada@example.com', VALUES), true)
    const mail = await rx.next(0)
    assert.equal(mail.subject, 'Confirm your email address for Acme <Auth>')
    assert.equal(mail.from?.value[0]?.address, 'no-reply@example.test')
    assert.deepEqual((Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((t) => t?.value.map((v) => v.address)), ['ada@example.com'])
    assert.ok(mail.text?.includes(VALUES.link), 'the text body carries the link as it is')
    assert.ok(typeof mail.html === 'string' && mail.html.includes('href="http://127.0.0.1:3000/console/#/verify?token=abc&#38;x=1"'), 'the link is escaped in HTML')
    assert.ok(mail.html.includes('Acme &#60;Auth&#62;'), 'values are escaped in HTML')
    assert.deepEqual(seen, [{ type: 'mail', kind: 'verify_email', outcome: 'sent', error: undefined }])
  } finally {
    await mailer.close()
    await rx.close()
  }
})

test('the URL\'s credentials log in; its description never shows them', async () => {
  const rx = await startReceiver({ user: 'mailer', pass: 's3cret pass' })
  const good = smtpMailer(rx.url, FROM)
  const bad = smtpMailer(`smtp://mailer:wrong@127.0.0.1:${rx.port}`, FROM)
  try {
    assert.equal(good.description, `smtp://127.0.0.1:${rx.port}`)
    assert.ok(!smtpDescription(rx.url).includes('s3cret'))
    await good.send({ to: 'ada@example.com', subject: 'hi', text: 'hi', html: '<p>hi</p>' })
    assert.equal((await rx.next(0)).subject, 'hi')
    const activity = new ActivityChannel()
    const seen: ActivityEvent[] = []
    activity.subscribe((e) => void seen.push(e))
    assert.equal(await createMailSender(bad, DEFAULT_MAIL_TEMPLATES, activity).send('verify_email', 'ada@example.com', VALUES), false)
    assert.deepEqual(seen, [{ type: 'mail', kind: 'verify_email', outcome: 'failed', error: 'EAUTH' }])
  } finally {
    await good.close()
    await bad.close()
    await rx.close()
  }
})

test('a server that is down: the send is false, counted with its code, and can be retried once it is up', async () => {
  const rx = await startReceiver()
  const port = rx.port
  await rx.close()
  const mailer = smtpMailer(`smtp://127.0.0.1:${port}`, FROM)
  const activity = new ActivityChannel()
  const seen: ActivityEvent[] = []
  activity.subscribe((e) => void seen.push(e))
  try {
    assert.equal(await createMailSender(mailer, DEFAULT_MAIL_TEMPLATES, activity).send('verify_email', 'ada@example.com', VALUES), false)
    assert.equal(seen.length, 1)
    const event = seen[0]!
    assert.ok(event.type === 'mail' && event.outcome === 'failed' && event.error === 'ESOCKET', JSON.stringify(event))
    assert.ok(!JSON.stringify(seen).includes('ada@example.com'), 'the event names no address')
    // The server comes back on its port: the same mailer sends (the failed connection was not kept).
    const back = await startReceiver(undefined, port)
    try {
      assert.equal(await createMailSender(mailer, DEFAULT_MAIL_TEMPLATES, activity).send('verify_email', 'ada@example.com', VALUES), true)
      assert.equal((await back.next(0)).subject, 'Confirm your email address for Acme <Auth>')
    } finally {
      await back.close()
    }
  } finally {
    await mailer.close()
  }
})
