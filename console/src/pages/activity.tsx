// The signed-in user's own security events (GET /auth/me/activity): sign-ins and refused
// attempts, password and address changes, sessions ended, and changes an administrator made,
// with where each came from. Newest first, a page at a time.

import { useEffect, useState } from 'preact/hooks'
import { api, type ActivityEvent } from '../api.js'
import { eventWords } from '../audit-words.js'
import { device, when } from '../format.js'
import { useAction } from '../ui/action.js'
import { Outcome, Page, Pager } from '../ui/parts.js'

const PER_PAGE = 20

const ACTOR_WORDS: Record<ActivityEvent['actor'], string> = {
  self: 'you',
  admin: 'an administrator',
  operator: 'an operator (command line)',
  nobody: 'someone not signed in',
}

export function ActivityPage() {
  const load = useAction()
  const [offset, setOffset] = useState(0)
  const [list, setList] = useState<{ events: ActivityEvent[]; total: number } | undefined>()
  useEffect(() => void load.run(async () => setList(await api('GET', `/auth/me/activity?limit=${PER_PAGE}&offset=${offset}`))), [offset])

  return (
    <Page title="Activity">
      <p>Security events on your account, newest first. A sign-in or change you do not recognise? Change your password and end your other sessions.</p>
      <Outcome action={load} />
      {list !== undefined && (
        <>
          <p role="status">{list.total === 0 ? 'No events yet.' : `${list.total} event${list.total === 1 ? '' : 's'}, showing ${offset + 1} to ${offset + list.events.length}.`}</p>
          <ul class="cards" aria-label="Security events">
            {list.events.map((e) => (
              <li class={`card event${e.outcome === 'failure' ? ' failed' : ''}`} key={e.id}>
                <h2>
                  {eventWords(e.event, e.outcome, e.reason)} {e.outcome === 'failure' && <span class="badge off">Failed</span>}
                </h2>
                <dl class="facts">
                  <dt>When</dt>
                  <dd>{when(e.at)}</dd>
                  <dt>By</dt>
                  <dd>{ACTOR_WORDS[e.actor]}</dd>
                  <dt>From</dt>
                  <dd>{e.ip === null ? 'unknown' : `${device(e.user_agent)} (${e.ip})`}</dd>
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
