// Creating an account: validated (the password by password-policy.ts), normalized, argon2id-hashed,
// stored once (the store's unique constraints decide races between two registrations of the same email).

import { randomUUID } from 'node:crypto'
import { auditEntry } from '../audit/record.js'
import type { AuditSource } from '../audit/types.js'
import { isoAt, type AuthContext } from '../context.js'
import { AuthError } from '../errors.js'
import type { UserRecord } from '../store.js'
import { acceptNewPassword } from './password-policy.js'
import { DEFAULT_ROLES, emailProblem, normalizeEmail, normalizeUsername, usernameProblem } from './rules.js'

export interface RegisterInput {
  email: string
  password: string
  username?: string | null | undefined
  roles?: readonly string[]
  /** The address is known to be the user's (an operator created the account): verified at once, no message. default: false */
  emailVerified?: boolean
}

/** Creates the account; the audit log's `register` row is written with it (`source`: who and from where). */
export async function register(ctx: AuthContext, input: RegisterInput, source?: AuditSource): Promise<UserRecord> {
  const problem = emailProblem(input.email) ?? (input.username == null ? undefined : usernameProblem(input.username))
  if (problem !== undefined) {
    throw new AuthError('VALIDATION_FAILED', problem, { details: { field: problem.split(' ')[0] } })
  }
  // The length, Unicode and strength rules; what is hashed is the NFC form.
  const password = await acceptNewPassword(ctx, input.password, input)
  const passwordHash = await ctx.hasher.hash(password)
  // One instant for the row: a pre-verified account is verified when it is created.
  const now = isoAt(ctx.clock.now())
  const id = randomUUID()
  const audit = auditEntry(ctx, { event: 'register', subjectId: id }, source)
  const result = await ctx.store.createUser({
    id,
    email: normalizeEmail(input.email),
    username: input.username == null ? null : normalizeUsername(input.username),
    passwordHash,
    roles: [...(input.roles ?? DEFAULT_ROLES)],
    emailVerifiedAt: input.emailVerified === true ? now : null,
    createdAt: now,
  }, { audit })
  if (!result.ok) throw new AuthError(result.conflict === 'email' ? 'EMAIL_TAKEN' : 'USERNAME_TAKEN')
  return result.user
}
