// What every page shares: the server's settings, the signed-in user, navigation, and the two
// session events a page cannot handle alone (the session ended; a change needs a fresh token).

import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { ApiError, Settings, User } from './api.js'
import type { Go } from './router.js'

export interface Console {
  settings: Settings
  /** null when signed out. */
  user: User | null
  go: Go
  /** After a sign-in: remember the user and open the page they were headed for. */
  signedIn(user: User): void
  /** Reads GET /auth/me again (after a change to the signed-in account). */
  reloadUser(): Promise<void>
  /** Signed out on purpose, or the session ended: back to sign-in with `message`. */
  signedOut(message: string): void
  /** The session could not be renewed. */
  ended(err: ApiError): void
  /**
   * Runs `action`; when the server answers TOKEN_NOT_FRESH, asks for the password, signs in again
   * (a new login gives a fresh token) and runs it once more.
   */
  fresh<T>(action: () => Promise<T>): Promise<T>
}

export const ConsoleContext = createContext<Console | undefined>(undefined)

export function useConsole(): Console {
  const ctx = useContext(ConsoleContext)
  if (ctx === undefined) throw new Error('useConsole outside ConsoleContext')
  return ctx
}
