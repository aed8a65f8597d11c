// Two-factor login on the profile: turn it on (a fresh sign-in; the QR code and the secret to
// type by hand; a first code confirms it), the recovery codes shown once, and turning it off with
// a code or a recovery code.

import { useEffect, useState } from 'preact/hooks'
import { api, ApiError } from '../api.js'
import { useConsole } from '../context.js'
import { useAction } from '../ui/action.js'
import { Field, formValues, Outcome } from '../ui/parts.js'

interface MfaStatus {
  enabled: boolean
  pending: boolean
  recovery_codes_left: number
  required: boolean
}

interface Enrollment {
  secret: string
  otpauth_uri: string
  qr_svg: string
}

export function MfaSection() {
  const ctx = useConsole()
  const load = useAction()
  const action = useAction()
  const [status, setStatus] = useState<MfaStatus | undefined>()
  const [enrollment, setEnrollment] = useState<Enrollment | undefined>()
  const [codes, setCodes] = useState<string[] | undefined>()
  const [recovery, setRecovery] = useState(false)
  const reload = async () => setStatus(await api<MfaStatus>('GET', '/auth/mfa'))
  useEffect(() => void load.run(reload), [])

  const start = () =>
    action.run(async () => {
      setCodes(undefined)
      setEnrollment(await ctx.fresh(() => api<Enrollment>('POST', '/auth/mfa/totp')))
    })
  const confirm = (e: SubmitEvent) => {
    const code = (formValues(e).code ?? '').trim()
    void action.run(async () => {
      const { recovery_codes } = await api<{ recovery_codes: string[] }>('POST', '/auth/mfa/totp/confirm', { code })
      setEnrollment(undefined)
      setCodes(recovery_codes)
      await reload()
      await ctx.reloadUser()
      return 'Two-factor login is on. Your next sign-in asks for a code.'
    })
  }
  const disable = (e: SubmitEvent) => {
    const form = e.currentTarget as HTMLFormElement
    const { code = '', recovery_code = '' } = formValues(e)
    let tries = 0
    void action.run(async () => {
      await ctx.fresh(async () => {
        tries++
        try {
          return await api('DELETE', '/auth/mfa/totp', recovery ? { recovery_code: recovery_code.trim() } : { code: code.trim() })
        } catch (err) {
          // Signing in again for a fresh token may have spent this very code (a code works once).
          if (tries > 1 && !recovery && err instanceof ApiError && err.code === 'MFA_CODE_INVALID') {
            throw new ApiError(err.status, err.code, 'Signing in again used that code. Wait for the next code from the app and turn it off with that one.')
          }
          throw err
        }
      })
      form.reset()
      setCodes(undefined)
      await reload()
      await ctx.reloadUser()
      return 'Two-factor login is off.'
    })
  }

  return (
    <section class="card" aria-labelledby="mfa-title">
      <h2 id="mfa-title">Two-factor login</h2>
      <Outcome action={load} />
      {status?.required === true && !status.enabled && (
        <p class="error">Your role requires two-factor login: turn it on, then sign in again with a code to use the pages your role opens.</p>
      )}
      {codes !== undefined && (
        <div class="recovery-codes">
          <p>
            <strong>Save these recovery codes now.</strong> Each signs you in once if you lose your phone; they are not shown again.
          </p>
          <ul class="plain codes" aria-label="Recovery codes">
            {codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {status !== undefined && !status.enabled && enrollment === undefined && (
        <div>
          <p>
            Off. With it on, signing in also asks for a code from an authenticator app on your phone.
          </p>
          <button type="button" disabled={action.busy} onClick={() => void start()}>
            Turn on two-factor login
          </button>
        </div>
      )}
      {enrollment !== undefined && (
        <div>
          <p>Scan this QR code with your authenticator app, or type the key in by hand. Then enter the code the app shows.</p>
          {/* The server's own SVG (a QR code drawn by uqr), not user content. */}
          <div class="qr" role="img" aria-label="QR code for your authenticator app" dangerouslySetInnerHTML={{ __html: enrollment.qr_svg }} />
          <p>
            Key: <code class="secret">{enrollment.secret}</code>
          </p>
          <form onSubmit={confirm}>
            <Field form="mfa-confirm" label="Code from the app" name="code" autocomplete="one-time-code" required />
            <div class="buttons">
              <button type="submit" disabled={action.busy}>
                Confirm and turn on
              </button>
              <button type="button" class="secondary" onClick={() => setEnrollment(undefined)}>
                Cancel
              </button>
            </div>
          </form>
        </div>
      )}
      {status?.enabled === true && (
        <div>
          <p>
            <span class="badge">on</span> {status.recovery_codes_left} recovery code{status.recovery_codes_left === 1 ? '' : 's'} left.
          </p>
          <form onSubmit={disable} key={recovery ? 'recovery' : 'code'}>
            {recovery ? (
              <Field form="mfa-off" label="Recovery code" name="recovery_code" autocomplete="off" required />
            ) : (
              <Field form="mfa-off" label="Code from the app" name="code" autocomplete="one-time-code" required hint="Turning it off needs a current code." />
            )}
            <div class="buttons">
              <button type="submit" class="secondary" disabled={action.busy}>
                Turn off two-factor login
              </button>
              <button type="button" class="secondary" onClick={() => setRecovery(!recovery)}>
                {recovery ? 'Use a code from the app' : 'Use a recovery code'}
              </button>
            </div>
          </form>
        </div>
      )}
      <Outcome action={action} />
    </section>
  )
}
