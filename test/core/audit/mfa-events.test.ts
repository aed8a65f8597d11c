// The two-factor steps in the audit log: enrolling, a password step that asks for a code, the
// second step refused and accepted, disabling, and an admin's reset naming the admin. No row
// holds the TOTP secret, a code or a recovery code.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { AuditRecord } from '../../../src/core/audit/types.js'
import { totpCode } from '../../../src/core/mfa/totp.js'
import { coreAuth } from '../../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }
const CLIENT = { ip: '203.0.113.5', userAgent: 'mfa-audit/1.0' }

test('enroll, login with a code (refused, then accepted), disable, admin reset: each recorded; no secret in any row', async () => {
  const { auth, clock } = coreAuth()
  const rows = async (): Promise<AuditRecord[]> => (await auth.audit.list({ limit: 200 })).records.reverse()
  const last = async (event: string) => (await rows()).filter((r) => r.event === event).at(-1)!
  const ada = await auth.accounts.register(ADA)
  const { secret } = await auth.accounts.startTotp(ada.id)
  const first = totpCode(secret, clock.now())
  const { recoveryCodes } = await auth.accounts.confirmTotp(ada.id, first, { ...CLIENT, actorId: ada.id })
  let r = await last('mfa_enrolled')
  assert.deepEqual([r.actorId, r.subjectId, r.ip], [ada.id, ada.id, CLIENT.ip])
  clock.advance(30_000)

  const step = await auth.accounts.signIn(ADA, CLIENT)
  assert.ok(step.mfaRequired)
  r = await last('login')
  assert.deepEqual([r.outcome, r.reason, r.subjectId, r.sessionId], ['success', 'mfa_required', ada.id, null])
  await assert.rejects(auth.accounts.completeSignIn(step.mfaToken, { code: totpCode(secret, clock.now() + 3_600_000) }, CLIENT), { code: 'MFA_CODE_INVALID' })
  r = await last('login_mfa')
  assert.deepEqual([r.outcome, r.reason, r.actorId, r.subjectId, r.ip], ['failure', 'mfa_failed', null, ada.id, CLIENT.ip])
  const code = totpCode(secret, clock.now())
  const done = await auth.accounts.completeSignIn(step.mfaToken, { code }, CLIENT)
  r = await last('login_mfa')
  assert.deepEqual([r.outcome, r.actorId, r.subjectId, r.sessionId], ['success', ada.id, ada.id, done.sessionId])

  clock.advance(30_000)
  await auth.accounts.disableTotp(ada.id, { recoveryCode: recoveryCodes[0]! }, { ...CLIENT, actorId: ada.id })
  r = await last('mfa_disabled')
  assert.deepEqual([r.actorId, r.subjectId], [ada.id, ada.id])

  const root = await auth.accounts.register({ email: 'root@example.com', password: 'admin password 1', roles: ['user', 'admin'] })
  const again = await auth.accounts.startTotp(ada.id)
  await auth.accounts.confirmTotp(ada.id, totpCode(again.secret, clock.now()))
  await auth.admin.resetMfa(ada.id, { actorId: root.id, ...CLIENT })
  r = await last('mfa_reset')
  assert.deepEqual([r.actorId, r.subjectId], [root.id, ada.id])
  await assert.rejects(auth.admin.resetMfa(ada.id, { actorId: root.id }), { code: 'MFA_NOT_ENABLED' })
  assert.equal((await rows()).filter((x) => x.event === 'mfa_reset').length, 1, 'a reset that changed nothing is not recorded')

  const all = JSON.stringify(await rows())
  for (const s of [secret, again.secret, first, code, ...recoveryCodes, step.mfaToken, done.accessToken, done.refreshToken, ADA.password]) {
    assert.ok(!all.includes(s), `a row holds ${s.slice(0, 4)}...`)
  }
})
