// A separate process spending a login throttle's budget on a shared database, for the test that
// two processes over one SQLite file share it: argv is DATABASE_URL, key, attempts, start time
// (epoch ms, so the processes contend), maxFailures. Prints {"checks": n}, the checks let through.

import { createStore } from '../../src/store/create.js'
import { SqlLoginThrottle } from '../../src/store/kysely/throttle.js'

const [url, key, attempts, startAt, maxFailures] = process.argv.slice(2)
const store = await createStore({ databaseUrl: url! })
const throttle = new SqlLoginThrottle(store.db, store.dialect, { maxFailures: Number(maxFailures) })
while (Date.now() < Number(startAt)) await new Promise((resolve) => setTimeout(resolve, 2))
let checks = 0
for (let i = 0; i < Number(attempts); i++) {
  if ((await throttle.acquire(key!)) > 0) continue
  checks++
  await throttle.settle(key!, 'failure')
}
await store.close()
process.stdout.write(JSON.stringify({ checks }))
