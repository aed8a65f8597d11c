// Section 4: revocation at scale: a SessionGate holding the profile's revoked sessions (1M in
// full and quick runs), in a child process with --expose-gc pinned to the server core (bundled
// plain JavaScript, so its RSS is not inflated by a TypeScript loader).

import { log } from '../lib/log.js'
import { settle } from '../lib/machine.js'
import { runWorker, SERVER_CORE } from '../lib/proc.js'
import type { Profile } from '../lib/profile.js'
import type { RevocationResults } from '../lib/results.js'

export async function runRevocation(profile: Profile): Promise<RevocationResults> {
  await settle('revocation')
  const r = await runWorker<RevocationResults>(
    SERVER_CORE,
    'bench/sections/revocation-worker.ts',
    { revoked: profile.revoked, checks: profile.gateChecks },
    ['--expose-gc'],
  )
  log('revocation', `${r.revoked.toLocaleString('en-US')} revoked: live check ${r.liveCheckNs.toFixed(0)} ns, revoked check ${r.deadCheckNs.toFixed(0)} ns, RSS ${r.rssMb.toFixed(0)} MB (${r.baselineRssMb.toFixed(0)} MB before the gate)`)
  return r
}
