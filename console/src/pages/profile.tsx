// The signed-in account: its details, a new username, a new password (needs a fresh token: the
// console asks for the password again when it is not), and deleting the account.

import { useState } from 'preact/hooks'
import { api, type User } from '../api.js'
import { useConsole } from '../context.js'
import { when } from '../format.js'
import { useAction } from '../ui/action.js'
import { Field, formValues, Outcome, Page } from '../ui/parts.js'

export function ProfilePage() {
  const { user } = useConsole()
  if (user === null) return null
  return (
    <Page title="Your account">
      <section class="card" aria-labelledby="details-title">
        <h2 id="details-title">Details</h2>
        <dl class="facts">
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Username</dt>
          <dd>{user.username ?? <span class="muted">none</span>}</dd>
          <dt>Roles</dt>
          <dd>{user.roles.length === 0 ? <span class="muted">none</span> : user.roles.join(', ')}</dd>
          <dt>Created</dt>
          <dd>{when(user.created_at)}</dd>
        </dl>
      </section>
      <UsernameForm user={user} />
      <PasswordForm />
      <DeleteAccount />
    </Page>
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
