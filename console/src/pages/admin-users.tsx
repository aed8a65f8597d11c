// Admin: search and page through the users (GET /admin/users?q=&page=&per_page=). A user
// without the admin role sees the server's refusal (ROLE_REQUIRED) in words.

import { useEffect, useState } from 'preact/hooks'
import { api, type AdminUser } from '../api.js'
import { when } from '../format.js'
import { useAction } from '../ui/action.js'
import { Field, formValues, Link, Outcome, Page } from '../ui/parts.js'

const PER_PAGE = 10

interface UserList {
  users: AdminUser[]
  total: number
  page: number
  per_page: number
}

export function AdminUsersPage() {
  const action = useAction()
  const [query, setQuery] = useState({ q: '', page: 1 })
  const [list, setList] = useState<UserList | undefined>()
  useEffect(() => {
    const params = new URLSearchParams({ page: String(query.page), per_page: String(PER_PAGE) })
    if (query.q !== '') params.set('q', query.q)
    void action.run(async () => setList(await api<UserList>('GET', `/admin/users?${params}`)))
  }, [query])

  const pages = list === undefined ? 1 : Math.max(1, Math.ceil(list.total / list.per_page))
  return (
    <Page title="Users">
      <form class="card search" role="search" onSubmit={(e) => setQuery({ q: (formValues(e).q ?? '').trim(), page: 1 })}>
        <Field form="search" label="Search by email or username" name="q" type="search" value={query.q} />
        <button type="submit">Search</button>
      </form>
      <Outcome action={action} />
      {list !== undefined && (
        <>
          <p role="status">
            {list.total === 0 ? 'No users found.' : `${list.total} user${list.total === 1 ? '' : 's'}, page ${list.page} of ${pages}.`}
          </p>
          <ul class="cards" aria-label="Users">
            {list.users.map((u) => (
              <li class="card user" key={u.id}>
                <h2>
                  <Link to={`/admin/users/${encodeURIComponent(u.id)}`}>{u.email}</Link>
                  {u.disabled && <span class="badge off">Disabled</span>}
                  {u.roles.includes('admin') && <span class="badge">Admin</span>}
                </h2>
                <p class="muted">
                  {u.username === null ? 'no username' : `@${u.username}`} · roles: {u.roles.length === 0 ? 'none' : u.roles.join(', ')} · created {when(u.created_at)}
                </p>
              </li>
            ))}
          </ul>
          <nav class="buttons pager" aria-label="Pages">
            <button type="button" class="secondary" disabled={query.page <= 1} onClick={() => setQuery({ ...query, page: query.page - 1 })}>
              Previous page
            </button>
            <button type="button" class="secondary" disabled={query.page >= pages} onClick={() => setQuery({ ...query, page: query.page + 1 })}>
              Next page
            </button>
          </nav>
        </>
      )}
    </Page>
  )
}
