// `tokenwarden users disable | enable | roles | delete | revoke`: the admin API's account changes
// from the command line, through the same admin service, so each is recorded with its auth event
// and every running server refuses the affected tokens within its bound (docs/scaling.md).
// The last-administrator rule applies here too; `users create --admin` is the way back in.

import type { User } from '../core/accounts/user.js'
import type { Auth } from '../core/auth.js'
import { isAuthError } from '../core/errors.js'

export const ADMIN_COMMANDS = ['disable', 'enable', 'roles', 'delete', 'revoke'] as const
export type AdminCommand = (typeof ADMIN_COMMANDS)[number]

export function isAdminCommand(command: string | undefined): command is AdminCommand {
  return (ADMIN_COMMANDS as readonly string[]).includes(command ?? '')
}

export interface AdminTarget {
  /** --email or --id names the account. */
  email: string | undefined
  id: string | undefined
  /** `roles --set a,b`: the complete new role list. */
  set: string | undefined
}

/**
 * Applies one account change; returns the exit code (0 done, 1 refused, 2 usage).
 *
 * @example
 * await adminCommand(auth, 'disable', { email: 'ada@example.com', id: undefined, set: undefined }, io)
 */
export async function adminCommand(auth: Auth, command: AdminCommand, target: AdminTarget, io: { out(l: string): void; err(l: string): void }): Promise<number> {
  const prefix = `tokenwarden users ${command}`
  if ((target.email === undefined) === (target.id === undefined)) {
    io.err(`${prefix}: name the account with exactly one of --email or --id`)
    return 2
  }
  if (command === 'roles' && target.set === undefined) {
    io.err(`${prefix}: --set ROLE[,ROLE...] is required (the complete new list; --set '' removes every role)`)
    return 2
  }
  const { accounts, admin } = auth
  const user: User | undefined = target.id !== undefined ? await accounts.findUser(target.id) : await accounts.findByEmail(target.email!)
  if (user === undefined) {
    io.err(`${prefix}: USER_NOT_FOUND: no account ${target.id !== undefined ? `with id ${target.id}` : `<${target.email}>`}`)
    return 1
  }
  try {
    switch (command) {
      case 'disable':
      case 'enable': {
        const { revoked } = await admin.updateUser(user.id, { disabled: command === 'disable' })
        io.out(`${command === 'disable' ? 'Disabled' : 'Enabled'} ${user.id} <${user.email}>${revoked > 0 ? `; ${revoked} sessions revoked` : ''}`)
        return 0
      }
      case 'roles': {
        const roles = target.set!.split(',').map((r) => r.trim()).filter((r) => r !== '')
        const { user: updated, revoked } = await admin.updateUser(user.id, { roles })
        io.out(`Roles of ${user.id} <${user.email}>: ${updated.roles.join(', ') || '(none)'}${revoked > 0 ? `; ${revoked} sessions revoked` : ''}`)
        return 0
      }
      case 'delete':
        await admin.deleteUser(user.id)
        io.out(`Deleted ${user.id} <${user.email}> and its sessions`)
        return 0
      case 'revoke':
        io.out(`Revoked ${await admin.endUserSessions(user.id)} sessions of ${user.id} <${user.email}>`)
        return 0
    }
  } catch (err) {
    if (!isAuthError(err)) throw err
    io.err(`${prefix}: ${err.code}: ${err.message}`)
    return err.code === 'VALIDATION_FAILED' ? 2 : 1
  }
}
