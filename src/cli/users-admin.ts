// `tokenwarden users disable | enable | set-roles | delete | revoke | reset-mfa`: the admin API's account changes
// from the command line, through the same admin service, so each is recorded with its auth event
// and every running server refuses the affected tokens within its bound (docs/scaling.md).
// The last-administrator rule applies here too; `users create --admin` is the way back in, and
// `reset-mfa` for an admin who lost the authenticator and the recovery codes.
// `delete` cannot be undone: it asks on a terminal, and elsewhere needs --yes.

import type { User } from '../core/accounts/user.js'
import type { Auth } from '../core/auth.js'
import type { AuditSource } from '../core/audit/types.js'
import { isAuthError } from '../core/errors.js'

/** How the audit log records an operator's change: no actor (no account signed in), `via: 'cli'`. */
export const CLI_SOURCE: AuditSource = Object.freeze({ via: 'cli' })

export const ADMIN_COMMANDS = ['disable', 'enable', 'set-roles', 'delete', 'revoke', 'reset-mfa'] as const
export type AdminCommand = (typeof ADMIN_COMMANDS)[number]

export const ADMIN_DESCRIPTIONS: Record<AdminCommand, string> = {
  disable: 'disable an account: it cannot log in, and its sessions end',
  enable: 'enable a disabled account',
  'set-roles': 'replace the account\'s roles (the complete new list); removing a role ends its sessions',
  delete: 'delete an account and its sessions (asks first on a terminal; --yes elsewhere)',
  revoke: 'end every session of the account; running servers refuse its tokens within their bound',
  'reset-mfa': 'remove the account\'s two-factor login (a lost authenticator) and end its sessions',
}

export interface AdminTarget {
  /** The email (an argument or --email) or --id names the account. */
  email: string | undefined
  id: string | undefined
  /** `set-roles EMAIL a,b` or `--set a,b`: the complete new role list. */
  set: string | undefined
  /** delete: --yes, no question asked. */
  yes?: boolean
  /** The email given both as an argument and as --email. */
  both?: boolean
}

/** How `delete` asks; absent when there is no terminal to ask on. */
export interface AdminIo {
  out(line: string): void
  err(line: string): void
  confirm?(question: string): Promise<boolean>
}

/**
 * Applies one account change; returns the exit code (0 done, 1 refused, 2 usage).
 *
 * @example
 * await adminCommand(auth, 'disable', { email: 'ada@example.com', id: undefined, set: undefined }, io)
 */
export async function adminCommand(auth: Auth, command: AdminCommand, target: AdminTarget, io: AdminIo): Promise<number> {
  const prefix = `tokenwarden users ${command}`
  if (target.both === true || (target.email === undefined) === (target.id === undefined)) {
    io.err(`${prefix}: name the account once: its email (an argument or --email) or --id`)
    return 2
  }
  if (command === 'set-roles' && target.set === undefined) {
    io.err(`${prefix}: give the complete new role list: set-roles EMAIL ROLE[,ROLE...] or --set ROLE[,ROLE...] (--set '' removes every role)`)
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
        const { revoked } = await admin.updateUser(user.id, { disabled: command === 'disable' }, CLI_SOURCE)
        io.out(`${command === 'disable' ? 'Disabled' : 'Enabled'} ${user.id} <${user.email}>${revoked > 0 ? `; ${revoked} sessions revoked` : ''}`)
        return 0
      }
      case 'set-roles': {
        const roles = target.set!.split(',').map((r) => r.trim()).filter((r) => r !== '')
        const { user: updated, revoked } = await admin.updateUser(user.id, { roles }, CLI_SOURCE)
        io.out(`Roles of ${user.id} <${user.email}>: ${updated.roles.join(', ') || '(none)'}${revoked > 0 ? `; ${revoked} sessions revoked` : ''}`)
        return 0
      }
      case 'delete':
        if (target.yes !== true) {
          if (io.confirm === undefined) {
            io.err(`${prefix}: not on a terminal: add --yes to delete ${user.id} <${user.email}> and its sessions`)
            return 2
          }
          if (!(await io.confirm(`Delete ${user.id} <${user.email}> and end its sessions? This cannot be undone.`))) {
            io.err(`${prefix}: not deleted`)
            return 1
          }
        }
        await admin.deleteUser(user.id, CLI_SOURCE)
        io.out(`Deleted ${user.id} <${user.email}> and its sessions`)
        return 0
      case 'revoke':
        io.out(`Revoked ${await admin.endUserSessions(user.id, CLI_SOURCE)} sessions of ${user.id} <${user.email}>`)
        return 0
      case 'reset-mfa': {
        const { revoked } = await admin.resetMfa(user.id, CLI_SOURCE)
        io.out(`Reset the two-factor login of ${user.id} <${user.email}>; ${revoked} sessions revoked`)
        return 0
      }
    }
  } catch (err) {
    if (!isAuthError(err)) throw err
    io.err(`${prefix}: ${err.code}: ${err.message}`)
    return err.code === 'VALIDATION_FAILED' ? 2 : 1
  }
}
