// The demo account. The tutorial let any username in with the password "password"; here a login
// is a tokenwarden account, and outside production one is added at start when missing, so the
// tutorial's Postman and curl calls work with only the credentials changed. Add others with
// `tokenwarden users create` on the same DATABASE_URL.

import type { Auth } from '../../src/index.js'

export const DEMO_USER = Object.freeze({ username: 'uploader', email: 'uploader@example.com', password: 'correct horse battery staple' })

/** Registers the demo account unless it exists; true when it was added. */
export async function seedUsers(auth: Auth, user: typeof DEMO_USER = DEMO_USER): Promise<boolean> {
  if ((await auth.accounts.findByUsername(user.username)) !== undefined) return false
  await auth.accounts.register(user)
  return true
}
