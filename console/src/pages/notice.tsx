// Pages that only explain: the server does not accept cookies (so the console cannot sign in),
// and a path the console does not have.

import { useConsole } from '../context.js'
import { Link, Page } from '../ui/parts.js'

export function CookiesOffPage() {
  const { settings } = useConsole()
  return (
    <Page title="Sign-in is turned off for the console">
      <div class="card" role="note">
        <p>
          The console signs in with HttpOnly cookies, and this server does not accept tokens from cookies: <code>JWT_TOKEN_LOCATION</code> is set
          to <code>{settings.token_location.join(',')}</code>.
        </p>
        <p>
          To use the console, add cookies to it (for example <code>JWT_TOKEN_LOCATION={[...settings.token_location, 'cookies'].join(',')}</code>),
          or leave it unset, and restart the server. To hide the console instead, set <code>CONSOLE=false</code>.
        </p>
        <p>
          The <Link to="/inspect">token inspector</Link> works without signing in.
        </p>
      </div>
    </Page>
  )
}

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <p>
        The console has no page here. Go to the <Link to="/">start page</Link>.
      </p>
    </Page>
  )
}
