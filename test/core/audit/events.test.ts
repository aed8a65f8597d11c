// The audit log in core: every flow records its event with the right actor, subject, session,
// outcome and reason (refused logins too, with the account the identifier names), nothing secret
// ends up in a row, and rows past the retention are pruned on the Auth's clock.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { AuditRecord } from '../../../src/core/audit/types.js'
import type { Mailer, MailMessage } from '../../../src/core/mail/mailer.js'
import { coreAuth } from '../../helpers.js'

const ADA = { email: 'ada@example.com', password: 'correct horse battery' }
const CLIENT = { ip: '203.0.113.9', userAgent: 'audit-test/1.0' }

function setup(options: Parameters<typeof coreAuth>[0] = {}) {
  const sent: MailMessage[] = []
  const mailer: Mailer = { description: 'memory', send: async (m) => void sent.push(m), async close() {} }
  const ctx = coreAuth({ mail: { mailer, link: (page, token) => `https://auth.example.com/console/${page}#token=${token}` }, ...options })
  const tokenIn = async (subject: RegExp): Promise<string> => {
    await new Promise((r) => setTimeout(r, 20))
    const m = [...sent].reverse().find((x) => subject.test(x.subject))
    const token = /#token=([A-Za-z0-9_-]{43})/.exec(m?.text ?? '')?.[1]
    assert.ok(token !== undefined, `a message matching ${subject}`)
    return token
  }
  /** Every row, oldest first. */
  const rows = async (): Promise<AuditRecord[]> => (await ctx.auth.audit.list({ limit: 200 })).records.reverse()
  return { ...ctx, sent, tokenIn, rows }
}

/** The fields a test checks, from the newest row of `event`. */
function last(rows: AuditRecord[], event: string) {
  const r = [...rows].reverse().find((x) => x.event === event)
  assert.ok(r !== undefined, `a ${event} row`)
  return r
}

test('register, logins (refused, throttled, accepted), logout of each scope, a reused refresh token: each recorded as it happened', async () => {
  const { auth, rows } = setup({ loginMaxFailures: 2 })
  const ada = await auth.accounts.register(ADA, CLIENT)
  await assert.rejects(auth.accounts.login({ email: ADA.email, password: 'wrong password!' }, CLIENT), { code: 'INVALID_CREDENTIALS' })
  await assert.rejects(auth.accounts.login({ email: 'nobody@example.com', password: 'wrong password!' }, CLIENT), { code: 'INVALID_CREDENTIALS' })
  const first = await auth.accounts.login(ADA, CLIENT)
  assert.ok('accessToken' in first)
  let r = await rows()
  assert.deepEqual(pick(r[0]!), { event: 'register', outcome: 'success', reason: null, actorId: ada.id, subjectId: ada.id, ip: CLIENT.ip, userAgent: CLIENT.userAgent })
  assert.deepEqual(pick(r[1]!), { event: 'login', outcome: 'failure', reason: 'invalid_credentials', actorId: null, subjectId: ada.id, ip: CLIENT.ip, userAgent: CLIENT.userAgent })
  assert.deepEqual(pick(r[2]!), { event: 'login', outcome: 'failure', reason: 'invalid_credentials', actorId: null, subjectId: null, ip: CLIENT.ip, userAgent: CLIENT.userAgent }, 'an unknown address names no account')
  assert.deepEqual({ ...pick(r[3]!), sessionId: r[3]!.sessionId }, { event: 'login', outcome: 'success', reason: null, actorId: ada.id, subjectId: ada.id, ip: CLIENT.ip, userAgent: CLIENT.userAgent, sessionId: first.sessionId })

  // Throttled: two failures, then the next attempt waits.
  await assert.rejects(auth.accounts.login({ email: ADA.email, password: 'wrong password!' }, CLIENT))
  await assert.rejects(auth.accounts.login({ email: ADA.email, password: 'wrong password!' }, CLIENT))
  await assert.rejects(auth.accounts.login(ADA, CLIENT), { code: 'LOGIN_THROTTLED' })
  r = await rows()
  assert.deepEqual([last(r, 'login').outcome, last(r, 'login').reason, last(r, 'login').subjectId], ['failure', 'throttled', ada.id])
})

test('logout (local, others, global), a user ending one session, and a reused refresh token', async () => {
  const { auth, rows } = setup()
  const ada = await auth.accounts.register(ADA)
  const login = async () => {
    const l = await auth.accounts.login(ADA, CLIENT)
    assert.ok('accessToken' in l)
    return l
  }
  const a = await login()
  const b = await login()
  await auth.sessions.logout(await auth.sessions.authenticate(a.accessToken), 'local', CLIENT)
  let logout = last(await rows(), 'logout')
  assert.deepEqual([logout.reason, logout.actorId, logout.subjectId, logout.sessionId, logout.ip], ['local', ada.id, ada.id, a.sessionId, CLIENT.ip])
  // Logging out an ended session again changes nothing, and records nothing.
  const count = (await rows()).length
  await auth.sessions.logout(await auth.sessions.authenticate(b.accessToken).then((cl) => ({ ...cl, sid: a.sessionId })), 'local', CLIENT)
  assert.equal((await rows()).length, count)

  await auth.sessions.logout(await auth.sessions.authenticate(b.accessToken), 'others', CLIENT)
  logout = last(await rows(), 'logout')
  assert.deepEqual([logout.reason, logout.sessionId], ['others', b.sessionId])
  await auth.sessions.logout(await auth.sessions.authenticate(b.accessToken), 'global', CLIENT)
  assert.equal(last(await rows(), 'logout').reason, 'global')

  const d = await login()
  const e = await login()
  assert.equal(await auth.sessions.revoke(e.sessionId, { userId: ada.id, source: { ...CLIENT, actorId: ada.id, sessionId: d.sessionId } }), true)
  const ended = last(await rows(), 'session_revoked')
  assert.deepEqual([ended.actorId, ended.subjectId, ended.sessionId, ended.reason], [ada.id, ada.id, e.sessionId, 'user_revoked'])

  // A refresh token spent, then presented again: the session is revoked and the row names no actor.
  const rotated = await auth.sessions.refresh(d.refreshToken, { client: CLIENT })
  await auth.sessions.refresh(rotated.refreshToken)
  await assert.rejects(auth.sessions.refresh(d.refreshToken, { client: { ip: '198.51.100.1', userAgent: 'thief' } }), { code: 'REFRESH_TOKEN_REUSED' })
  const reused = last(await rows(), 'refresh_reused')
  assert.deepEqual([reused.actorId, reused.subjectId, reused.sessionId, reused.ip, reused.userAgent], [null, ada.id, d.sessionId, '198.51.100.1', 'thief'])
})

test('password change and reset, email verification and change: each recorded with the change', async () => {
  const { auth, rows, tokenIn } = setup()
  const ada = await auth.accounts.register(ADA)
  await auth.accounts.verifyEmail(await tokenIn(/Confirm|Verify/i), CLIENT)
  assert.deepEqual([last(await rows(), 'email_verified').subjectId, last(await rows(), 'email_verified').actorId, last(await rows(), 'email_verified').ip], [ada.id, ada.id, CLIENT.ip])

  const l = await auth.accounts.login(ADA)
  assert.ok('accessToken' in l)
  await auth.accounts.changePassword(ada.id, { currentPassword: ADA.password, newPassword: 'another good passphrase', keepSessionId: l.sessionId }, { ...CLIENT, actorId: ada.id, sessionId: l.sessionId })
  const changed = last(await rows(), 'password_changed')
  assert.deepEqual([changed.actorId, changed.subjectId, changed.sessionId], [ada.id, ada.id, l.sessionId])

  auth.accounts.forgotPassword(ADA.email)
  await auth.accounts.resetPassword(await tokenIn(/Reset/i), 'a third good passphrase', CLIENT)
  const reset = last(await rows(), 'password_reset')
  assert.deepEqual([reset.actorId, reset.subjectId, reset.ip], [ada.id, ada.id, CLIENT.ip])

  await auth.accounts.requestEmailChange(ada.id, 'ada.new@example.com')
  assert.equal((await rows()).filter((r) => r.event === 'email_changed').length, 0, 'nothing changes until the link is followed')
  await auth.accounts.verifyEmail(await tokenIn(/Confirm|Verify/i), CLIENT)
  assert.equal(last(await rows(), 'email_changed').subjectId, ada.id)
})

test('admin changes name the acting admin; the CLI names none and says so; deleting one\'s own account is account_deleted', async () => {
  const { auth, rows } = setup()
  const root = await auth.accounts.register({ email: 'root@example.com', password: 'admin password 1', roles: ['user', 'admin'] })
  const ada = await auth.accounts.register(ADA)
  const by = { actorId: root.id, sessionId: 'root-session', ...CLIENT }
  await auth.admin.updateUser(ada.id, { roles: ['user', 'editor'] }, by)
  let r = last(await rows(), 'user_updated')
  assert.deepEqual([r.actorId, r.subjectId, r.sessionId, r.detail], [root.id, ada.id, 'root-session', { roles: ['user', 'editor'], previousRoles: ['user'] }])
  await auth.admin.updateUser(ada.id, { disabled: true }, { via: 'cli' })
  r = last(await rows(), 'user_updated')
  assert.deepEqual([r.actorId, r.subjectId, r.detail], [null, ada.id, { disabled: true, via: 'cli' }])
  await auth.admin.updateUser(ada.id, { disabled: false }, by)
  await auth.admin.endUserSessions(ada.id, by)
  r = last(await rows(), 'sessions_revoked')
  assert.deepEqual([r.actorId, r.subjectId, r.reason], [root.id, ada.id, 'admin_revoked'])
  await auth.admin.deleteUser(ada.id, by)
  r = last(await rows(), 'user_deleted')
  assert.deepEqual([r.actorId, r.subjectId], [root.id, ada.id])
  assert.ok((await auth.audit.list({ userId: ada.id })).total >= 4, 'a deleted account\'s rows stay')

  const bob = await auth.accounts.register({ email: 'bob@example.com', password: 'bobs good passphrase' })
  await auth.accounts.deleteOwnAccount(bob.id, 'bobs good passphrase', CLIENT)
  r = last(await rows(), 'account_deleted')
  assert.deepEqual([r.actorId, r.subjectId, r.ip], [bob.id, bob.id, CLIENT.ip])
})

test('no row holds a password, token, mailed secret or email address', async () => {
  const { auth, rows, sent, tokenIn } = setup({ loginMaxFailures: 1 })
  const secrets = [ADA.password, 'wrong password!', 'another good passphrase', ADA.email, 'nobody@example.com']
  const ada = await auth.accounts.register(ADA, CLIENT)
  secrets.push(await tokenIn(/Confirm|Verify/i))
  await auth.accounts.verifyEmail(secrets.at(-1)!, CLIENT)
  await assert.rejects(auth.accounts.login({ email: 'nobody@example.com', password: 'wrong password!' }, CLIENT))
  const l = await auth.accounts.login(ADA, CLIENT)
  assert.ok('accessToken' in l)
  secrets.push(l.accessToken, l.refreshToken)
  const rotated = await auth.sessions.refresh(l.refreshToken, { client: CLIENT })
  secrets.push(rotated.accessToken, rotated.refreshToken)
  await auth.sessions.logout(await auth.sessions.authenticate(rotated.accessToken), 'global', CLIENT)
  await auth.accounts.changePassword(ada.id, { currentPassword: ADA.password, newPassword: 'another good passphrase' }, CLIENT)
  auth.accounts.forgotPassword(ADA.email)
  const reset = await tokenIn(/Reset/i)
  secrets.push(reset)
  await auth.accounts.resetPassword(reset, 'a third good passphrase', CLIENT)
  secrets.push('a third good passphrase')
  const all = JSON.stringify(await rows())
  assert.ok((await rows()).length >= 7)
  for (const s of secrets) assert.ok(!all.includes(s), `a row holds ${s.slice(0, 6)}...`)
  assert.ok(sent.length > 0)
})

test('pruning deletes rows older than the retention on the Auth\'s clock; 0 keeps every row', async () => {
  const { auth, clock } = setup({ auditRetention: 86400 })
  await auth.accounts.register(ADA)
  clock.advance(86400 * 1000 - 1000)
  await auth.accounts.register({ email: 'bob@example.com', password: 'bobs good passphrase' })
  assert.equal((await auth.audit.list()).total, 2)
  clock.advance(2000)
  await auth.prune()
  const left = await auth.audit.list()
  assert.deepEqual(left.records.map((r) => r.event), ['register'])
  assert.equal(left.total, 1)

  const forever = setup({ auditRetention: 0 })
  await forever.auth.accounts.register(ADA)
  forever.clock.advance(3650 * 86400 * 1000)
  assert.equal(await forever.auth.audit.prune(), 0)
  assert.equal((await forever.auth.audit.list()).total, 1)
  assert.throws(() => setup({ auditRetention: -1 }), TypeError)
})

test('filters are checked: an unknown event, a time that is not ISO-8601, a page out of range are VALIDATION_FAILED naming the field', async () => {
  const { auth } = setup()
  await assert.rejects(auth.audit.list({ event: 'logged_in' }), { code: 'VALIDATION_FAILED', details: { field: 'event' } })
  for (const from of ['1', 'yesterday', '2026-13-45', '2026-01-31T12:00']) {
    await assert.rejects(auth.audit.list({ from }), { code: 'VALIDATION_FAILED', details: { field: 'from' } }, from)
  }
  await assert.rejects(auth.audit.list({ to: 'soon' }), { code: 'VALIDATION_FAILED', details: { field: 'to' } })
  await assert.rejects(auth.audit.list({ limit: 0 }), { code: 'VALIDATION_FAILED', details: { field: 'limit' } })
  await assert.rejects(auth.audit.activity('x', { offset: -1 }), { code: 'VALIDATION_FAILED', details: { field: 'offset' } })
  assert.equal((await auth.audit.list({ from: '2026-01-31', to: '2026-02-01T00:00:00+01:00' })).total, 0)
})

function pick(r: AuditRecord) {
  return { event: r.event, outcome: r.outcome, reason: r.reason, actorId: r.actorId, subjectId: r.subjectId, ip: r.ip, userAgent: r.userAgent }
}

test('an operator\'s token for a user is token_issued, with its session and no actor', async () => {
  const { auth, rows } = setup()
  const ada = await auth.accounts.register(ADA)
  const issued = await auth.sessions.issue(ada.id, { ttl: 600, client: { userAgent: 'tokenwarden token issue' }, source: { via: 'cli' } })
  const r = last(await rows(), 'token_issued')
  assert.deepEqual([r.actorId, r.subjectId, r.sessionId, r.userAgent, r.detail], [null, ada.id, issued.sessionId, 'tokenwarden token issue', { via: 'cli' }])
  assert.ok(!JSON.stringify(await rows()).includes(issued.accessToken))
})
