// The console's small building blocks: labelled fields, the live regions for errors and
// results, page headings that take focus on arrival, and links that stay in the app.

import type { ComponentChildren } from 'preact'
import { useEffect, useRef } from 'preact/hooks'
import { BASE } from '../router.js'
import { useConsole } from '../context.js'
import type { Action } from './action.js'
import { describe } from './messages.js'

interface FieldProps {
  label: string
  name: string
  type?: 'text' | 'email' | 'password' | 'search'
  value?: string
  autocomplete?: string
  required?: boolean
  hint?: string
  /** Distinguishes two forms' fields of the same name on one page. */
  form?: string
}

export function Field({ label, name, type = 'text', value, autocomplete, required, hint, form = 'f' }: FieldProps) {
  const id = `${form}-${name}`
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={name}
        // Preact types <input> as a union keyed by type; these props fit each of the four.
        type={type as 'text'}
        defaultValue={value}
        autocomplete={autocomplete}
        required={required}
        spellcheck={false}
        aria-describedby={hint === undefined ? undefined : `${id}-hint`}
      />
      {hint !== undefined && (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
    </div>
  )
}

/** The outcome of an action: errors announced at once (alert), results politely (status). */
export function Outcome({ action }: { action: Pick<Action, 'error' | 'done'> }) {
  const { error, done } = action
  return (
    <>
      <div class="outcome" role="alert" aria-atomic="true">
        {error !== undefined && (
          <p class="error">
            <span class="message">{describe(error)}</span> <span class="code">Code: <code>{error.code}</code></span>
          </p>
        )}
      </div>
      <div class="outcome" role="status" aria-atomic="true">
        {done !== undefined && <p class="ok">{done}</p>}
      </div>
    </>
  )
}

/** The page's h1, focused when the page opens so a screen reader starts there. */
export function Page({ title, children }: { title: string; children: ComponentChildren }) {
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    document.title = `${title} · tokenwarden console`
    heading.current?.focus({ preventScroll: true })
  }, [title])
  return (
    <main id="main" class="page">
      <h1 tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children}
    </main>
  )
}

export function Link({ to, children, class: className }: { to: string; children: ComponentChildren; class?: string }) {
  const { go } = useConsole()
  const onClick = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    go(to)
  }
  return (
    <a href={BASE + to} onClick={onClick} class={className}>
      {children}
    </a>
  )
}

/** The fields of a submitted form, by name. */
export function formValues(e: SubmitEvent): Record<string, string> {
  e.preventDefault()
  const data = new FormData(e.currentTarget as HTMLFormElement)
  const out: Record<string, string> = {}
  data.forEach((v, k) => (out[k] = typeof v === 'string' ? v : ''))
  return out
}

export function Redirect({ to }: { to: string }) {
  const { go } = useConsole()
  useEffect(() => go(to, { replace: true }), [to])
  return null
}

/** Newer / Older buttons over a list shown newest first, `perPage` rows at a time from `offset`. */
export function Pager({ offset, perPage, total, onChange }: { offset: number; perPage: number; total: number; onChange: (offset: number) => void }) {
  return (
    <nav class="buttons pager" aria-label="Pages">
      <button type="button" class="secondary" disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - perPage))}>
        Newer
      </button>
      <button type="button" class="secondary" disabled={offset + perPage >= total} onClick={() => onChange(offset + perPage)}>
        Older
      </button>
    </nav>
  )
}
