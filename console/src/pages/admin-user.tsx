// Admin: one user. Change roles, disable or enable, delete, see and end their sessions. The
// last-admin rule (LAST_ADMIN) is the server's; its refusal is shown in words.

import { useEffect, useState } from 'preact/hooks'
import { api, type AdminUser, type Session } from '../api.js'
import { useConsole } from '../context.js'
import { device, when } from '../format.js'
import { useAction } from '../ui/action.js'
import { Field, formValues, Link, Outcome, Page } from '../ui/parts.js'

export function AdminUserPage({ id }: { id: string }) {
  const ctx = useConsole()
  const load = useAction()
  const change = useAction()
  const [user, setUser] = useState<AdminUser | undefined>()
  const [sessions, setSessions] = useState<Session[]>([])
  const [deleting, setDeleting] = useState(false)
  const [resetting, setResetting] = useState(false)
  const path = `/admin/users/${encodeURIComponent(id)}`
  const reload = async () => {
    const [u, s] = await Promise.all([api<AdminUser>('GET', path), api<{ sessions: Session[] }>('GET', `${path}/sessions`)])
    setUser(u)
    setSessions(s.sessions)
  }
  useEffect(() => void load.run(reload), [id])

  /** A change to the signed-in admin's own account may take their role away: read it again. */
  const patch = (body: { roles?: string[]; disabled?: boolean }, done: string) =>
    change.run(async () => {
      await api('PATCH', path, body)
      if (id === ctx.user?.id) await ctx.reloadUser()
      await reload()
      return done
    })
  const saveRoles = (e: SubmitEvent) => {
    const roles = (formValues(e).roles ?? '').split(',').map((r) => r.trim()).filter((r) => r !== '')
    void patch({ roles }, `Roles saved: ${roles.length === 0 ? 'none' : roles.join(', ')}.`)
  }
  const endSessions = () =>
    change.run(async () => {
      const { revoked } = await api<{ revoked: number }>('DELETE', `${path}/sessions`)
      await reload()
      return `${revoked} session${revoked === 1 ? '' : 's'} revoked.`
    })
  const endSession = (s: Session) =>
    change.run(async () => {
      await api('DELETE', `${path}/sessions/${encodeURIComponent(s.id)}`)
      await reload()
      return `Session on ${device(s.user_agent)} revoked.`
    })
  const resetMfa = () =>
    change.run(async () => {
      setResetting(false)
      const { revoked } = await api<{ revoked: number }>('DELETE', `${path}/mfa`)
      if (id === ctx.user?.id) return ctx.signedOut('Your two-factor login was reset and your sessions ended; sign in again.')
      await reload()
      return `Two-factor login reset; ${revoked} session${revoked === 1 ? '' : 's'} ended.`
    })
  const remove = () =>
    change.run(async () => {
      await api('DELETE', path)
      if (id === ctx.user?.id) return ctx.signedOut('Your account was deleted.')
      ctx.go('/admin')
    })

  return (
    <Page title={user === undefined ? 'User' : user.email}>
      <p>
        <Link to="/admin">← All users</Link>
      </p>
      <Outcome action={load} />
      <Outcome action={change} />
      {user !== undefined && (
        <>
          <section class="card" aria-labelledby="account-title">
            <h2 id="account-title">Account</h2>
            <dl class="facts">
              <dt>Email</dt>
              <dd>{user.email}</dd>
              <dt>Username</dt>
              <dd>{user.username ?? <span class="muted">none</span>}</dd>
              <dt>Email verified</dt>
              <dd>{user.email_verified ? 'yes' : 'no'}</dd>
              <dt>Status</dt>
              <dd>{user.disabled ? 'disabled' : 'enabled'}</dd>
              <dt>Two-factor login</dt>
              <dd>{user.mfa_enabled === true ? 'on' : 'off'}</dd>
              <dt>Created</dt>
              <dd>{when(user.created_at)}</dd>
              <dt>Updated</dt>
              <dd>{when(user.updated_at)}</dd>
            </dl>
            <div class="buttons">
              <button type="button" class="secondary" disabled={change.busy} onClick={() => patch({ disabled: !user.disabled }, user.disabled ? 'Account enabled.' : 'Account disabled; its sessions were revoked.')}>
                {user.disabled ? 'Enable account' : 'Disable account'}
              </button>
              {user.mfa_enabled === true && !resetting && (
                <button type="button" class="secondary" disabled={change.busy} onClick={() => setResetting(true)}>
                  Reset two-factor login…
                </button>
              )}
            </div>
            {resetting && (
              <div>
                <p>Remove the two-factor login of {user.email} (for a lost phone) and end every session? They sign in with the password alone and can turn it on again.</p>
                <div class="buttons">
                  <button type="button" class="danger" disabled={change.busy} onClick={() => void resetMfa()}>
                    Reset two-factor login
                  </button>
                  <button type="button" class="secondary" onClick={() => setResetting(false)}>
                    Cancel
                  </button>
                </div>
              </div>
            )}
          </section>
          <section class="card" aria-labelledby="roles-title">
            <h2 id="roles-title">Roles</h2>
            <form onSubmit={saveRoles} key={user.roles.join(',')}>
              <Field form="roles" label="Roles, comma separated" name="roles" value={user.roles.join(', ')} hint="admin opens this page; other roles are your API's own." />
              <button type="submit" disabled={change.busy}>
                Save roles
              </button>
            </form>
          </section>
          <section class="card" aria-labelledby="user-sessions-title">
            <h2 id="user-sessions-title">Sessions</h2>
            {sessions.length === 0 ? (
              <p class="muted">No live sessions.</p>
            ) : (
              <ul class="plain" aria-label="Their live sessions">
                {sessions.map((s) => (
                  <li key={s.id}>
                    <strong>{device(s.user_agent)}</strong> {s.current && <span class="badge">This device</span>} · {s.ip ?? 'unknown IP'} · last used {when(s.last_used_at)}{' '}
                    <button type="button" class="secondary small" disabled={change.busy} onClick={() => void endSession(s)} aria-label={`Revoke the session on ${device(s.user_agent)}, last used ${when(s.last_used_at)}`}>
                      Revoke
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <button type="button" class="secondary" disabled={change.busy || sessions.length === 0} onClick={endSessions}>
              Revoke all their sessions
            </button>
          </section>
          <section class="card danger" aria-labelledby="remove-title">
            <h2 id="remove-title">Delete user</h2>
            {!deleting ? (
              <button type="button" class="danger" onClick={() => setDeleting(true)}>
                Delete this user…
              </button>
            ) : (
              <>
                <p>Delete {user.email} and end every session? This cannot be undone.</p>
                <div class="buttons">
                  <button type="button" class="danger" disabled={change.busy} onClick={remove}>
                    Delete {user.email} for good
                  </button>
                  <button type="button" class="secondary" onClick={() => setDeleting(false)}>
                    Cancel
                  </button>
                </div>
              </>
            )}
          </section>
        </>
      )}
    </Page>
  )
}
