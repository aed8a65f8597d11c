// Sign in with an email or a username: the server answers with HttpOnly token cookies and the
// readable CSRF cookies (POST /auth/login?cookies=true); the page never sees a token. An account
// with two-factor login on answers with an mfa_token instead: the code step follows.

import { useState } from 'preact/hooks'
import { api, publicApi, signIn, type User } from '../api.js'
import { useConsole } from '../context.js'
import { useAction } from '../ui/action.js'
import { CodeStep } from '../ui/code-step.js'
import { Field, formValues, Link, Outcome, Page } from '../ui/parts.js'

/** After EMAIL_NOT_VERIFIED: a new link to the address (the answer is the same for any address). */
function ResendVerification() {
  const action = useAction()
  const submit = (e: SubmitEvent) => {
    const { email = '' } = formValues(e)
    void action.run(async () => {
      await publicApi('POST', '/auth/email/resend', { email: email.trim() })
      return 'If this address has an account waiting for verification, a new link is on its way.'
    })
  }
  return (
    <form class="card narrow" onSubmit={submit}>
      <Field label="Email to send the link to" name="email" type="email" autocomplete="email" required form="resend" />
      <button type="submit" disabled={action.busy}>
        Send the link again
      </button>
      <Outcome action={action} />
    </form>
  )
}

export function SignInPage() {
  const ctx = useConsole()
  const action = useAction()
  const [mfaToken, setMfaToken] = useState<string | undefined>()
  const finish = async (enroll: boolean) => {
    ctx.signedIn(await api<User>('GET', '/auth/me'))
    // MFA_REQUIRED_ROLES: the profile is where two-factor login is turned on.
    if (enroll) ctx.go('/')
  }
  const submit = (e: SubmitEvent) => {
    const { identifier, password } = formValues(e)
    void action.run(async () => {
      const answer = await signIn(identifier ?? '', password ?? '')
      if (answer.mfa_required === true && answer.mfa_token !== undefined) return setMfaToken(answer.mfa_token)
      await finish(answer.mfa_enrollment_required === true)
    })
  }
  if (mfaToken !== undefined) {
    return (
      <Page title="Sign in">
        <div class="card narrow">
          <CodeStep mfaToken={mfaToken} onDone={() => finish(false)} onCancel={() => setMfaToken(undefined)} />
        </div>
      </Page>
    )
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
        No account yet? <Link to="/register">Register</Link> · <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      {action.error?.code === 'EMAIL_NOT_VERIFIED' && <ResendVerification />}
    </Page>
  )
}
