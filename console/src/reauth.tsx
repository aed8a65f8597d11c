// The password prompt for a change that needs a fresh token (TOKEN_NOT_FRESH): a modal dialog
// that signs in again with the user's email, which gives a fresh token (and ends the session it
// replaces), then lets the change run.

import { useEffect, useRef, useState } from 'preact/hooks'
import { api, signIn, type Session, type User } from './api.js'
import { useAction } from './ui/action.js'
import { CodeStep } from './ui/code-step.js'
import { Field, formValues, Outcome } from './ui/parts.js'

export interface Reauth {
  resolve(): void
  reject(): void
}

export function ReauthDialog({ user, onDone, onCancel }: { user: User; onDone: () => void; onCancel: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null)
  const action = useAction()
  // Two-factor on: the password step gives a token for the code step, then the old session goes.
  const [second, setSecond] = useState<{ mfaToken: string; replaced: string | undefined } | undefined>()
  const endReplaced = async (replaced: string | undefined) => {
    if (replaced !== undefined) await api('DELETE', `/auth/sessions/${encodeURIComponent(replaced)}`).catch(() => undefined)
  }
  useEffect(() => {
    const d = dialog.current!
    d.showModal()
    return () => d.close()
  }, [])

  const submit = (e: SubmitEvent) => {
    const { password } = formValues(e)
    void action.run(async () => {
      // The new sign-in is a new session; the one it replaces is ended, so the list does not grow.
      const replaced = await api<{ sessions: Session[] }>('GET', '/auth/sessions').then(
        (r) => r.sessions.find((s) => s.current)?.id,
        () => undefined,
      )
      const answer = await signIn(user.email, password ?? '')
      if (answer.mfa_required === true && answer.mfa_token !== undefined) return setSecond({ mfaToken: answer.mfa_token, replaced })
      await endReplaced(replaced)
      onDone()
    })
  }

  return (
    <dialog ref={dialog} class="reauth" aria-labelledby={second === undefined ? 'reauth-title' : 'reauth-code-title'} aria-describedby={second === undefined ? 'reauth-why' : undefined} onCancel={(e) => (e.preventDefault(), onCancel())}>
      {second !== undefined ? (
        <CodeStep form="reauth-code" mfaToken={second.mfaToken} onDone={async () => (await endReplaced(second.replaced), onDone())} onCancel={onCancel} />
      ) : (
      <form onSubmit={submit}>
        <h2 id="reauth-title">Confirm your password</h2>
        <p id="reauth-why">
          This change needs a recent sign-in. Enter the password of <strong>{user.email}</strong> to continue.
        </p>
        <Field form="reauth" label="Password" name="password" type="password" autocomplete="current-password" required />
        <Outcome action={action} />
        <div class="buttons">
          <button type="submit" disabled={action.busy}>
            Confirm
          </button>
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
      )}
    </dialog>
  )
}
