// The last-administrator rule: no account change may leave the server without an enabled user
// holding the `admin` role, so the admin API cannot lock everyone out of administration. The
// CLI (`tokenwarden users create --admin`) stays the way back in and is not checked here.

import type { AuthContext } from '../context.js'
import { AuthError } from '../errors.js'
import type { Store, UserRecord } from '../store.js'

/** The role that grants the admin API (src/http/routes/admin.ts default) and that this rule protects. */
export const ADMIN_ROLE = 'admin'

/** True when the user counts towards the enabled-admin set. */
export function isActiveAdmin(user: Pick<UserRecord, 'roles' | 'disabled'>): boolean {
  return !user.disabled && user.roles.includes(ADMIN_ROLE)
}

/**
 * Throws LAST_ADMIN when `before` is an enabled admin, `after` is not (demoted, disabled, or
 * `undefined` for deleted), and no other enabled admin exists. Any other change passes.
 *
 * This check alone is check-then-write: the callers also pass `keepAnAdmin` to the store's
 * write, which repeats it atomically (two admins demoting each other at once on two instances
 * cannot both succeed). This early check gives the answer without a write in the common case.
 *
 * @example
 * await assertKeepsAnAdmin(ctx, before, { roles: ['user'], disabled: before.disabled })
 */
export async function assertKeepsAnAdmin(
  ctx: AuthContext,
  before: Pick<UserRecord, 'roles' | 'disabled'>,
  after: Pick<UserRecord, 'roles' | 'disabled'> | undefined,
): Promise<void> {
  if (!isActiveAdmin(before) || (after !== undefined && isActiveAdmin(after))) return
  // `before` is one of the counted admins, so <= 1 means it is the only one.
  if ((await countActiveAdmins(ctx.store)) <= 1) throw new AuthError('LAST_ADMIN')
}

const PAGE = 500

/**
 * The store's own count when it has one; otherwise every user is listed, a page at a time, and
 * counted here (slower, but a custom store written before the method existed keeps working
 * instead of failing with a 500 on the admin routes).
 */
export async function countActiveAdmins(store: Store): Promise<number> {
  if (store.countActiveAdmins !== undefined) return store.countActiveAdmins()
  let count = 0
  for (let offset = 0; ; offset += PAGE) {
    const { users } = await store.listUsers({ limit: PAGE, offset })
    for (const u of users) if (isActiveAdmin(u)) count++
    if (users.length < PAGE) return count
  }
}
