// One async action of a page (a form submit, a button): busy while it runs, its error or its
// success message afterwards. A session that could not be renewed goes back to sign-in.

import { useCallback, useState } from 'preact/hooks'
import { ApiError, SessionEnded } from '../api.js'
import { useConsole } from '../context.js'

export interface Action {
  busy: boolean
  error: ApiError | undefined
  done: string | undefined
  /** Runs `fn`; a string it returns is shown as the success message. */
  run(fn: () => Promise<string | void>): Promise<void>
}

export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err
  return new ApiError(0, 'NETWORK_ERROR', 'The server could not be reached. Check that it is running and try again.')
}

export function useAction(): Action {
  const ctx = useConsole()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ApiError | undefined>()
  const [done, setDone] = useState<string | undefined>()
  const run = useCallback(
    async (fn: () => Promise<string | void>) => {
      setBusy(true)
      setError(undefined)
      setDone(undefined)
      try {
        const message = await fn()
        if (typeof message === 'string') setDone(message)
      } catch (err) {
        if (err instanceof SessionEnded) ctx.ended(err)
        else setError(asApiError(err))
      } finally {
        setBusy(false)
      }
    },
    [ctx],
  )
  return { busy, error, done, run }
}
