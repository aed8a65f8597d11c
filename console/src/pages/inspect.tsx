// The token inspector: a pasted JWT decoded (header, claims, times in human words) and whether
// this server accepts it, with the code it would refuse it with. The token goes to the server in
// a POST body only (POST /auth/token/inspect), never in a URL, and is not kept by the page.

import { useState } from 'preact/hooks'
import { publicApi } from '../api.js'
import { numericDate } from '../format.js'
import { useAction } from '../ui/action.js'
import { Outcome, Page } from '../ui/parts.js'

interface Inspection {
  header: Record<string, unknown> | null
  claims: Record<string, unknown> | null
  accepted: boolean
  code: string | null
  message: string | null
  session_live: boolean | null
}

const TIMES: [string, string][] = [
  ['exp', 'Expires'],
  ['iat', 'Issued'],
  ['nbf', 'Not before'],
]

export function InspectPage() {
  const action = useAction()
  const [result, setResult] = useState<Inspection | undefined>()
  const submit = (e: SubmitEvent) => {
    e.preventDefault()
    const token = ((e.currentTarget as HTMLFormElement).elements.namedItem('token') as HTMLTextAreaElement).value.trim()
    setResult(undefined)
    void action.run(async () => setResult(await publicApi<Inspection>('POST', '/auth/token/inspect', { token })))
  }
  return (
    <Page title="Token inspector">
      <form class="card" onSubmit={submit}>
        <div class="field">
          <label for="token">Token (JWT)</label>
          <textarea id="token" name="token" rows={5} required spellcheck={false} autocomplete="off" aria-describedby="token-hint" />
          <p id="token-hint" class="hint">
            Sent to this server in the request body only, to check it; never logged, stored or shown back.
          </p>
        </div>
        <Outcome action={action} />
        <div class="buttons">
          <button type="submit" disabled={action.busy}>
            Inspect
          </button>
          <button type="reset" class="secondary" onClick={() => setResult(undefined)}>
            Clear
          </button>
        </div>
      </form>
      {result !== undefined && <Verdict result={result} />}
    </Page>
  )
}

function Verdict({ result }: { result: Inspection }) {
  const claims = result.claims ?? {}
  return (
    <section class="card" aria-labelledby="verdict-title" aria-live="polite">
      <h2 id="verdict-title">{result.accepted ? 'This server accepts this token' : 'This server refuses this token'}</h2>
      <p class={result.accepted ? 'ok verdict' : 'error verdict'}>
        {result.accepted ? (
          'Accepted: a request carrying it would be let in now.'
        ) : (
          <>
            <span class="message">{result.message}</span> <span class="code">Code: <code>{result.code}</code></span>
          </>
        )}
      </p>
      <dl class="facts">
        {TIMES.map(([claim, label]) => {
          const text = numericDate(claims[claim])
          return text === undefined ? null : [<dt key={`${claim}t`}>{label}</dt>, <dd key={`${claim}d`}>{text}</dd>]
        })}
        <dt>Session</dt>
        <dd>{result.session_live === null ? 'not checked' : result.session_live ? 'live' : 'ended'}</dd>
      </dl>
      {result.header === null ? (
        <p>This is not a JWT: it should be three base64url parts separated by dots.</p>
      ) : (
        <>
          <h3>Header</h3>
          <pre class="json" tabIndex={0} aria-label="Header, decoded">{JSON.stringify(result.header, null, 2)}</pre>
          <h3>Claims</h3>
          <pre class="json" tabIndex={0} aria-label="Claims, decoded">{JSON.stringify(result.claims, null, 2)}</pre>
        </>
      )}
    </section>
  )
}
