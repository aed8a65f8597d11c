// A second process for the concurrent-migration test (races.test.ts): opens the store at
// argv[2], says "ready", migrates once its stdin closes, and prints the names it applied as JSON.

import { createStore } from '../../src/store/create.js'

const store = await createStore({ databaseUrl: process.argv[2]! })
process.stdout.write('ready\n')
for await (const _ of process.stdin) {
  // Waiting for the parent to close stdin: the signal to start.
}
try {
  process.stdout.write(`${JSON.stringify(await store.migrate())}\n`)
} finally {
  await store.close()
}
