// The frame of every page: a skip link, the navigation (what this user may open) and sign out.

import type { ComponentChildren } from 'preact'
import { api } from './api.js'
import { useConsole } from './context.js'
import { useAction } from './ui/action.js'
import { Link, Outcome } from './ui/parts.js'

export function Layout({ notice, children }: { notice: string | undefined; children: ComponentChildren }) {
  const { user } = useConsole()
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link to="/" class="brand">
          tokenwarden <span>console</span>
        </Link>
        <nav aria-label="Console">
          {user === null ? (
            <ul>
              <li><Link to="/sign-in">Sign in</Link></li>
              <li><Link to="/register">Register</Link></li>
              <li><Link to="/inspect">Token inspector</Link></li>
            </ul>
          ) : (
            <ul>
              <li><Link to="/">Profile</Link></li>
              <li><Link to="/sessions">Sessions</Link></li>
              <li><Link to="/activity">Activity</Link></li>
              <li><Link to="/inspect">Token inspector</Link></li>
              {user.roles.includes('admin') && <li><Link to="/admin">Admin</Link></li>}
              {user.roles.includes('admin') && <li><Link to="/admin/audit">Audit log</Link></li>}
              <li><SignOutButton /></li>
            </ul>
          )}
        </nav>
      </header>
      <div class="notice-region" role="status" aria-atomic="true">
        {notice !== undefined && <p class="notice">{notice}</p>}
      </div>
      {children}
    </>
  )
}

function SignOutButton() {
  const ctx = useConsole()
  const action = useAction()
  const out = () => action.run(async () => {
    await api('POST', '/auth/logout?scope=local')
    ctx.signedOut('You are signed out.')
  })
  return (
    <>
      <button type="button" class="link" onClick={out} disabled={action.busy}>
        Sign out
      </button>
      {action.error !== undefined && <Outcome action={action} />}
    </>
  )
}
