// The passwords attackers try first: the common-password dictionary of
// @zxcvbn-ts/language-common (49,233 passwords from leaked-password corpora, most common
// first), loaded on first use and kept in one Set for the life of the process. Only entries
// of at least PASSWORD_MIN characters are kept: shorter ones are refused by length anyway.
// Memory and load time: bench/analysis.md, "Common-password list".

import { PASSWORD_MIN } from '../accounts/rules.js'

let loading: Promise<ReadonlySet<string>> | undefined

/**
 * The list as a Set of lowercased NFC strings; the first call loads it, later calls share it.
 *
 * @example
 * (await commonPasswords()).has('12345678') // true
 */
export function commonPasswords(): Promise<ReadonlySet<string>> {
  loading ??= import('@zxcvbn-ts/language-common').then(
    ({ dictionary }) => {
      const set = new Set<string>()
      for (const p of dictionary['passwords-common']) {
        const entry = p.normalize('NFC').toLowerCase()
        if ([...entry].length >= PASSWORD_MIN) set.add(entry)
      }
      return set
    },
    (err: unknown) => {
      // Let a later call try again rather than remember the failure.
      loading = undefined
      throw err
    },
  )
  return loading
}
