// Create an account (POST /auth/register), then sign in with it.

import { api, publicApi, signIn, type User } from '../api.js'
import { useConsole } from '../context.js'
import { useAction } from '../ui/action.js'
import { Field, formValues, Link, Outcome, Page } from '../ui/parts.js'

export function RegisterPage() {
  const ctx = useConsole()
  const action = useAction()
  const submit = (e: SubmitEvent) => {
    const { email = '', username = '', password = '' } = formValues(e)
    void action.run(async () => {
      await publicApi('POST', '/auth/register', { email: email.trim(), password, ...(username.trim() === '' ? {} : { username: username.trim() }) })
      await signIn(email, password)
      ctx.signedIn(await api<User>('GET', '/auth/me'))
    })
  }
  return (
    <Page title="Register">
      <form class="card narrow" onSubmit={submit}>
        <Field label="Email" name="email" type="email" autocomplete="email" required />
        <Field label="Username (optional)" name="username" autocomplete="username" />
        <Field label="Password" name="password" type="password" autocomplete="new-password" required hint="A long passphrase is best; common passwords are refused." />
        <Outcome action={action} />
        <button type="submit" disabled={action.busy}>
          Create account
        </button>
      </form>
      <p>
        Already registered? <Link to="/sign-in">Sign in</Link>
      </p>
    </Page>
  )
}
