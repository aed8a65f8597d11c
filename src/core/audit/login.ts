// Audit rows for refused logins, which change nothing and so are appended on their own. The row
// names the account the identifier belongs to, when there is one, so a user's activity shows the
// attempts on their account; the identifier itself (an email) is never stored. Every refusal
// looks the identifier up alike, so the extra read tells nothing about whether it exists.

import type { AuthContext, ClientInfo } from '../context.js'
import { normalizeEmail, normalizeUsername } from '../accounts/rules.js'
import { recordAudit } from './record.js'
import type { AuditEvent } from './types.js'

export type LoginIdentifierOf = { email: string } | { username: string }

/**
 * Records a refused login (or MFA step) with its reason (the outcome the activity channel counts:
 * invalid_credentials, throttled, disabled, unverified, ...). `userId`: the account when the
 * flow knows it (the password matched); otherwise it is looked up from `identifier`.
 */
export async function auditRefusedLogin(
  ctx: AuthContext,
  event: Extract<AuditEvent, 'login' | 'login_mfa'>,
  reason: string,
  client: ClientInfo,
  who: { userId?: string | undefined; identifier?: LoginIdentifierOf | undefined },
): Promise<void> {
  let subjectId = who.userId ?? null
  if (subjectId === null && who.identifier !== undefined) {
    const id = who.identifier
    const user = 'email' in id ? await ctx.store.findUserByEmail(normalizeEmail(id.email)) : await ctx.store.findUserByUsername(normalizeUsername(id.username))
    subjectId = user?.id ?? null
  }
  await recordAudit(ctx, { event, outcome: 'failure', reason, subjectId, actorId: null, sessionId: null }, client)
}
