// The tutorial's users (tutorial 4's `__main__` block), made real accounts: a username, an email
// (an account needs one; the tutorial's users had none), an argon2id-hashed password of their
// own instead of the shared "password", and tutorial 4's full name. Added at start outside
// production when missing; an existing account is left as it is.

import type { Auth } from '../../src/index.js'
import type { Profiles } from './profiles.js'

export interface SeedUser {
  username: string
  fullName: string
  password: string
}

export const SEED_USERS: readonly SeedUser[] = Object.freeze([
  { username: 'batman', fullName: 'Bruce Wayne', password: 'wayne manor 1939' },
  { username: 'panther', fullName: 'Ann Takamaki', password: 'phantom thieves 2016' },
  { username: 'little_sapphire', fullName: 'Jester Lavore', password: 'the traveler is watching' },
])

/** Registers the users that do not exist yet; returns the usernames added. */
export async function seedUsers(auth: Auth, profiles: Profiles, users: readonly SeedUser[] = SEED_USERS): Promise<string[]> {
  const added: string[] = []
  for (const seed of users) {
    if ((await auth.accounts.findByUsername(seed.username)) !== undefined) continue
    const user = await auth.accounts.register({ email: `${seed.username}@example.com`, username: seed.username, password: seed.password })
    await profiles.set(user.id, seed.fullName)
    added.push(seed.username)
  }
  return added
}
