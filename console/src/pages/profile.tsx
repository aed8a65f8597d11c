// The signed-in account: its details, its email address (verified or not, and a new one, proven
// by a link before it replaces the old), a new username, a new password (the address and the
// password need a fresh token: the console asks for the password again when it is not), and
// deleting the account.

import { useState } from 'preact/hooks'
import { api, type User } from '../api.js'
import { useConsole } from '../context.js'
import { when } from '../format.js'
import { useAction } from '../ui/action.js'
import { Field, formValues, Outcome, Page } from '../ui/parts.js'
import { MfaSection } from './profile-mfa.js'

export function ProfilePage() {
  const { user } = useConsole()
  if (user === null) return null
  return (
    <Page title="Your account">
      <section class="card" aria-labelledby="details-title">
        <h2 id="details-title">Details</h2>
        <dl class="facts">
          <dt>Email</dt>
          <dd>
            {user.email} {user.email_verified ? <span class="badge">verified</span> : <span class="badge off">not verified</span>}
          </dd>
          <dt>Username</dt>
          <dd>{user.username ?? <span class="muted">none</span>}</dd>
          <dt>Roles</dt>
          <dd>{user.roles.length === 0 ? <span class="muted">none</span> : user.roles.join(', ')}</dd>
          <dt>Created</dt>
          <dd>{when(user.created_at)}</dd>
        </dl>
      </section>
      <EmailForm user={user} />
      <UsernameForm user={user} />
      <PasswordForm />
      <MfaSection />
      <DeleteAccount />
    </Page>
  )
}

function EmailForm({ user }: { user: User }) {
  const ctx = useConsole()
  const resend = useAction()
  const change = useAction()
  const submit = (e: SubmitEvent) => {
    const form = e.currentTarget as HTMLFormElement
    const email = (formValues(e).email ?? '').trim()
    void change.run(async () => {
      await ctx.fresh(() => api('PATCH', '/auth/me', { email }))
      form.reset()
      return `A link was sent to ${email}. Your address changes when you follow it; until then it stays ${user.email}.`
    })
  }
  return (
    <section class="card" aria-labelledby="email-title">
      <h2 id="email-title">Email address</h2>
      {!user.email_verified && (
        <div>
          <p>{user.email} is not verified yet: follow the link in the message we sent to it.</p>
          <button type="button" class="secondary" disabled={resend.busy} onClick={() => void resend.run(async () => {
            await api('POST', '/auth/email/resend', { email: user.email })
            return `If no link went to ${user.email} in the last minute, a new one is on its way.`
          })}>
            Send the link again
          </button>
          <Outcome action={resend} />
        </div>
      )}
      <form onSubmit={submit}>
        <Field form="email" label="New email address" name="email" type="email" autocomplete="email" required />
        <Outcome action={change} />
        <button type="submit" disabled={change.busy}>
          Change email
        </button>
      </form>
    </section>
  )
}

function UsernameForm({ user }: { user: User }) {
  const ctx = useConsole()
  const action = useAction()
  const submit = (e: SubmitEvent) => {
    const username = (formValues(e).username ?? '').trim()
    void action.run(async () => {
      await api('PATCH', '/auth/me', { username: username === '' ? null : username })
      await ctx.reloadUser()
      return username === '' ? 'Username removed.' : `Username changed to ${username}.`
    })
  }
  return (
    <section class="card" aria-labelledby="username-title">
      <h2 id="username-title">Username</h2>
      <form onSubmit={submit}>
        <Field form="username" label="New username" name="username" value={user.username ?? ''} autocomplete="username" hint="Leave it empty to remove it; you can always sign in with your email." />
        <Outcome action={action} />
        <button type="submit" disabled={action.busy}>
          Save username
        </button>
      </form>
    </section>
  )
}

function PasswordForm() {
  const ctx = useConsole()
  const action = useAction()
  const submit = (e: SubmitEvent) => {
    const form = e.currentTarget as HTMLFormElement
    const { current_password = '', new_password = '' } = formValues(e)
    void action.run(async () => {
      await ctx.fresh(() => api('PUT', '/auth/me/password', { current_password, new_password }))
      form.reset()
      return 'Password changed. Every other session of this account was signed out.'
    })
  }
  return (
    <section class="card" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <form onSubmit={submit}>
        <Field form="password" label="Current password" name="current_password" type="password" autocomplete="current-password" required />
        <Field form="password" label="New password" name="new_password" type="password" autocomplete="new-password" required />
        <Outcome action={action} />
        <button type="submit" disabled={action.busy}>
          Change password
        </button>
      </form>
    </section>
  )
}

function DeleteAccount() {
  const ctx = useConsole()
  const action = useAction()
  const [asking, setAsking] = useState(false)
  const submit = (e: SubmitEvent) => {
    const { password = '' } = formValues(e)
    void action.run(async () => {
      await ctx.fresh(() => api('DELETE', '/auth/me', { password }))
      ctx.signedOut('Your account was deleted.')
    })
  }
  return (
    <section class="card danger" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete account</h2>
      {!asking ? (
        <button type="button" class="danger" onClick={() => setAsking(true)}>
          Delete my account…
        </button>
      ) : (
        <form onSubmit={submit}>
          <p>This deletes the account and signs out every device. It cannot be undone.</p>
          <Field form="delete" label="Password" name="password" type="password" autocomplete="current-password" required />
          <Outcome action={action} />
          <div class="buttons">
            <button type="submit" class="danger" disabled={action.busy}>
              Delete my account for good
            </button>
            <button type="button" class="secondary" onClick={() => setAsking(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  )
}
