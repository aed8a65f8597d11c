// Changing one's email address: the link goes to the new address and the old one is told; the
// account keeps the old address until the link is followed, then has the new one, verified; a
// taken address is refused (also when it was taken meanwhile); without mail it cannot be done.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Mailer, MailMessage } from '../../../src/core/mail/mailer.js'
import { coreAuth } from '../../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }

function setup() {
  const sent: MailMessage[] = []
  const mailer: Mailer = { description: 'memory', send: async (m) => void sent.push(m), async close() {} }
  const ctx = coreAuth({ mail: { mailer, link: (page, token) => `https://auth.example.com/${page}#token=${token}` } })
  const settle = () => new Promise((r) => setTimeout(r, 20))
  const tokenSentTo = async (to: string) => {
    await settle()
    const m = [...sent].reverse().find((x) => x.to === to && x.text.includes('#token='))
    const token = /#token=([A-Za-z0-9_-]{43})/.exec(m?.text ?? '')?.[1]
    assert.ok(token !== undefined, `a link was sent to ${to}`)
    return token
  }
  return { ...ctx, sent, settle, tokenSentTo }
}

test('the new address gets the link, the old one a notice; the address changes only when the link is followed', async () => {
  const { auth, sent, settle, tokenSentTo } = setup()
  const user = await auth.accounts.register(ADA)
  await auth.accounts.requestEmailChange(user.id, '  Ada.New@Example.com ')
  const token = await tokenSentTo('ada.new@example.com')
  const link = sent.find((m) => m.to === 'ada.new@example.com')!
  assert.equal(link.subject, 'Confirm your new email address for tokenwarden')
  assert.ok(link.text.includes(`https://auth.example.com/verify_email#token=${token}`))
  const notice = sent.find((m) => m.to === ADA.email && m.subject.startsWith('A new email address'))
  assert.ok(notice !== undefined && notice.text.includes('ada.new@example.com'))
  assert.equal((await auth.accounts.findUser(user.id))?.email, ADA.email, 'unchanged until confirmed')

  const changed = await auth.accounts.verifyEmail(token)
  assert.equal(changed.email, 'ada.new@example.com')
  assert.notEqual(changed.emailVerifiedAt, null)
  assert.equal((await auth.accounts.login({ email: 'ada.new@example.com', password: ADA.password })).user.id, user.id)
  await assert.rejects(auth.accounts.login(ADA), { code: 'INVALID_CREDENTIALS' })
  await assert.rejects(auth.accounts.verifyEmail(token), { code: 'VERIFICATION_TOKEN_INVALID' })
  await settle()
})

test('refusals: not an address, the current one, another account\'s (now or by the time the link is followed), no mail', async () => {
  const { auth, tokenSentTo } = setup()
  const ada = await auth.accounts.register(ADA)
  await auth.accounts.register({ email: 'bob@example.com', password: 'another good password' })
  await assert.rejects(auth.accounts.requestEmailChange(ada.id, 'nope'), { code: 'VALIDATION_FAILED' })
  await assert.rejects(auth.accounts.requestEmailChange(ada.id, 'ADA@example.com'), { code: 'VALIDATION_FAILED' })
  await assert.rejects(auth.accounts.requestEmailChange(ada.id, 'bob@example.com'), { code: 'EMAIL_TAKEN' })
  await auth.accounts.requestEmailChange(ada.id, 'carol@example.com')
  const token = await tokenSentTo('carol@example.com')
  await auth.accounts.register({ email: 'carol@example.com', password: 'a third good password' })
  await assert.rejects(auth.accounts.verifyEmail(token), { code: 'EMAIL_TAKEN' })
  assert.equal((await auth.accounts.findUser(ada.id))?.email, ADA.email)

  const { auth: noMail } = coreAuth()
  const user = await noMail.accounts.register(ADA)
  await assert.rejects(noMail.accounts.requestEmailChange(user.id, 'new@example.com'), { code: 'MAIL_NOT_CONFIGURED' })
})
