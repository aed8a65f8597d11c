// The pages a mailed link opens, and the one that asks for a reset link. A link carries its
// single-use token in the URL's fragment (#token=...), which the browser never sends to a
// server; the page reads it, removes it from the address bar and history at once, and posts it.
// The code can also be pasted, for a message read on another device.

import { useEffect, useState } from 'preact/hooks'
import { publicApi, type User } from '../api.js'
import { useConsole } from '../context.js'
import { useAction } from '../ui/action.js'
import { Field, formValues, Link, Outcome, Page } from '../ui/parts.js'

/** The token in the fragment, taken out of the address bar (and so out of history and bookmarks). */
function takeFragmentToken(): string | undefined {
  const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? undefined
  if (location.hash !== '') history.replaceState(history.state, '', location.pathname + location.search)
  return token
}

export function VerifyEmailPage() {
  const ctx = useConsole()
  const action = useAction()
  const [token] = useState(takeFragmentToken)
  const [verified, setVerified] = useState<User | undefined>()
  const verify = (value: string) =>
    action.run(async () => {
      const user = await publicApi<User>('POST', '/auth/email/verify', { token: value.trim() })
      setVerified(user)
      if (ctx.user !== null) await ctx.reloadUser()
      return `${user.email} is verified.`
    })
  // A link opened: post its token once, without a click.
  useEffect(() => {
    if (token !== undefined) void verify(token)
  }, [])
  const submit = (e: SubmitEvent) => void verify(formValues(e).code ?? '')
  return (
    <Page title="Verify your email address">
      {verified === undefined && (
        <form class="card narrow" onSubmit={submit}>
          <Field label="Code from the message" name="code" autocomplete="one-time-code" required value={token} />
          <button type="submit" disabled={action.busy}>
            Verify
          </button>
        </form>
      )}
      <Outcome action={action} />
      <p>{ctx.user === null ? <Link to="/sign-in">Sign in</Link> : <Link to="/">Your profile</Link>}</p>
    </Page>
  )
}

export function ForgotPasswordPage() {
  const action = useAction()
  const submit = (e: SubmitEvent) => {
    const { email = '' } = formValues(e)
    void action.run(async () => {
      await publicApi('POST', '/auth/password/forgot', { email: email.trim() })
      return 'If an account has this address, a link to choose a new password is on its way. It works for a short while, once.'
    })
  }
  return (
    <Page title="Forgot your password?">
      <form class="card narrow" onSubmit={submit}>
        <Field label="Email" name="email" type="email" autocomplete="email" required />
        <button type="submit" disabled={action.busy}>
          Send me a link
        </button>
        <Outcome action={action} />
      </form>
      <p>
        <Link to="/sign-in">Back to sign in</Link>
      </p>
    </Page>
  )
}

export function ResetPasswordPage() {
  const action = useAction()
  const [token] = useState(takeFragmentToken)
  const [done, setDone] = useState(false)
  const submit = (e: SubmitEvent) => {
    const { code = '', new_password = '' } = formValues(e)
    void action.run(async () => {
      await publicApi('POST', '/auth/password/reset', { token: code.trim(), new_password })
      setDone(true)
      return 'Your password is changed, and every session of the account was signed out. Sign in with the new password.'
    })
  }
  return (
    <Page title="Choose a new password">
      {!done && (
        <form class="card narrow" onSubmit={submit}>
          <Field label="Code from the message" name="code" autocomplete="one-time-code" required value={token} />
          <Field label="New password" name="new_password" type="password" autocomplete="new-password" required hint="A long passphrase is best; common passwords are refused." />
          <button type="submit" disabled={action.busy}>
            Set the new password
          </button>
        </form>
      )}
      <Outcome action={action} />
      <p>
        {done ? <Link to="/sign-in">Sign in</Link> : <Link to="/forgot-password">Ask for a new link</Link>}
      </p>
    </Page>
  )
}
