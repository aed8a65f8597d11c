// The second step of a sign-in with two-factor on: a 6-digit code from the authenticator app, or
// one of the recovery codes. Used by the sign-in page and the password prompt for fresh tokens.

import { useState } from 'preact/hooks'
import { signInWithCode } from '../api.js'
import { useAction } from './action.js'
import { Field, formValues, Outcome } from './parts.js'

export function CodeStep({ mfaToken, onDone, onCancel, form = 'code' }: { mfaToken: string; onDone: () => Promise<void> | void; onCancel: () => void; form?: string }) {
  const action = useAction()
  const [recovery, setRecovery] = useState(false)
  const submit = (e: SubmitEvent) => {
    const { code = '', recovery_code = '' } = formValues(e)
    void action.run(async () => {
      await signInWithCode(mfaToken, recovery ? { recovery_code: recovery_code.trim() } : { code: code.trim() })
      await onDone()
    })
  }
  return (
    <form onSubmit={submit} aria-labelledby={`${form}-title`}>
      <h2 id={`${form}-title`}>Two-factor login</h2>
      {recovery ? (
        <Field form={form} label="Recovery code" name="recovery_code" autocomplete="off" required hint="One of the ten codes you saved when you turned two-factor login on; each works once." />
      ) : (
        <Field form={form} label="Code from your authenticator app" name="code" autocomplete="one-time-code" required hint="The 6-digit code the app shows now." />
      )}
      <Outcome action={action} />
      <div class="buttons">
        <button type="submit" disabled={action.busy}>
          Verify
        </button>
        <button type="button" class="secondary" onClick={() => setRecovery(!recovery)}>
          {recovery ? 'Use a code from the app' : 'Use a recovery code'}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  )
}
