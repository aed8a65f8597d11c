// Admin: the audit log (GET /admin/audit) with its filters (a user's email or id, an event, a
// date range) and paging. A bad filter is the server's VALIDATION_FAILED, shown in words.

import { useEffect, useState } from 'preact/hooks'
import { api, type AuditRecord } from '../api.js'
import { EVENT_WORDS, eventWords } from '../audit-words.js'
import { device, when } from '../format.js'
import { useAction } from '../ui/action.js'
import { Field, formValues, Link, Outcome, Page, Pager } from '../ui/parts.js'

const PER_PAGE = 20

interface Filters {
  user: string
  event: string
  from: string
  to: string
}

const NONE: Filters = { user: '', event: '', from: '', to: '' }

export function AdminAuditPage() {
  const action = useAction()
  const [filters, setFilters] = useState<Filters>(NONE)
  const [offset, setOffset] = useState(0)
  const [list, setList] = useState<{ records: AuditRecord[]; total: number } | undefined>()
  useEffect(() => {
    const params = new URLSearchParams({ limit: String(PER_PAGE), offset: String(offset) })
    for (const [k, v] of Object.entries(filters)) if (v !== '') params.set(k, v)
    void action.run(async () => setList(await api('GET', `/admin/audit?${params}`)))
  }, [filters, offset])

  const apply = (e: SubmitEvent) => {
    const v = formValues(e)
    setFilters({ user: (v.user ?? '').trim(), event: v.event ?? '', from: v.from ?? '', to: v.to ?? '' })
    setOffset(0)
  }

  return (
    <Page title="Audit log">
      <form class="card filters" aria-label="Filter the audit log" onSubmit={apply}>
        <Field form="audit" label="User (email or id)" name="user" value={filters.user} />
        <div class="field">
          <label for="audit-event">Event</label>
          <select id="audit-event" name="event" value={filters.event}>
            <option value="">Every event</option>
            {Object.entries(EVENT_WORDS).map(([name, words]) => (
              <option value={name} key={name}>
                {words} ({name})
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="audit-from">From (UTC date)</label>
          <input id="audit-from" name="from" type="date" defaultValue={filters.from} />
        </div>
        <div class="field">
          <label for="audit-to">Before (UTC date)</label>
          <input id="audit-to" name="to" type="date" defaultValue={filters.to} />
        </div>
        <div class="buttons">
          <button type="submit">Filter</button>
          <button type="reset" class="secondary" onClick={() => (setFilters(NONE), setOffset(0))}>
            Clear
          </button>
        </div>
      </form>
      <Outcome action={action} />
      {list !== undefined && (
        <>
          <p role="status">{list.total === 0 ? 'No events match.' : `${list.total} event${list.total === 1 ? '' : 's'}, showing ${offset + 1} to ${offset + list.records.length}.`}</p>
          <ul class="cards" aria-label="Audit events">
            {list.records.map((r) => (
              <li class={`card event${r.outcome === 'failure' ? ' failed' : ''}`} key={r.id}>
                <h2>
                  {eventWords(r.event, r.outcome, r.reason)} <code class="muted">{r.event}</code>
                </h2>
                <dl class="facts">
                  <dt>When</dt>
                  <dd>{when(r.at)}</dd>
                  <dt>Account</dt>
                  <dd>{r.subject_id === null ? 'none' : <Link to={`/admin/users/${encodeURIComponent(r.subject_id)}`}>{r.subject_id}</Link>}</dd>
                  <dt>By</dt>
                  <dd>{r.actor_id === null ? (r.detail?.via === 'cli' ? 'the command line' : 'nobody signed in') : r.actor_id === r.subject_id ? 'the account itself' : <Link to={`/admin/users/${encodeURIComponent(r.actor_id)}`}>{r.actor_id}</Link>}</dd>
                  <dt>From</dt>
                  <dd>{r.ip === null ? 'unknown' : `${device(r.user_agent)} (${r.ip})`}</dd>
                  {r.detail?.roles !== undefined && (
                    <>
                      <dt>Roles</dt>
                      <dd>
                        {(r.detail.previous_roles ?? []).join(', ') || 'none'} → {r.detail.roles.join(', ') || 'none'}
                      </dd>
                    </>
                  )}
                  {r.detail?.disabled !== undefined && (
                    <>
                      <dt>Disabled</dt>
                      <dd>{r.detail.disabled ? 'yes' : 'no'}</dd>
                    </>
                  )}
                </dl>
              </li>
            ))}
          </ul>
          <Pager offset={offset} perPage={PER_PAGE} total={list.total} onChange={setOffset} />
        </>
      )}
    </Page>
  )
}
