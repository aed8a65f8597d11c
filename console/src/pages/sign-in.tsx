// Sign in with an email or a username: the server answers with HttpOnly token cookies and the
// readable CSRF cookies (POST /auth/login?cookies=true); the page never sees a token.

import { api, signIn, type User } from '../api.js'
import { useConsole } from '../context.js'
import { useAction } from '../ui/action.js'
import { Field, formValues, Link, Outcome, Page } from '../ui/parts.js'

export function SignInPage() {
  const ctx = useConsole()
  const action = useAction()
  const submit = (e: SubmitEvent) => {
    const { identifier, password } = formValues(e)
    void action.run(async () => {
      await signIn(identifier ?? '', password ?? '')
      ctx.signedIn(await api<User>('GET', '/auth/me'))
    })
  }
  return (
    <Page title="Sign in">
      <form class="card narrow" onSubmit={submit}>
        <Field label="Email or username" name="identifier" autocomplete="username" required />
        <Field label="Password" name="password" type="password" autocomplete="current-password" required />
        <Outcome action={action} />
        <button type="submit" disabled={action.busy}>
          Sign in
        </button>
      </form>
      <p>
        No account yet? <Link to="/register">Register</Link>
      </p>
    </Page>
  )
}
