// A small history router for the paths under /console: the server answers index.html for each,
// so a reload or a pasted link opens the same page.

import { useCallback, useEffect, useState } from 'preact/hooks'

export const BASE = '/console'

function here(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '/'
  return path === '' ? '/' : path
}

export type Go = (to: string, options?: { replace?: boolean }) => void

export function useRoute(): [string, Go] {
  const [path, setPath] = useState(here)
  useEffect(() => {
    const onPop = () => setPath(here())
    addEventListener('popstate', onPop)
    return () => removeEventListener('popstate', onPop)
  }, [])
  const go = useCallback<Go>((to, options = {}) => {
    if (options.replace) history.replaceState(null, '', BASE + to)
    else history.pushState(null, '', BASE + to)
    setPath(to)
    scrollTo(0, 0)
  }, [])
  return [path, go]
}

/** `/admin/users/:id` against `/admin/users/abc` -> { id: 'abc' }, or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/')
  const got = path.replace(/\/$/, '').split('/')
  if (want.length !== got.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    if (want[i]!.startsWith(':')) params[want[i]!.slice(1)] = decodeURIComponent(got[i]!)
    else if (want[i] !== got[i]) return undefined
  }
  return params
}
