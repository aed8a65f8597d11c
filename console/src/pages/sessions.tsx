// This account's live sessions (one per sign-in: device, IP, last used), revoking one, and
// signing out this device, every device, or every other device.

import { useEffect, useState } from 'preact/hooks'
import { api, type Session } from '../api.js'
import { useConsole } from '../context.js'
import { device, when } from '../format.js'
import { useAction } from '../ui/action.js'
import { Outcome, Page } from '../ui/parts.js'

export function SessionsPage() {
  const ctx = useConsole()
  const [sessions, setSessions] = useState<Session[] | undefined>()
  const load = useAction()
  const change = useAction()
  const reload = () => api<{ sessions: Session[] }>('GET', '/auth/sessions').then((r) => setSessions(r.sessions))
  useEffect(() => void load.run(reload), [])

  const revoke = (s: Session) =>
    change.run(async () => {
      await api('DELETE', `/auth/sessions/${encodeURIComponent(s.id)}`)
      await reload()
      return `Signed out ${device(s.user_agent)}${s.ip === null ? '' : ` (${s.ip})`}.`
    })
  const logout = (scope: 'local' | 'global') =>
    change.run(async () => {
      await api('POST', `/auth/logout?scope=${scope}`)
      ctx.signedOut(scope === 'global' ? 'You are signed out on every device.' : 'You are signed out.')
    })
  // One DELETE per other session rather than POST /auth/logout?scope=others: that route clears
  // the token cookies of whoever calls it, whatever the scope, which would sign this browser out too.
  const logoutOthers = () =>
    change.run(async () => {
      const { sessions: live } = await api<{ sessions: Session[] }>('GET', '/auth/sessions')
      for (const s of live.filter((s) => !s.current)) await api('DELETE', `/auth/sessions/${encodeURIComponent(s.id)}`)
      await reload()
      return 'Every other device was signed out.'
    })

  return (
    <Page title="Sessions">
      <p>Each sign-in is a session. Revoke one you do not recognise: that device is signed out at once.</p>
      <Outcome action={load} />
      <Outcome action={change} />
      {sessions !== undefined && (
        <ul class="cards" aria-label="Live sessions">
          {sessions.map((s) => (
            <li class="card session" key={s.id}>
              <h2>
                {device(s.user_agent)} {s.current && <span class="badge">This device</span>}
              </h2>
              <dl class="facts">
                <dt>IP address</dt>
                <dd>{s.ip ?? 'unknown'}</dd>
                <dt>Last used</dt>
                <dd>{when(s.last_used_at)}</dd>
                <dt>Signed in</dt>
                <dd>{when(s.created_at)}</dd>
                <dt>Expires</dt>
                <dd>{when(s.expires_at)}</dd>
              </dl>
              {s.current ? (
                <button type="button" class="secondary" onClick={() => logout('local')} disabled={change.busy}>
                  Sign out this device
                </button>
              ) : (
                <button type="button" class="secondary" onClick={() => revoke(s)} disabled={change.busy} aria-label={`Revoke ${device(s.user_agent)}, last used ${when(s.last_used_at)}`}>
                  Revoke
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <section class="card" aria-labelledby="signout-title">
        <h2 id="signout-title">Sign out</h2>
        <div class="buttons">
          <button type="button" class="secondary" onClick={() => logout('local')} disabled={change.busy}>
            Sign out this device
          </button>
          <button type="button" class="secondary" onClick={logoutOthers} disabled={change.busy}>
            Sign out all other devices
          </button>
          <button type="button" class="danger" onClick={() => logout('global')} disabled={change.busy}>
            Sign out all devices
          </button>
        </div>
      </section>
    </Page>
  )
}
