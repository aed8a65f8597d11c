// The app shell: who is signed in, which page is open, and the session events every page shares
// (renewal failing, a change needing a fresh token).

import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { api, ApiError, SessionEnded, type Settings, type User } from './api.js'
import { ConsoleContext, type Console } from './context.js'
import { Layout } from './layout.js'
import { ActivityPage } from './pages/activity.js'
import { AdminAuditPage } from './pages/admin-audit.js'
import { AdminUserPage } from './pages/admin-user.js'
import { AdminUsersPage } from './pages/admin-users.js'
import { InspectPage } from './pages/inspect.js'
import { ForgotPasswordPage, ResetPasswordPage, VerifyEmailPage } from './pages/links.js'
import { CookiesOffPage, NotFoundPage } from './pages/notice.js'
import { ProfilePage } from './pages/profile.js'
import { RegisterPage } from './pages/register.js'
import { SessionsPage } from './pages/sessions.js'
import { SignInPage } from './pages/sign-in.js'
import { ReauthDialog, type Reauth } from './reauth.js'
import { match, useRoute } from './router.js'
import { Redirect } from './ui/parts.js'

/** Pages that need a signed-in user; the others (sign in, register, inspector) anyone may open. */
const PRIVATE = new Set(['/', '/sessions', '/activity', '/admin', '/admin/audit'])
const isPrivate = (path: string) => PRIVATE.has(path) || match('/admin/users/:id', path) !== undefined

export function App({ settings }: { settings: Settings }) {
  const [path, go] = useRoute()
  // undefined while the first GET /auth/me is on its way.
  const [user, setUser] = useState<User | null | undefined>(settings.cookies ? undefined : null)
  const [notice, setNotice] = useState<string | undefined>()
  const [reauth, setReauth] = useState<Reauth | undefined>()
  const next = useRef('/')

  useEffect(() => {
    if (!settings.cookies) return
    api<User>('GET', '/auth/me').then(setUser, (err: unknown) => {
      setUser(null)
      // No cookie at all is simply signed out; a refresh token that died deserves a word.
      if (err instanceof SessionEnded && err.code !== 'TOKEN_MISSING') setNotice(`Your session has ended (${err.code}). Sign in again.`)
    })
  }, [])

  const ended = useCallback((err: ApiError) => {
    setUser(null)
    setNotice(err.code === 'TOKEN_MISSING' ? 'You are signed out. Sign in to continue.' : `Your session has ended (${err.code}). Sign in again.`)
    go('/sign-in')
  }, [])

  const ctx = useMemo<Console>(
    () => ({
      settings,
      user: user ?? null,
      go,
      signedIn(u) {
        setUser(u)
        setNotice(undefined)
        const to = next.current
        next.current = '/'
        go(to, { replace: true })
      },
      async reloadUser() {
        setUser(await api<User>('GET', '/auth/me'))
      },
      signedOut(message) {
        setUser(null)
        setNotice(message)
        go('/sign-in')
      },
      ended,
      async fresh<T>(action: () => Promise<T>): Promise<T> {
        try {
          return await action()
        } catch (err) {
          if (!(err instanceof ApiError) || err.code !== 'TOKEN_NOT_FRESH') throw err
          await new Promise<void>((resolve, reject) => setReauth({ resolve, reject: () => reject(err) }))
          return await action()
        }
      },
    }),
    [settings, user, ended],
  )

  if (user === undefined) return <p class="loading">Loading…</p>

  let page
  if (!settings.cookies && path !== '/inspect') page = <CookiesOffPage />
  else if (user === null && isPrivate(path)) {
    next.current = path
    page = <Redirect to="/sign-in" />
  } else page = route(path, user)

  return (
    <ConsoleContext.Provider value={ctx}>
      <Layout notice={path === '/sign-in' ? notice : undefined}>{page}</Layout>
      {reauth !== undefined && user !== null && (
        <ReauthDialog
          user={user}
          onDone={() => (setReauth(undefined), reauth.resolve())}
          onCancel={() => (setReauth(undefined), reauth.reject())}
        />
      )}
    </ConsoleContext.Provider>
  )
}

function route(path: string, user: User | null) {
  switch (path) {
    case '/sign-in':
      return user === null ? <SignInPage /> : <Redirect to="/" />
    case '/register':
      return user === null ? <RegisterPage /> : <Redirect to="/" />
    case '/inspect':
      return <InspectPage />
    case '/verify-email':
      return <VerifyEmailPage />
    case '/forgot-password':
      return user === null ? <ForgotPasswordPage /> : <Redirect to="/" />
    case '/reset-password':
      return <ResetPasswordPage />
    case '/':
      return <ProfilePage />
    case '/sessions':
      return <SessionsPage />
    case '/activity':
      return <ActivityPage />
    case '/admin':
      return <AdminUsersPage />
    case '/admin/audit':
      return <AdminAuditPage />
  }
  const params = match('/admin/users/:id', path)
  if (params !== undefined) return <AdminUserPage id={params.id!} />
  return <NotFoundPage />
}
